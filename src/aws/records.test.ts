import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../storage/memory/memory-storage.js";
import { RecordStore } from "./records.js";

const scope = { accountId: "000000000000", region: "us-east-1" };

/** Memory storage that counts lost compare-and-swap races. */
class CountingStorage extends MemoryStorage {
  conflicts = 0;
  override async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<number> {
    try {
      return await super.update(key, value, expectedModRevision);
    } catch (error) {
      this.conflicts++;
      throw error;
    }
  }
}

describe("RecordStore.update", () => {
  it("applies concurrent updates of one record in turn, without compare-and-swap races", async () => {
    const storage = new CountingStorage();
    const store = new RecordStore<{ n: number }>(storage, "test", "counters");
    await store.create(scope, "c", { n: 0 });
    await Promise.all(Array.from({ length: 50 }, () => store.update(scope, "c", (r) => ({ n: r.n + 1 }))));
    assert.deepEqual(await store.get(scope, "c"), { n: 50 });
    assert.equal(storage.conflicts, 0);
  });

  it("keeps taking turns after an update that throws", async () => {
    const store = new RecordStore<{ n: number }>(new MemoryStorage(), "test", "counters");
    await store.create(scope, "c", { n: 0 });
    const failing = store.update(scope, "c", () => {
      throw new Error("refused");
    });
    const next = store.update(scope, "c", (r) => ({ n: r.n + 1 }));
    await assert.rejects(failing, /refused/);
    assert.deepEqual(await next, { n: 1 });
  });

  it("still retries when another writer (another process) changed the record meanwhile", async () => {
    const storage = new MemoryStorage();
    const store = new RecordStore<{ n: number }>(storage, "test", "counters");
    await store.create(scope, "c", { n: 0 });
    const key = `${store.prefix(scope)}c`;
    const before = await storage.get(key);
    let calls = 0;
    const result = await store.update(scope, "c", (r) => {
      calls++;
      // Another process writes between this read and this write (MemoryStorage writes synchronously).
      if (calls === 1) void storage.update(key, new TextEncoder().encode(JSON.stringify({ n: 10 })), before?.modRevision ?? 0);
      return { n: r.n + 1 };
    });
    assert.equal(calls, 2);
    assert.deepEqual(result, { n: 11 });
  });
});
