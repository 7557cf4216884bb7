import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { resourcePath } from "../../client/in-process-client.js";
import { CONFIGMAPS, DEPLOYMENTS, JOBS, PODS, REPLICASETS, TestCluster } from "../common/test-cluster.js";
import { DeploymentController } from "../deployment/deployment-controller.js";
import { ReplicaSetController } from "../replicaset/replicaset-controller.js";
import { GarbageCollector } from "./garbage-collector.js";

const BOUNDED = { timeout: 20_000 };

const ownerRef = (owner: StoredObject, block = true) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  name: owner.metadata.name,
  uid: owner.metadata.uid,
  ...(block ? { blockOwnerDeletion: true } : {}),
});

async function withGc(fn: (c: TestCluster) => Promise<void>, extra: (c: TestCluster) => { stop(): void }[] = () => []): Promise<void> {
  const c = await TestCluster.start();
  const gc = new GarbageCollector(c.kcm).start();
  const others = extra(c);
  try {
    await fn(c);
  } finally {
    others.forEach((o) => o.stop());
    gc.stop();
  }
}

const exists = async (c: TestCluster, name: string) => (await c.list(CONFIGMAPS)).some((o) => o.metadata.name === name);
const del = (c: TestCluster, ref: typeof CONFIGMAPS, name: string, body: Record<string, unknown>) =>
  c.admin.request("DELETE", resourcePath({ ...ref, name }), { body });

