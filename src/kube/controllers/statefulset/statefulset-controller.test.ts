import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PODS, STATEFULSETS, TestCluster } from "../common/test-cluster.js";
import { isPodReady } from "../common/pods.js";
import { StatefulSetController } from "./statefulset-controller.js";

const BOUNDED = { timeout: 20_000 };
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests walk deep into objects

const statefulSet = (name: string, replicas: number, spec: J = {}) => ({
  metadata: { name },
  spec: {
    replicas,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "db:1" }] } },
    ...spec,
  },
});

async function withController(fn: (c: TestCluster) => Promise<void>): Promise<void> {
  const c = await TestCluster.start();
  const controller = new StatefulSetController(c.kcm).start();
  try {
    await fn(c);
  } finally {
    controller.stop();
  }
}

const names = async (c: TestCluster, app: string) => (await c.list(PODS, `app=${app}`)).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
const readyAll = async (c: TestCluster, app: string) => {
  for (const p of await c.list(PODS, `app=${app}`)) if (!isPodReady(p) && !p.metadata.deletionTimestamp) await c.markReady(p).catch(() => undefined);
};
const statusOf = async (c: TestCluster, name: string) => (await c.get(STATEFULSETS, name)).status as J;

describe("StatefulSet controller", () => {
  it("starts pods in order, each only after the one before is Running and Ready", BOUNDED, () =>
    withController(async (c) => {
      await c.create(STATEFULSETS, statefulSet("web", 3, {
        volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      }));
      await c.until("web-0", async () => (await names(c, "web")).join() === "web-0");
      await c.settle(20);
      assert.deepEqual(await names(c, "web"), ["web-0"], "web-1 waits for web-0");
      const pod = await c.get(PODS, "web-0");
      assert.equal(pod.metadata.labels?.["statefulset.kubernetes.io/pod-name"], "web-0");
      assert.equal(pod.metadata.labels?.["apps.kubernetes.io/pod-index"], "0");
      assert.match(pod.metadata.labels?.["controller-revision-hash"] ?? "", /^web-[a-z0-9]+$/);
      assert.equal((pod.spec as J).hostname, "web-0");
      assert.equal((pod.spec as J).subdomain, "web");
      assert.deepEqual((pod.spec as J).volumes, [{ name: "www", persistentVolumeClaim: { claimName: "www-web-0" } }]);
      assert.equal((await c.events("SuccessfulCreate"))[0]?.message, "create Pod web-0 in StatefulSet web successful");

      await c.markReady(pod);
      await c.until("web-1", async () => (await names(c, "web")).join() === "web-0,web-1");
      await readyAll(c, "web");
      await c.until("web-2", async () => (await names(c, "web")).length === 3);
      await readyAll(c, "web");
      await c.until("3 ready", async () => (await statusOf(c, "web")).readyReplicas === 3);
      const status = await statusOf(c, "web");
      assert.equal(status.replicas, 3);
      assert.equal(status.availableReplicas, 3);
      assert.equal(status.currentRevision, status.updateRevision);

      // A finalizer holds web-2 in Terminating, so the order is visible.
      await c.admin.patch({ ...PODS, name: "web-2" }, { metadata: { finalizers: ["example.com/hold"] } });
      await c.admin.patch({ ...STATEFULSETS, name: "web" }, { spec: { replicas: 1 } });
      await c.until("web-2 goes first", async () => Boolean((await c.get(PODS, "web-2")).metadata.deletionTimestamp));
      await c.settle(30);
      assert.equal((await c.get(PODS, "web-1")).metadata.deletionTimestamp, undefined, "web-1 waits while web-2 terminates");
      await c.admin.patch({ ...PODS, name: "web-2" }, { metadata: { finalizers: null } });
      await c.until("then web-1", async () => (await names(c, "web")).join() === "web-0");
    }));

  it("starts and stops pods all at once with Parallel", BOUNDED, () =>
    withController(async (c) => {
      await c.create(STATEFULSETS, statefulSet("par", 3, { podManagementPolicy: "Parallel" }));
      await c.until("3 pods at once", async () => (await names(c, "par")).join() === "par-0,par-1,par-2");
    }));

  it("rolls from the highest ordinal down to the partition (ordinals at or above it are updated)", BOUNDED, () =>
    withController(async (c) => {
      await c.create(STATEFULSETS, statefulSet("db", 3, { podManagementPolicy: "Parallel", updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } }));
      await c.until("3 pods", async () => (await names(c, "db")).length === 3);
      await readyAll(c, "db");
      await c.until("ready", async () => (await statusOf(c, "db")).readyReplicas === 3);
      await c.admin.patch({ ...STATEFULSETS, name: "db" }, { spec: { template: { spec: { containers: [{ name: "c", image: "db:2" }] } } } }, "strategic");
      const image = async (n: string) => ((await c.get(PODS, n)).spec as J).containers[0].image;
      for (let i = 0; i < 200 && (await image("db-2").catch(() => "")) !== "db:2"; i++) {
        await c.settle(5);
        await readyAll(c, "db");
      }
      await readyAll(c, "db");
      await c.until("db-2 updated and ready", async () => (await statusOf(c, "db")).updatedReplicas === 1 && (await statusOf(c, "db")).readyReplicas === 3);
      await c.settle(30);
      assert.equal(await image("db-1"), "db:1", "below the partition stays");
      assert.equal(await image("db-0"), "db:1");
      const status = await statusOf(c, "db");
      assert.notEqual(status.currentRevision, status.updateRevision);
      await c.admin.patch({ ...STATEFULSETS, name: "db" }, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
      for (let i = 0; i < 400; i++) {
        await c.settle(5);
        await readyAll(c, "db");
        const s = await statusOf(c, "db");
        if (s.updatedReplicas === 3 && s.readyReplicas === 3 && s.currentRevision === s.updateRevision) break;
      }
      const done = await statusOf(c, "db");
      assert.equal(done.currentRevision, done.updateRevision);
      assert.equal(await image("db-0"), "db:2");
    }));
});
