import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { COORDINATION_V1, validateLease } from "./coordination-v1.js";

describe("coordination.k8s.io/v1 Lease", () => {
  it("validates lease durations and prints the holder", () => {
    assert.deepEqual(validateLease({ leaseDurationSeconds: 0, leaseTransitions: -1 }).map((c) => `${c.field}: ${c.message}`), [
      "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
      "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
    ]);
    const d = COORDINATION_V1[0];
    assert.ok(d);
    const lease = { metadata: { name: "ip-10-0-1-5", creationTimestamp: "2026-01-01T00:00:00Z" }, spec: { holderIdentity: "ip-10-0-1-5", leaseDurationSeconds: 40 } };
    assert.deepEqual(d.cells(lease, new Date("2026-01-01T00:00:40Z")), ["ip-10-0-1-5", "ip-10-0-1-5", "40s"]);
  });
});
