import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { boundPod, startHarness } from "./harness.case.js";
import { kubeletFleetOf, registerFleet } from "./kubelet-fleet.js";
import { NODE_BASE_CPU_MILLIS, NODE_BASE_MEMORY_BYTES } from "./usage.js";

const MI = 1024 * 1024;

describe("simulated usage (for metrics.k8s.io)", { timeout: 20_000 }, () => {
  it("reports each running container's annotated usage, and per node the sum plus the system's share", async () => {
    const h = await startHarness();
    const node = h.source.addInstance().privateDnsName;
    const idle = h.source.addInstance().privateDnsName;
    await h.settle();
    await h.createPod(
      boundPod("busy", node, {
        annotations: { "minieks.io/cpu-usage": "250m", "minieks.io/memory-usage": "64Mi", "minieks.io/cpu-usage.sidecar": "50m" },
        spec: { containers: [{ name: "app", image: "nginx" }, { name: "sidecar", image: "envoy" }] },
      }),
    );
    await h.createPod(boundPod("done", node, { annotations: { "minieks.io/exit-code": "0" }, spec: { restartPolicy: "Never" } }));
    await h.settle();

    const usage = h.fleet.usage();
    assert.equal(usage.timestamp.toISOString(), "2026-01-01T00:00:00.000Z");
    assert.deepEqual(usage.pods, [
      {
        namespace: "default",
        name: "busy",
        node,
        containers: [
          { name: "app", cpuMillis: 250, memoryBytes: 64 * MI },
          { name: "sidecar", cpuMillis: 50, memoryBytes: 64 * MI },
        ],
      },
    ]);
    const byNode = new Map(usage.nodes.map((n) => [n.name, n]));
    assert.deepEqual(byNode.get(node), { name: node, cpuMillis: NODE_BASE_CPU_MILLIS + 300, memoryBytes: NODE_BASE_MEMORY_BYTES + 128 * MI });
    assert.deepEqual(byNode.get(idle), { name: idle, cpuMillis: NODE_BASE_CPU_MILLIS, memoryBytes: NODE_BASE_MEMORY_BYTES });

    // Other components find the fleet by their cluster's API handler.
    registerFleet(h.handler, h.fleet);
    assert.equal(kubeletFleetOf(h.handler), h.fleet);
    h.stop();
  });
});
