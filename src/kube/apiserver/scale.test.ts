import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { APPS_V1 } from "../api/apps-v1.js";
import { BATCH_V1 } from "../api/batch-v1.js";
import { withCoreLifecycle } from "../api/core-lifecycle.js";
import { CORE_V1 } from "../api/core-v1.js";
import type { StoredObject, UserInfo } from "../api/types.js";
import { withWorkloadLifecycle } from "../api/workload-lifecycle.js";
import { InProcessClient } from "../client/in-process-client.js";
import { ApiHandler } from "./api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "./auth/authorizer.js";
import { StatusError } from "./status.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const DEPLOY = "/apis/apps/v1/namespaces/default/deployments";
const SCALE = `${DEPLOY}/web/scale`;

interface Scale {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string };
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

async function newServer() {
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/test/registry",
    descriptors: withWorkloadLifecycle(withCoreLifecycle([...CORE_V1, ...APPS_V1, ...BATCH_V1])),
    clock: new FakeClock("2026-01-01T00:00:00Z"),
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "33", gitVersion: "v1.33.0-eks-0000000" },
    serverAddress: () => "127.0.0.1:6443",
  });
  const client = new InProcessClient(handler, ADMIN);
  await client.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  const deployment = await client.request<StoredObject>("POST", DEPLOY, {
    body: {
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }] },
        template: { metadata: { labels: { app: "web", tier: "a" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
      },
    },
  });
  return { client, deployment };
}

describe("the scale subresource (autoscaling/v1 Scale)", () => {
  it("reads a Scale from the deployment", async () => {
    const { client, deployment } = await newServer();
    const scale = await client.request<Scale>("GET", SCALE);
    assert.deepEqual(scale, {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: {
        name: "web",
        namespace: "default",
        uid: deployment.metadata.uid,
        resourceVersion: deployment.metadata.resourceVersion,
        creationTimestamp: "2026-01-01T00:00:00Z",
      },
      spec: { replicas: 2 },
      status: { replicas: 0, selector: "app=web,tier in (a,b)" },
    });
  });

  it("PUT changes only spec.replicas and answers a Scale", async () => {
    const { client, deployment } = await newServer();
    const scale = await client.request<Scale>("GET", SCALE);
    const put = await client.request<Scale>("PUT", SCALE, { body: { ...scale, spec: { replicas: 5 }, status: { replicas: 99 } } });
    assert.equal(put.kind, "Scale");
    assert.equal(put.spec.replicas, 5);
    assert.equal(put.status.replicas, 0);
    assert.notEqual(put.metadata.resourceVersion, scale.metadata.resourceVersion);
    const after = await client.request<StoredObject>("GET", `${DEPLOY}/web`);
    assert.equal((after.spec as { replicas: number }).replicas, 5);
    assert.equal(after.metadata.generation, 2);
    assert.deepEqual(after.status, {});
    assert.deepEqual((after.spec as { template: unknown }).template, (deployment.spec as { template: unknown }).template);

    // A stale resourceVersion on the Scale is a conflict on the parent.
    await assert.rejects(client.request("PUT", SCALE, { body: { ...scale, spec: { replicas: 1 } } }), (e: unknown) => e instanceof StatusError && e.code === 409);
  });

  it("PATCH with merge, JSON and strategic patches", async () => {
    const { client } = await newServer();
    const merge = await client.request<Scale>("PATCH", SCALE, { body: { spec: { replicas: 3 } }, contentType: "application/merge-patch+json" });
    assert.equal(merge.spec.replicas, 3);
    const json = await client.request<Scale>("PATCH", SCALE, { body: [{ op: "replace", path: "/spec/replicas", value: 4 }], contentType: "application/json-patch+json" });
    assert.equal(json.spec.replicas, 4);
    const smp = await client.request<Scale>("PATCH", SCALE, { body: { spec: { replicas: 0 } }, contentType: "application/strategic-merge-patch+json" });
    assert.deepEqual(smp.spec, {});
    const after = await client.request<StoredObject>("GET", `${DEPLOY}/web`);
    assert.equal((after.spec as { replicas: number }).replicas, 0);
  });

  it("refuses negative replicas as upstream does", async () => {
    const { client } = await newServer();
    await assert.rejects(
      client.request("PATCH", SCALE, { body: { spec: { replicas: -1 } }, contentType: "application/merge-patch+json" }),
      (e: unknown) =>
        e instanceof StatusError && e.code === 422 && e.message === 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });

  it("answers 404 for scale of a missing deployment and of a kind without scale", async () => {
    const { client } = await newServer();
    await assert.rejects(client.request("GET", `${DEPLOY}/nope/scale`), (e: unknown) => e instanceof StatusError && e.code === 404);
    await assert.rejects(client.request("GET", "/apis/batch/v1/namespaces/default/jobs/x/scale"), (e: unknown) => e instanceof StatusError && e.code === 404);
  });

  it("is published in discovery with its own kind", async () => {
    const { client } = await newServer();
    const legacy = await client.request<{ resources: Record<string, unknown>[] }>("GET", "/apis/apps/v1");
    assert.deepEqual(
      legacy.resources.find((r) => r.name === "deployments/scale"),
      { name: "deployments/scale", singularName: "", namespaced: true, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] },
    );
    assert.equal(legacy.resources.find((r) => r.name === "deployments/status")?.kind, "Deployment");
  });
});
