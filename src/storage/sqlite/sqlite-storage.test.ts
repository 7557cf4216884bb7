import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runStorageConformance } from "../conformance.case.js";
import { SqliteStorage } from "./sqlite-storage.js";

const dir = mkdtempSync(join(tmpdir(), "minieks-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let databases = 0;
runStorageConformance("sqlite", async () => {
  const path = join(dir, `state-${++databases}.db`);
  return { storage: SqliteStorage.open(path), reopen: async () => SqliteStorage.open(path) };
});
