import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SCHEDULING_V1, systemPriorityClasses, validatePriorityClass } from "./scheduling-v1.js";
import type { StoredObject } from "./types.js";

const pc = (name: string, extra: Record<string, unknown>): StoredObject => ({ metadata: { name, creationTimestamp: "2026-01-01T00:00:00Z" }, ...extra });
const errors = (o: StoredObject) => validatePriorityClass(o).map((c) => `${c.field}: ${c.message}`);

describe("scheduling.k8s.io/v1 PriorityClass", () => {
  it("reserves system- names for the known classes with their values", () => {
    for (const c of systemPriorityClasses()) assert.deepEqual(errors(c as StoredObject), []);
    assert.deepEqual(errors(pc("system-node-critical", { value: 5 })), [
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000",
    ]);
    assert.deepEqual(errors(pc("big", { value: 1_000_000_001 })), ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]);
    assert.deepEqual(errors(pc("p", { value: 1, preemptionPolicy: "Sometimes" })), ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "Never", "PreemptLowerPriority"']);
  });

  it("defaults the preemption policy, keeps value fixed and prints PREEMPTIONPOLICY", () => {
    const d = SCHEDULING_V1[0];
    assert.ok(d);
    const o = pc("high", { value: 1000, globalDefault: false });
    d.strategy.prepareForCreate?.(o);
    assert.equal(o.preemptionPolicy, "PreemptLowerPriority");
    assert.deepEqual(d.cells(o, new Date("2026-01-01T00:00:09Z")), ["high", 1000, false, "9s", "PreemptLowerPriority"]);
    assert.deepEqual(d.columns.map((c) => [c.name, c.priority]), [["Name", 0], ["Value", 0], ["Global-Default", 0], ["Age", 0], ["PreemptionPolicy", 0]]);
    assert.deepEqual(d.strategy.validateUpdate?.({ ...o, value: 2000 }, o).map((c) => c.message), ["Forbidden: may not be changed in an update."]);
  });
});
