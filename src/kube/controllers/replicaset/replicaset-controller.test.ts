import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { errors } from "../../apiserver/status.js";
import { PODS, REPLICASETS, TestCluster } from "../common/test-cluster.js";
import { ReplicaSetController } from "./replicaset-controller.js";

const BOUNDED = { timeout: 20_000 };

const replicaSet = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name, tier: "web" }, annotations: { note: "from-template" } },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    },
    ...extra,
  },
});

async function withController(fn: (c: TestCluster) => Promise<void>, cluster?: TestCluster): Promise<void> {
  const c = cluster ?? (await TestCluster.start());
  const controller = new ReplicaSetController(c.kcm).start();
  try {
    await fn(c);
  } finally {
    controller.stop();
  }
}

const podsOf = (c: TestCluster, app: string) => c.list(PODS, `app=${app}`);
const statusOf = async (c: TestCluster, name: string) => (await c.get(REPLICASETS, name)).status as Record<string, unknown>;

describe("ReplicaSet controller", () => {
  it("creates the pods a ReplicaSet asks for, owned by it, named after it, from its template", BOUNDED, () =>
    withController(async (c) => {
      const rs = await c.create(REPLICASETS, replicaSet("web-7d4b9c", 3));
      await c.until("3 pods exist", async () => (await podsOf(c, "web-7d4b9c")).length === 3);
      const pods = await podsOf(c, "web-7d4b9c");
      for (const pod of pods) {
        assert.match(pod.metadata.name ?? "", /^web-7d4b9c-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
        assert.equal(pod.metadata.generateName, "web-7d4b9c-");
        assert.deepEqual(pod.metadata.labels, { app: "web-7d4b9c", tier: "web" });
        assert.deepEqual(pod.metadata.annotations, { note: "from-template" });
        assert.deepEqual(pod.metadata.ownerReferences, [
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d4b9c", uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
        ]);
      }
      await c.until("status counts 3 replicas", async () => (await statusOf(c, "web-7d4b9c")).replicas === 3);
      assert.deepEqual(await statusOf(c, "web-7d4b9c"), { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
      const created = await c.events("SuccessfulCreate");
      assert.equal(created.length, 3);
      assert.match(String(created[0]?.message), /^Created pod: web-7d4b9c-[a-z0-9]{5}$/);
      assert.deepEqual((created[0]?.source as { component: string }).component, "replicaset-controller");
    }));

  it("never creates more than asked while its own creates are in flight, even when resynced", BOUNDED, () =>
    withController(async (c) => {
      await c.create(REPLICASETS, replicaSet("burst", 40));
      // Unrelated writes to the ReplicaSet make the controller sync again and again meanwhile.
      for (let i = 0; i < 5; i++) {
        await c.admin.patch({ ...REPLICASETS, name: "burst" }, { metadata: { labels: { poke: String(i) } } });
      }
      await c.until("40 pods exist", async () => (await podsOf(c, "burst")).length >= 40);
      await c.settle(50);
      assert.equal((await podsOf(c, "burst")).length, 40);
    }));

  it("reports ready and available replicas, honouring minReadySeconds on the clock", BOUNDED, () =>
    withController(async (c) => {
      await c.create(REPLICASETS, replicaSet("slow", 2, { minReadySeconds: 30 }));
      await c.until("2 pods", async () => (await podsOf(c, "slow")).length === 2);
      for (const pod of await podsOf(c, "slow")) await c.markReady(pod);
      await c.until("2 ready", async () => (await statusOf(c, "slow")).readyReplicas === 2);
      assert.equal((await statusOf(c, "slow")).availableReplicas, undefined, "not available before minReadySeconds");
      c.clock.advance(30_000);
      await c.until("2 available", async () => (await statusOf(c, "slow")).availableReplicas === 2);
    }));

  it("scales down the least valuable pods first: unassigned and not ready before ready ones", BOUNDED, () =>
    withController(async (c) => {
      await c.create(REPLICASETS, replicaSet("shrink", 4));
      await c.until("4 pods", async () => (await podsOf(c, "shrink")).length === 4);
      const [keep1, keep2] = await podsOf(c, "shrink");
      await c.markReady(keep1 as StoredObject, { node: "node-a" });
      await c.markReady(keep2 as StoredObject, { node: "node-b" });
      await c.admin.patch({ ...REPLICASETS, name: "shrink" }, { spec: { replicas: 2 } });
      await c.until("2 pods left", async () => (await podsOf(c, "shrink")).length === 2);
      const left = (await podsOf(c, "shrink")).map((p) => p.metadata.name).sort();
      assert.deepEqual(left, [keep1?.metadata.name, keep2?.metadata.name].sort());
      assert.equal((await c.events("SuccessfulDelete")).length, 2);
    }));

  it("adopts matching orphans and releases pods whose labels stop matching", BOUNDED, () =>
    withController(async (c) => {
      await c.create(PODS, { metadata: { name: "orphan", labels: { app: "adopt" } }, spec: { containers: [{ name: "c", image: "nginx" }] } });
      const rs = await c.create(REPLICASETS, replicaSet("adopt", 2));
      await c.until("2 pods", async () => (await podsOf(c, "adopt")).length === 2);
      await c.settle();
      const orphan = await c.get(PODS, "orphan");
      assert.equal(orphan.metadata.ownerReferences?.[0]?.uid, rs.metadata.uid, "the orphan was adopted");
      assert.equal((await podsOf(c, "adopt")).length, 2, "only one pod was created next to it");

      await c.admin.patch({ ...PODS, name: "orphan" }, { metadata: { labels: { app: "gone" } } });
      await c.until("the released pod is replaced", async () => (await podsOf(c, "adopt")).length === 2);
      await c.until("the released pod has no owner", async () => (await c.get(PODS, "orphan")).metadata.ownerReferences === undefined);
    }));

  it("records ReplicaFailure and a FailedCreate event when the API refuses its pods, and clears it after", BOUNDED, async () => {
    let refuse = true;
    const c = await TestCluster.start(() => [
      {
        name: "RefusePods",
        async validate({ operation, descriptor }) {
          if (refuse && operation === "CREATE" && descriptor.plural === "pods") throw errors.forbidden('pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0');
        },
      },
    ]);
    await withController(async () => {
      await c.create(REPLICASETS, replicaSet("quota", 2));
      await c.until("ReplicaFailure", async () => ((await statusOf(c, "quota")).conditions as unknown[] | undefined)?.length === 1);
      const [condition] = (await statusOf(c, "quota")).conditions as Record<string, string>[];
      assert.equal(condition?.type, "ReplicaFailure");
      assert.equal(condition?.reason, "FailedCreate");
      assert.match(condition?.message ?? "", /exceeded quota/);
      const failed = await c.events("FailedCreate");
      assert.equal(failed.length, 1, "the slow start stops after the first failing batch");
      assert.match(String(failed[0]?.message), /^Error creating: pods "x" is forbidden: exceeded quota/);
      refuse = false;
      c.clock.advance(1000);
      await c.until("pods created after the refusal stops", async () => (await podsOf(c, "quota")).length === 2);
      await c.until("condition cleared", async () => (await statusOf(c, "quota")).conditions === undefined);
    }, c);
  });

  it("creates 1,000 pods for one ReplicaSet without over-creating", BOUNDED, () =>
    withController(async (c) => {
      const started = performance.now();
      await c.create(REPLICASETS, replicaSet("big", 1000));
      await c.until("1000 pods", async () => (await statusOf(c, "big")).replicas === 1000, 20_000);
      const elapsed = performance.now() - started;
      assert.equal((await podsOf(c, "big")).length, 1000);
      assert.ok(elapsed < 10_000, `took ${Math.round(elapsed)} ms`);
      // Upstream's event correlator: 9 events, then one "(combined from similar events)" one counting the rest the spam filter let through.
      const events = await c.events("SuccessfulCreate");
      assert.equal(events.length, 10);
      assert.deepEqual(
        events.filter((e) => String(e.message).startsWith("(combined from similar events): Created pod: big-")).map((e) => e.count),
        [16],
      );
    }));
});