describe("garbage collector", () => {
  it("deletes dependents after their owner is gone (Background), and only drops the reference when another owner remains", BOUNDED, () =>
    withGc(async (c) => {
      const owner = await c.create(CONFIGMAPS, { metadata: { name: "owner" } });
      const other = await c.create(CONFIGMAPS, { metadata: { name: "other" } });
      await c.create(CONFIGMAPS, { metadata: { name: "child", ownerReferences: [ownerRef(owner)] } });
      await c.create(CONFIGMAPS, { metadata: { name: "shared", ownerReferences: [ownerRef(owner), ownerRef(other)] } });
      await c.settle();
      await del(c, CONFIGMAPS, "owner", { propagationPolicy: "Background" });
      await c.until("child deleted", async () => !(await exists(c, "child")));
      await c.until("shared keeps only its other owner", async () => (await c.get(CONFIGMAPS, "shared")).metadata.ownerReferences?.length === 1);
      assert.equal((await c.get(CONFIGMAPS, "shared")).metadata.ownerReferences?.[0]?.uid, other.metadata.uid);
    }));

  it("deletes an object whose owner never existed", BOUNDED, () =>
    withGc(async (c) => {
      await c.settle();
      await c.create(CONFIGMAPS, { metadata: { name: "stray", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "ghost", uid: "00000000-0000-0000-0000-000000000000" }] } });
      await c.until("stray deleted", async () => !(await exists(c, "stray")));
    }));

  it("Foreground: the owner waits with foregroundDeletion until its blocking dependents are gone", BOUNDED, () =>
    withGc(async (c) => {
      const owner = await c.create(CONFIGMAPS, { metadata: { name: "fg" } });
      await c.create(CONFIGMAPS, { metadata: { name: "fg-held", finalizers: ["example.com/hold"], ownerReferences: [ownerRef(owner)] } });
      await c.create(CONFIGMAPS, { metadata: { name: "fg-free", ownerReferences: [ownerRef(owner, false)] } });
      await c.settle();
      const reply = (await del(c, CONFIGMAPS, "fg", { propagationPolicy: "Foreground" })) as StoredObject;
      assert.deepEqual(reply.metadata.finalizers, ["foregroundDeletion"]);
      assert.ok(reply.metadata.deletionTimestamp);
      await c.until("the held dependent is being deleted", async () => Boolean((await c.get(CONFIGMAPS, "fg-held")).metadata.deletionTimestamp));
      await c.until("the free dependent is gone", async () => !(await exists(c, "fg-free")));
      await c.settle(30);
      assert.ok(await exists(c, "fg"), "the owner waits for its blocking dependent");
      await c.admin.patch({ ...CONFIGMAPS, name: "fg-held" }, { metadata: { finalizers: null } });
      await c.until("owner gone", async () => !(await exists(c, "fg")));
    }));

  it("Orphan: dependents lose the owner reference and stay; the owner goes", BOUNDED, () =>
    withGc(async (c) => {
      const owner = await c.create(CONFIGMAPS, { metadata: { name: "parent" } });
      await c.create(CONFIGMAPS, { metadata: { name: "kid", ownerReferences: [ownerRef(owner)] } });
      await c.settle();
      const reply = (await del(c, CONFIGMAPS, "parent", { propagationPolicy: "Orphan" })) as StoredObject;
      assert.deepEqual(reply.metadata.finalizers, ["orphan"]);
      await c.until("owner gone", async () => !(await exists(c, "parent")));
      const kid = await c.get(CONFIGMAPS, "kid");
      assert.equal(kid.metadata.ownerReferences, undefined);
    }));

  it("a batch/v1 Job deleted without a policy orphans its pods (the legacy default)", BOUNDED, () =>
    withGc(async (c) => {
      const job = await c.create(JOBS, { metadata: { name: "j" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } } });
      await c.create(PODS, {
        metadata: { name: "j-pod", ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "j", uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }] },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      });
      await c.settle();
      await del(c, JOBS, "j", {});
      await c.until("job gone", async () => (await c.list(JOBS)).length === 0);
      assert.equal((await c.get(PODS, "j-pod")).metadata.ownerReferences, undefined);
    }));

  it("cascades a Deployment's deletion in the foreground through its ReplicaSet and pods", BOUNDED, () =>
    withGc(
      async (c) => {
        await c.create(DEPLOYMENTS, {
          metadata: { name: "cascade" },
          spec: { replicas: 3, selector: { matchLabels: { app: "cascade" } }, template: { metadata: { labels: { app: "cascade" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
        });
        await c.until("3 pods", async () => (await c.list(PODS, "app=cascade")).length === 3);
        await del(c, DEPLOYMENTS, "cascade", { propagationPolicy: "Foreground" });
        await c.until("everything gone", async () =>
          (await c.list(PODS, "app=cascade")).length === 0 && (await c.list(REPLICASETS)).length === 0 && (await c.list(DEPLOYMENTS)).length === 0,
        );
      },
      (c) => [new ReplicaSetController(c.kcm).start(), new DeploymentController(c.kcm).start()],
    ));

  it("cascades a Deployment's deletion in the background, and orphans its ReplicaSet when asked", BOUNDED, () =>
    withGc(
      async (c) => {
        const spec = (app: string) => ({ replicas: 2, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: "c", image: "nginx" }] } } });
        await c.create(DEPLOYMENTS, { metadata: { name: "bg" }, spec: spec("bg") });
        await c.create(DEPLOYMENTS, { metadata: { name: "orph" }, spec: spec("orph") });
        await c.until("4 pods", async () => (await c.list(PODS)).length === 4);
        await del(c, DEPLOYMENTS, "bg", { propagationPolicy: "Background" });
        await del(c, DEPLOYMENTS, "orph", { propagationPolicy: "Orphan" });
        await c.until("bg pods gone", async () => (await c.list(PODS, "app=bg")).length === 0 && (await c.list(DEPLOYMENTS)).length === 0);
        const [rs] = await c.list(REPLICASETS, "app=orph");
        assert.equal(rs?.metadata.ownerReferences, undefined, "the orphaned ReplicaSet has no owner");
        assert.equal((await c.list(PODS, "app=orph")).length, 2, "its pods stay");
        assert.equal((await c.list(REPLICASETS, "app=bg")).length, 0);
      },
      (c) => [new ReplicaSetController(c.kcm).start(), new DeploymentController(c.kcm).start()],
    ));
});
