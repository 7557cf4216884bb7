import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FLOWCONTROL_V1 } from "./flowcontrol-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const NOW = new Date("2026-01-01T00:01:00Z");
function create(d: ResourceDescriptor | undefined, o: Record<string, unknown>, name = "x"): { obj: StoredObject; errors: string[] } {
  assert.ok(d);
  const obj = { ...structuredClone(o), metadata: { name, creationTimestamp: "2026-01-01T00:00:00Z" } } as StoredObject;
  d.strategy.prepareForCreate?.(obj);
  return { obj, errors: (d.strategy.validate?.(obj) ?? []).map((c) => `${c.field}: ${c.message}`) };
}
const [flowSchemas, priorityLevels] = FLOWCONTROL_V1;

describe("flowcontrol.apiserver.k8s.io/v1", () => {
  it("defaults and prints FlowSchemas", () => {
    const fs = create(flowSchemas, { spec: { priorityLevelConfiguration: { name: "workload-low" }, distinguisherMethod: { type: "ByUser" } } });
    assert.deepEqual(fs.errors, []);
    assert.equal((fs.obj.spec as { matchingPrecedence: number }).matchingPrecedence, 1000);
    assert.deepEqual(flowSchemas?.cells(fs.obj, NOW), ["x", "workload-low", 1000, "ByUser", "60s", "?"]);
    assert.deepEqual(create(flowSchemas, { spec: { matchingPrecedence: 20000 } }).errors, [
      "spec.matchingPrecedence: Invalid value: 20000: must not be greater than 10000",
      "spec.priorityLevelConfiguration.name: Required value: must reference a priority level",
    ]);
  });

  it("defaults and prints PriorityLevelConfigurations", () => {
    const pl = create(priorityLevels, { spec: { type: "Limited", limited: { limitResponse: { type: "Queue", queuing: {} } } } });
    assert.deepEqual(pl.errors, []);
    assert.deepEqual(priorityLevels?.cells(pl.obj, NOW), ["x", "Limited", 30, 64, 8, 50, "60s"]);
    assert.deepEqual(priorityLevels?.cells(create(priorityLevels, { spec: { type: "Exempt", exempt: {} } }).obj, NOW), ["x", "Exempt", "<none>", "<none>", "<none>", "<none>", "60s"]);
    assert.deepEqual(create(priorityLevels, { spec: { type: "Limited" } }).errors, ["spec.limited: Required value: must not be empty when type is Limited"]);
  });
});
