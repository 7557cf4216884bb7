import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { POLICY_V1, validatePdb } from "./policy-v1.js";
import type { StoredObject } from "./types.js";

const pdb = (spec: Record<string, unknown>): StoredObject => ({ metadata: { name: "db", namespace: "default", creationTimestamp: "2026-01-01T00:00:00Z" }, spec });
const errors = (spec: Record<string, unknown>) => validatePdb(pdb(spec)).map((c) => `${c.field}: ${c.message}`);

describe("policy/v1 PodDisruptionBudget", () => {
  it("accepts one bound and refuses both, bad percentages and negatives", () => {
    assert.deepEqual(errors({ minAvailable: 1, selector: { matchLabels: { app: "db" } } }), []);
    assert.deepEqual(errors({ maxUnavailable: "25%" }), []);
    assert.deepEqual(errors({ minAvailable: 1, maxUnavailable: 1 }), ["spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:1, MaxUnavailable:1}: minAvailable and maxUnavailable cannot be both set"]);
    assert.deepEqual(errors({ minAvailable: "50" }), [
      `spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"50"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    ]);
    assert.deepEqual(errors({ maxUnavailable: "150%" }), ['spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%']);
    assert.deepEqual(errors({ minAvailable: -1 }), ["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"]);
    assert.deepEqual(errors({ minAvailable: 1, unhealthyPodEvictionPolicy: "Sometimes" }), ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"']);
  });

  it("starts with a zero status and prints N/A for the unset bound", () => {
    const d = POLICY_V1[0];
    assert.ok(d);
    const o = pdb({ minAvailable: "50%" });
    d.strategy.prepareForCreate?.(o);
    assert.deepEqual(o.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    assert.deepEqual(d.cells(o, new Date("2026-01-01T00:00:05Z")), ["db", "50%", "N/A", 0, "5s"]);
    assert.deepEqual(d.columns.map((c) => c.name), ["Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"]);
  });
});
