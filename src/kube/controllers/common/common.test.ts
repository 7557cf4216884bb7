import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import { computeHash, fnv32a, safeEncode } from "./hash.js";
import { resolveFenceposts, scaledValue } from "./int-or-percent.js";
import { Expectations } from "./expectations.js";
import { slowStartBatch } from "./batches.js";

test("maxSurge rounds up, maxUnavailable down, and both zero makes maxUnavailable 1", () => {
  assert.deepEqual(resolveFenceposts("25%", "25%", 3), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts("25%", "25%", 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts(0, "10%", 5), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(2, 0, 5), { surge: 2, unavailable: 0 });
  assert.equal(scaledValue("50%", 5, true), 3);
  assert.equal(scaledValue("50%", 5, false), 2);
  assert.throws(() => scaledValue("3", 5, true), /not a percentage/);
});

test("template hashes are stable, key-order independent, safe-alphabet and at most 10 characters", () => {
  assert.equal(fnv32a(""), 0x811c9dc5);
  assert.equal(fnv32a("a"), 0xe40c292c);
  // Each character's code modulo 27: digits become 4–9 and b, c, d, f, as in upstream hashes like "7d4b9c6f8".
  assert.equal(safeEncode("0123456789"), "456789bcdf");
  const a = computeHash({ spec: { containers: [{ name: "c", image: "nginx" }] }, metadata: { labels: { app: "web" } } });
  const b = computeHash({ metadata: { labels: { app: "web" } }, spec: { containers: [{ image: "nginx", name: "c" }] } });
  assert.equal(a, b);
  assert.match(a, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.notEqual(computeHash({ x: 1 }, 1), computeHash({ x: 1 }));
});

test("expectations hold a controller back until its creates and deletes are observed, or expire", () => {
  const clock = new FakeClock();
  const e = new Expectations(clock);
  e.expectCreations("ns/rs", 2);
  assert.equal(e.satisfied("ns/rs"), false);
  e.creationObserved("ns/rs");
  assert.equal(e.satisfied("ns/rs"), false);
  e.creationObserved("ns/rs");
  assert.equal(e.satisfied("ns/rs"), true);
  e.expectDeletions("ns/rs", ["ns/p1"]);
  assert.equal(e.satisfied("ns/rs"), false);
  clock.advance(5 * 60 * 1000 + 1);
  assert.equal(e.satisfied("ns/rs"), true, "stale expectations expire after five minutes");
});

test("slow start creates in batches of 1, 2, 4 … and stops after a failing batch", async () => {
  let calls = 0;
  const ok = await slowStartBatch(10, 1, async () => void calls++);
  assert.deepEqual([ok.successes, calls], [10, 10]);
  calls = 0;
  const failing = await slowStartBatch(10, 1, async () => {
    calls++;
    if (calls > 3) throw new Error("quota");
  });
  // Batches 1 and 2 succeed (3 calls); the batch of 4 fails: 7 calls, 3 successes.
  assert.equal(calls, 7);
  assert.equal(failing.successes, 3);
  assert.match(String(failing.error), /quota/);
});
