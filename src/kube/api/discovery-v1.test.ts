import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DISCOVERY_V1 } from "./discovery-v1.js";
import type { StoredObject } from "./types.js";

const d = DISCOVERY_V1[0];
const slice = (extra: Record<string, unknown>): StoredObject => ({
  metadata: { name: "web-abc", namespace: "default", labels: { "kubernetes.io/service-name": "web" }, creationTimestamp: "2026-01-01T00:00:00Z" },
  ...extra,
});

describe("discovery.k8s.io/v1 EndpointSlice", () => {
  it("defaults ports and prints ports and endpoints", () => {
    assert.ok(d);
    const o = slice({ addressType: "IPv4", ports: [{ port: 80 }], endpoints: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"].map((a) => ({ addresses: [a] })) });
    d.strategy.prepareForCreate?.(o);
    assert.deepEqual(o.ports, [{ port: 80, name: "", protocol: "TCP" }]);
    assert.deepEqual(d.strategy.validate?.(o), []);
    assert.deepEqual(d.cells(o, new Date("2026-01-01T00:00:10Z")), ["web-abc", "IPv4", "80", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "10s"]);
    assert.deepEqual(d.cells(slice({ addressType: "IPv4" }), new Date("2026-01-01T00:00:10Z")).slice(2, 4), ["<unset>", "<unset>"]);
  });

  it("validates the address type, addresses and ports", () => {
    assert.ok(d);
    const o = slice({ addressType: "IPv4", endpoints: [{ addresses: [] }, { addresses: ["::1"] }, { addresses: ["127.0.0.1"] }], ports: [{ name: "http", protocol: "TCP" }, { name: "http", protocol: "ICMP" }] });
    assert.deepEqual(d.strategy.validate?.(o).map((c) => `${c.field}: ${c.message}`), [
      "endpoints[0].addresses: Required value: must contain at least 1 address",
      'endpoints[1].addresses[0]: Invalid value: "::1": must be a valid IPv4 address',
      'endpoints[2].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'ports[1].name: Duplicate value: "http"',
      'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
    assert.deepEqual(d.strategy.validate?.(slice({ addressType: "IPX" })).map((c) => c.message), ['Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"']);
    assert.deepEqual(d.strategy.validateUpdate?.(slice({ addressType: "IPv6" }), slice({ addressType: "IPv4" })).map((c) => c.message), ['Invalid value: "IPv6": field is immutable']);
  });
});
