import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { HpaMemory, normalize, recordScale, behaviorOf } from "./normalization.js";
import { rawResourceReplicas, resourceReplicas, type PodMetrics } from "./replica-calculator.js";

const NOW = Date.parse("2026-01-01T01:00:00Z");
const LONG_AGO = "2026-01-01T00:00:00Z";

function pod(name: string, cpu = "100m", status: Record<string, unknown> = {}): StoredObject {
  return {
    metadata: { name },
    spec: { containers: [{ name: "c", resources: { requests: { cpu } } }] },
    status: { phase: "Running", startTime: LONG_AGO, conditions: [{ type: "Ready", status: "True", lastTransitionTime: LONG_AGO }], ...status },
  };
}
const metrics = (values: Record<string, number>): PodMetrics => new Map(Object.entries(values).map(([k, v]) => [k, { value: v, timestamp: NOW, windowMs: 20_000 }]));

describe("HPA replica calculator", () => {
  it("desired = ceil(current ready pods × utilization / target)", () => {
    const r = resourceReplicas({ current: 2, targetUtilization: 50, resource: "cpu", pods: [pod("a"), pod("b")], metrics: metrics({ a: 150, b: 50 }), now: NOW });
    assert.deepEqual(r, { replicas: 4, utilization: 100, rawAverage: 100 });
  });

  it("keeps the count within the 10% tolerance", () => {
    const r = resourceReplicas({ current: 2, targetUtilization: 50, resource: "cpu", pods: [pod("a"), pod("b")], metrics: metrics({ a: 54, b: 54 }), now: NOW });
    assert.equal(r.replicas, 2);
    assert.equal(r.utilization, 54);
  });

  it("counts pending and just-started pods as unready (0 on scale-up) and missing pods conservatively", () => {
    const pending = pod("p", "100m", { phase: "Pending" });
    const starting = pod("s", "100m", { startTime: "2026-01-01T00:59:30Z", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:59:50Z" }] });
    // a: 200% on one ready pod; the unready ones count as 0: (200+0+0)/300 = 66% vs 50% → ceil(1.33×3) = 4.
    const r = resourceReplicas({ current: 3, targetUtilization: 50, resource: "cpu", pods: [pod("a"), pending, starting], metrics: metrics({ a: 200, s: 200 }), now: NOW });
    assert.equal(r.replicas, 4);
    // Scale-down with a pod missing metrics: it is assumed at 100% of its request, so no overshoot.
    const down = resourceReplicas({ current: 2, targetUtilization: 50, resource: "cpu", pods: [pod("a"), pod("gone")], metrics: metrics({ a: 10 }), now: NOW });
    assert.equal(down.replicas, 2, "(10+100)/200 = 55% is within tolerance of 50%");
  });

  it("refuses pods without requests and reports no metrics", () => {
    const noRequest: StoredObject = { metadata: { name: "x" }, spec: { containers: [{ name: "nginx" }] }, status: { phase: "Running" } };
    assert.throws(() => resourceReplicas({ current: 1, targetUtilization: 50, resource: "memory", pods: [noRequest], metrics: metrics({ x: 1 }), now: NOW }), {
      message: "missing request for memory in container nginx of Pod x",
    });
    assert.throws(() => resourceReplicas({ current: 1, targetUtilization: 50, resource: "cpu", pods: [], metrics: metrics({}), now: NOW }), {
      message: "no pods returned by selector while calculating replica count",
    });
  });

  it("average value targets divide the mean usage by the target", () => {
    const r = rawResourceReplicas({ current: 2, targetAverage: 100, resource: "cpu", pods: [pod("a"), pod("b")], metrics: metrics({ a: 300, b: 300 }), now: NOW });
    assert.deepEqual(r, { replicas: 6, average: 300 });
  });
});

describe("HPA normalization", () => {
  it("without behavior: at most double (or 4) per step, bounded by max; scale-down takes the highest recommendation of 5 minutes", () => {
    const memory = new HpaMemory();
    memory.recommendations = [{ replicas: 2, at: NOW }];
    const up = normalize({ memory, behavior: undefined, current: 2, desired: 9, min: 1, max: 10, now: NOW });
    assert.deepEqual(up.replicas, 4);
    assert.deepEqual(up.limited, { status: "True", reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" });
    const early = normalize({ memory, behavior: undefined, current: 4, desired: 1, min: 1, max: 10, now: NOW + 60_000 });
    assert.equal(early.replicas, 8, "the recommendation of 9 is still within the window (capped by the rate rule)");
    assert.equal(early.ableToScale.reason, "ScaleDownStabilized");
    const late = normalize({ memory, behavior: undefined, current: 8, desired: 1, min: 2, max: 10, now: NOW + 400_000 });
    assert.equal(late.replicas, 2);
    assert.deepEqual(late.limited, { status: "True", reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" });
  });

  it("with behavior: the default scale-up policies (4 pods or 100% per 15 s) and a scale-down window", () => {
    const behavior = behaviorOf({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
    assert.ok(behavior);
    assert.equal(behavior.scaleDown.policies[0]?.type, "Percent");
    const memory = new HpaMemory();
    const up = normalize({ memory, behavior, current: 10, desired: 50, min: 1, max: 100, now: NOW });
    assert.equal(up.replicas, 20, "100% of 10 beats 4 pods");
    recordScale(memory, behavior, 10, 20, NOW);
    const again = normalize({ memory, behavior, current: 20, desired: 50, min: 1, max: 100, now: NOW + 5_000 });
    assert.equal(again.replicas, 20, "within the same 15 s period the budget is spent");
    const down = normalize({ memory, behavior, current: 20, desired: 5, min: 1, max: 100, now: NOW + 30_000 });
    assert.equal(down.replicas, 20, "50 was recommended within the 60 s window");
    const later = normalize({ memory, behavior, current: 20, desired: 5, min: 1, max: 100, now: NOW + 120_000 });
    assert.equal(later.replicas, 5);
  });
});
