// Runs every bench/*.bench.ts one after another (or only those named: `npm run bench -- footprint`).
// Benchmarks are never part of `npm test`; each one prints a table and a one-line JSON summary.
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const all = readdirSync(join(root, "bench")).filter((f) => f.endsWith(".bench.ts")).sort();
const wanted = process.argv.slice(2).map((a) => basename(a).replace(/\.bench\.ts$/, ""));
const unknown = wanted.filter((w) => !all.includes(`${w}.bench.ts`));
if (unknown.length > 0) {
  console.error(`no such bench: ${unknown.join(", ")} (have: ${all.map((f) => f.replace(".bench.ts", "")).join(", ")})`);
  process.exit(1);
}
const files = wanted.length > 0 ? wanted.map((w) => `${w}.bench.ts`) : all;

const failed = [];
for (const file of files) {
  const result = spawnSync(process.execPath, ["--import", "tsx", join("bench", file)], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) failed.push(`${file} (${result.status ?? result.signal})`);
  console.log();
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
