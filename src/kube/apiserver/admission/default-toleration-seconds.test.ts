import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { CORE_V1 } from "../../api/core-v1.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { ApiHandler } from "../api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../auth/authorizer.js";
import { InProcessClient } from "../../client/in-process-client.js";
import { defaultTolerationSeconds } from "./default-toleration-seconds.js";

async function client() {
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/test/registry",
    descriptors: withCoreLifecycle(CORE_V1),
    clock: new FakeClock(),
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:6443",
    admission: () => [defaultTolerationSeconds()],
  });
  const c = new InProcessClient(handler, { username: "admin", groups: [SYSTEM_MASTERS] });
  await c.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  return c;
}

const pods = { version: "v1", plural: "pods", namespace: "default" };
const containers = [{ name: "c", image: "nginx" }];

test("a new pod tolerates not-ready and unreachable for 300 s", async () => {
  const c = await client();
  const pod = await c.create(pods, { metadata: { name: "web" }, spec: { containers, tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }] } });
  assert.deepEqual((pod.spec as { tolerations: unknown[] }).tolerations, [
    { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" },
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  ]);
});

test("a pod that already tolerates a taint keeps its own toleration", async () => {
  const c = await client();
  const own = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 };
  const pod = await c.create(pods, { metadata: { name: "fast" }, spec: { containers, tolerations: [own] } });
  assert.deepEqual((pod.spec as { tolerations: unknown[] }).tolerations, [
    own,
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  ]);
  const all = await c.create(pods, { metadata: { name: "daemon" }, spec: { containers, tolerations: [{ operator: "Exists" }] } });
  assert.deepEqual((all.spec as { tolerations: unknown[] }).tolerations, [{ operator: "Exists" }], "an empty key and effect tolerate everything");
});
