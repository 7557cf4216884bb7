import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../shared/clock.js";
import { silentLogger } from "../shared/logger.js";
import { COMPACTION_INTERVAL_MS, startCompactor } from "./compactor.js";
import { MemoryStorage } from "./memory/memory-storage.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("startCompactor", () => {
  it("compacts, each interval, up to the revision the previous round saw", async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage();
    const compactor = startCompactor(storage, clock, silentLogger);
    await storage.create("/a", bytes("1"));
    clock.advance(COMPACTION_INTERVAL_MS);
    await settle();
    assert.equal(await storage.compactedRevision(), 0, "the first round only notes the revision");
    const seen = await storage.currentRevision();
    await storage.create("/b", bytes("2"));
    clock.advance(COMPACTION_INTERVAL_MS);
    await settle();
    assert.equal(await storage.compactedRevision(), seen);
    // History after it is still there: a watch from that revision gets the later write.
    const events: string[] = [];
    const watch = storage.watch("/", seen, { onEvent: (e) => events.push(e.kv.key) });
    await settle();
    assert.deepEqual(events, ["/b"]);
    watch.cancel();
    compactor.stop();
    await storage.create("/c", bytes("3"));
    clock.advance(COMPACTION_INTERVAL_MS * 3);
    await settle();
    assert.equal(await storage.compactedRevision(), seen, "nothing after stop");
  });

  it("keeps going after a failed round", async () => {
    const clock = new FakeClock();
    const storage = new MemoryStorage();
    let fail = true;
    const original = storage.currentRevision.bind(storage);
    storage.currentRevision = async () => {
      if (fail) throw new Error("busy");
      return original();
    };
    const compactor = startCompactor(storage, clock, silentLogger);
    await storage.create("/a", bytes("1"));
    clock.advance(COMPACTION_INTERVAL_MS);
    await settle();
    fail = false;
    clock.advance(COMPACTION_INTERVAL_MS);
    await settle();
    clock.advance(COMPACTION_INTERVAL_MS);
    await settle();
    assert.equal(await storage.compactedRevision(), 1);
    compactor.stop();
  });
});
