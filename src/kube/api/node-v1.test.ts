import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NODE_V1 } from "./node-v1.js";

describe("node.k8s.io/v1 RuntimeClass", () => {
  it("requires a DNS-label handler that never changes", () => {
    const d = NODE_V1[0];
    assert.ok(d);
    const rc = { metadata: { name: "runc", creationTimestamp: "2026-01-01T00:00:00Z" }, handler: "runc" };
    assert.deepEqual(d.strategy.validate?.(rc), []);
    assert.deepEqual(d.cells(rc, new Date("2026-01-01T00:01:00Z")), ["runc", "runc", "60s"]);
    assert.match(d.strategy.validate?.({ ...rc, handler: "Bad_Handler" })[0]?.message ?? "", /a lowercase RFC 1123 label/);
    assert.deepEqual(d.strategy.validateUpdate?.({ ...rc, handler: "kata" }, rc).map((c) => `${c.field}: ${c.message}`), ['handler: Invalid value: "kata": field is immutable']);
  });
});
