import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { withCoreLifecycle } from "../api/core-lifecycle.js";
import { CORE_V1 } from "../api/core-v1.js";
import type { UserInfo } from "../api/types.js";
import { ApiHandler } from "../apiserver/api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../apiserver/auth/authorizer.js";
import { StatusError } from "../apiserver/status.js";
import { InProcessClient } from "../client/in-process-client.js";
import type { FleetUsage } from "../kubelet/usage.js";
import { metricsDescriptors } from "./metrics-api.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const MI = 1024 * 1024;

describe("metrics.k8s.io", () => {
  const clock = new FakeClock(new Date("2026-01-01T00:00:00Z"));
  const usage: FleetUsage = {
    timestamp: clock.now(),
    nodes: [{ name: "ip-10-0-0-1.ec2.internal", cpuMillis: 320, memoryBytes: 512 * MI }],
    pods: [
      { namespace: "default", name: "web", node: "ip-10-0-0-1.ec2.internal", labels: { app: "web" }, containers: [{ name: "nginx", cpuMillis: 250, memoryBytes: 64 * MI }] },
      { namespace: "other", name: "db", node: "ip-10-0-0-1.ec2.internal", containers: [{ name: "pg", cpuMillis: 50, memoryBytes: 98 * MI }] },
    ],
  };
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/t/registry",
    descriptors: [...withCoreLifecycle(CORE_V1), ...metricsDescriptors(() => usage)],
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:443",
  });
  const client = new InProcessClient(handler, ADMIN);
  const PODS = { group: "metrics.k8s.io", version: "v1beta1", plural: "pods" };

  it("serves PodMetrics per namespace in metrics-server's units, with the pods' labels for selectors", async () => {
    const list = await client.list({ ...PODS, namespace: "default" });
    assert.equal((list as unknown as { kind: string }).kind, "PodMetricsList");
    assert.deepEqual(list.items, [
      {
        kind: "PodMetrics",
        apiVersion: "metrics.k8s.io/v1beta1",
        metadata: { name: "web", namespace: "default", creationTimestamp: "2026-01-01T00:00:00Z", labels: { app: "web" } },
        timestamp: "2026-01-01T00:00:00Z",
        window: "20s",
        containers: [{ name: "nginx", usage: { cpu: "250000000n", memory: "65536Ki" } }],
      },
    ]);
    assert.equal((await client.list({ ...PODS, namespace: "default" }, { labelSelector: "app=db" })).items.length, 0);
    assert.equal((await client.list(PODS)).items.length, 2, "all namespaces");
    await assert.rejects(client.get({ ...PODS, namespace: "default", name: "db" }), (e: unknown) => e instanceof StatusError && e.code === 404);
  });

  it("serves NodeMetrics and refuses writes", async () => {
    const node = await client.get({ group: "metrics.k8s.io", version: "v1beta1", plural: "nodes", name: "ip-10-0-0-1.ec2.internal" });
    assert.deepEqual((node as unknown as { usage: unknown }).usage, { cpu: "320000000n", memory: "524288Ki" });
    await assert.rejects(client.create({ ...PODS, namespace: "default" }, { metadata: { name: "x" } }), (e: unknown) => e instanceof StatusError && e.code === 405);
  });
});
