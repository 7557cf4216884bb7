// Runs every *.test.ts under the given folders with Node's test runner (through tsx).
// Node 20's runner does not discover .ts files itself, hence this small walker.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

const files = process.argv.slice(2).flatMap(findTests).sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", ...files],
  { stdio: "inherit", env: { ...process.env, MINIEKS_FREEZE_WATCH_OBJECTS: "1" } },
);
process.exit(result.status ?? 1);
