import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { age, humanDuration } from "./human-duration.js";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe("humanDuration", () => {
  it("matches apimachinery HumanDuration at each band", () => {
    const cases: Array<[number, string]> = [
      [0, "0s"],
      [999, "0s"],
      [45 * s, "45s"],
      [119 * s, "119s"],
      [2 * m, "2m"],
      [3 * m + 2 * s, "3m2s"],
      [9 * m + 59 * s, "9m59s"],
      [10 * m + 30 * s, "10m"],
      [45 * m, "45m"],
      [179 * m, "179m"],
      [3 * h, "3h"],
      [3 * h + 5 * m, "3h5m"],
      [7 * h + 59 * m, "7h59m"],
      [8 * h, "8h"],
      [30 * h, "30h"],
      [47 * h + 59 * m, "47h"],
      [48 * h, "2d"],
      [3 * d + 5 * h, "3d5h"],
      [7 * d + 23 * h, "7d23h"],
      [8 * d, "8d"],
      [45 * d, "45d"],
      [729 * d, "729d"],
      [730 * d, "2y"],
      [733 * d, "2y3d"],
      [365 * 8 * d, "8y"],
      [365 * 9 * d + 100 * d, "9y"],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
  });

  it("tolerates up to two seconds of clock skew, then says <invalid>", () => {
    assert.equal(humanDuration(-500), "0s");
    assert.equal(humanDuration(-1500), "0s");
    assert.equal(humanDuration(-1999), "0s");
    assert.equal(humanDuration(-2000), "<invalid>");
    assert.equal(humanDuration(-5 * m), "<invalid>");
  });
});

describe("age", () => {
  const now = new Date("2025-06-01T12:00:00Z");
  it("prints the time since the timestamp", () => {
    assert.equal(age("2025-06-01T11:59:15Z", now), "45s");
    assert.equal(age("2025-05-29T07:00:00Z", now), "3d5h");
  });
  it("prints <unknown> for a missing timestamp", () => {
    assert.equal(age(undefined, now), "<unknown>");
    assert.equal(age(null, now), "<unknown>");
    assert.equal(age("", now), "<unknown>");
  });
});
