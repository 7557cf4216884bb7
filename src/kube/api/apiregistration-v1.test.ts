import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { APIREGISTRATION_V1 } from "./apiregistration-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const NOW = new Date("2026-01-01T00:01:00Z");
function create(d: ResourceDescriptor | undefined, o: Record<string, unknown>, name = "x"): { obj: StoredObject; errors: string[] } {
  assert.ok(d);
  const obj = { ...structuredClone(o), metadata: { name, creationTimestamp: "2026-01-01T00:00:00Z" } } as StoredObject;
  d.strategy.prepareForCreate?.(obj);
  return { obj, errors: (d.strategy.validate?.(obj) ?? []).map((c) => `${c.field}: ${c.message}`) };
}

describe("apiregistration.k8s.io/v1 APIService", () => {
  const d = APIREGISTRATION_V1[0];
  it("requires version.group names and valid priorities", () => {
    const ok = create(d, { spec: { group: "metrics.k8s.io", version: "v1beta1", service: { namespace: "kube-system", name: "metrics-server" }, groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true } }, "v1beta1.metrics.k8s.io");
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(d?.cells(ok.obj, NOW), ["v1beta1.metrics.k8s.io", "kube-system/metrics-server", "Unknown", "60s"]);
    const available = { ...ok.obj, status: { conditions: [{ type: "Available", status: "False", reason: "MissingEndpoints" }] } };
    assert.equal(d?.cells(available, NOW)[2], "False (MissingEndpoints)");
    assert.deepEqual(create(d, { spec: { group: "metrics.k8s.io", version: "v1beta1", groupPriorityMinimum: 0, versionPriority: 100 } }, "wrong.name").errors, [
      'metadata.name: Invalid value: "wrong.name": must be `spec.version+"."+spec.group`: "v1beta1.metrics.k8s.io"',
      "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000",
    ]);
  });
});
