import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MemoryStorage } from "./memory/memory-storage.js";
import { openStorage } from "./open-storage.js";
import { SqliteStorage } from "./sqlite/sqlite-storage.js";

describe("openStorage", () => {
  const dir = mkdtempSync(join(tmpdir(), "minieks-open-storage-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("opens memory: storage", async () => {
    const storage = openStorage("memory:");
    assert.ok(storage instanceof MemoryStorage);
    await storage.close();
  });

  it("opens sqlite:///path storage, creating the folder", async () => {
    const storage = openStorage(`sqlite://${join(dir, "a b", "state.db")}`);
    assert.ok(storage instanceof SqliteStorage);
    await storage.create("/a", new Uint8Array([1]));
    await storage.close();
    const again = openStorage(`sqlite://${join(dir, "a%20b", "state.db")}`);
    assert.deepEqual((await again.get("/a"))?.value, new Uint8Array([1]));
    await again.close();
  });

  it("rejects unknown schemes and relative sqlite paths with a clear error", () => {
    assert.throws(() => openStorage("etcd://localhost:2379"), /Cannot open storage "etcd:\/\/localhost:2379": unknown scheme/);
    assert.throws(() => openStorage("/var/lib/state.db"), /unknown scheme/);
    assert.throws(() => openStorage("sqlite://state.db"), /expected sqlite:\/\/\/absolute\/path/);
    assert.throws(() => openStorage("sqlite:state.db"), /expected sqlite:\/\/\/absolute\/path/);
  });
});
