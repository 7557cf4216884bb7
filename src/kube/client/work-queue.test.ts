import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { WorkQueue } from "./work-queue.js";

const settle = () => new Promise((resolve) => setImmediate(resolve));

test("a key queued twice is processed once", async () => {
  const seen: string[] = [];
  const queue = new WorkQueue(new FakeClock(), async (key) => void seen.push(key));
  queue.add("a");
  queue.add("a");
  queue.add("b");
  await settle();
  assert.deepEqual(seen, ["a", "b"]);
});

test("a key added while it is processed runs again afterwards, never twice at once", async () => {
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  let release!: () => void;
  const queue = new WorkQueue(new FakeClock(), async () => {
    running++;
    runs++;
    maxRunning = Math.max(maxRunning, running);
    if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    running--;
  }, { concurrency: 4 });
  queue.add("a");
  await settle();
  queue.add("a");
  await settle();
  assert.equal(runs, 1);
  release();
  await settle();
  await settle();
  assert.equal(runs, 2);
  assert.equal(maxRunning, 1);
});

test("a failing key is retried with backoff on the clock", async () => {
  const clock = new FakeClock();
  let attempts = 0;
  const queue = new WorkQueue(clock, async () => {
    attempts++;
    if (attempts < 3) throw new Error("not yet");
  });
  queue.add("a");
  await settle();
  assert.equal(attempts, 1);
  clock.advance(5);
  await settle();
  assert.equal(attempts, 2);
  clock.advance(5);
  await settle();
  assert.equal(attempts, 2, "the second retry waits 10 ms");
  clock.advance(5);
  await settle();
  assert.equal(attempts, 3);
});
