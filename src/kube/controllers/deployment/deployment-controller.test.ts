import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { DEPLOYMENTS, PODS, REPLICASETS, TestCluster } from "../common/test-cluster.js";
import { isPodReady } from "../common/pods.js";
import { ReplicaSetController } from "../replicaset/replicaset-controller.js";
import { DeploymentController } from "./deployment-controller.js";

const BOUNDED = { timeout: 30_000 };
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests walk deep into objects

const deployment = (name: string, replicas: number, spec: J = {}, image = "nginx:1.27") => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image }] } },
    ...spec,
  },
});

async function withControllers(fn: (c: TestCluster) => Promise<void>): Promise<void> {
  const c = await TestCluster.start();
  const rs = new ReplicaSetController(c.kcm).start();
  const d = new DeploymentController(c.kcm).start();
  try {
    await fn(c);
  } finally {
    d.stop();
    rs.stop();
  }
}

const getDeploy = async (c: TestCluster, name: string) => (await c.get(DEPLOYMENTS, name)) as J;
const replicaSetsOf = async (c: TestCluster, app: string) => (await c.list(REPLICASETS, `app=${app}`)) as J[];
const condition = (d: J, type: string) => (d.status?.conditions ?? []).find((x: J) => x.type === type);

/** `kubectl rollout status`'s test for a finished rollout. */
const rolledOut = (d: J) =>
  (d.status?.observedGeneration ?? 0) >= d.metadata.generation &&
  d.status?.updatedReplicas === d.spec.replicas &&
  d.status?.replicas === d.status?.updatedReplicas &&
  d.status?.availableReplicas === d.status?.updatedReplicas;

/** Plays every kubelet: pods not yet ready become ready. */
async function readyAll(c: TestCluster, app: string): Promise<void> {
  for (const pod of await c.list(PODS, `app=${app}`)) {
    // A pod the controllers delete meanwhile is simply gone.
    if (!isPodReady(pod) && !pod.metadata.deletionTimestamp) await c.markReady(pod).catch(() => undefined);
  }
}

/** Drives a rollout to the end, making pods ready as they appear; `check` sees every intermediate state. */
async function driveRollout(c: TestCluster, name: string, check: (pods: StoredObject[]) => void = () => {}): Promise<J> {
  for (let i = 0; i < 400; i++) {
    await c.settle(5);
    check(await c.list(PODS, `app=${name}`));
    const d = await getDeploy(c, name);
    if (rolledOut(d) && condition(d, "Progressing")?.reason === "NewReplicaSetAvailable") return d;
    await readyAll(c, name);
  }
  throw new Error(`rollout of ${name} did not finish: ${JSON.stringify((await getDeploy(c, name)).status)}`);
}

describe("Deployment controller", () => {
  it("creates a ReplicaSet named after the pod-template-hash, revision 1, and reports a finished rollout", BOUNDED, () =>
    withControllers(async (c) => {
      await c.create(DEPLOYMENTS, deployment("web", 3));
      await c.until("a ReplicaSet", async () => (await replicaSetsOf(c, "web")).length === 1);
      const [rs] = await replicaSetsOf(c, "web");
      const hash = rs?.metadata.labels["pod-template-hash"];
      assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
      assert.equal(rs?.metadata.name, `web-${hash}`);
      assert.deepEqual(rs?.spec.selector, { matchLabels: { app: "web", "pod-template-hash": hash } });
      assert.equal(rs?.spec.template.metadata.labels["pod-template-hash"], hash);
      assert.equal(rs?.metadata.ownerReferences[0].kind, "Deployment");
      assert.equal(rs?.metadata.ownerReferences[0].controller, true);
      assert.deepEqual(
        [rs?.metadata.annotations["deployment.kubernetes.io/revision"], rs?.metadata.annotations["deployment.kubernetes.io/desired-replicas"], rs?.metadata.annotations["deployment.kubernetes.io/max-replicas"]],
        ["1", "3", "4"],
      );

      const d = await driveRollout(c, "web");
      assert.equal(d.metadata.generation, 1, "status and revision writes do not bump the generation");
      assert.equal(d.metadata.annotations["deployment.kubernetes.io/revision"], "1");
      assert.deepEqual(
        { ...d.status, conditions: undefined },
        { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined },
      );
      assert.equal(condition(d, "Available").reason, "MinimumReplicasAvailable");
      assert.equal(condition(d, "Available").message, "Deployment has minimum availability.");
      assert.equal(condition(d, "Progressing").message, `ReplicaSet "web-${hash}" has successfully progressed.`);
      const scaled = await c.events("ScalingReplicaSet");
      assert.equal(scaled[0]?.message, `Scaled up replica set web-${hash} from 0 to 3`);
      assert.equal((scaled[0]?.involvedObject as J).kind, "Deployment");
    }));

  it("rolls a template change within maxSurge and maxUnavailable, then rolls back to the old ReplicaSet", BOUNDED, () =>
    withControllers(async (c) => {
      await c.create(DEPLOYMENTS, deployment("roll", 4, { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
      await driveRollout(c, "roll");
      const [first] = await replicaSetsOf(c, "roll");

      await c.admin.patch({ ...DEPLOYMENTS, name: "roll" }, { spec: { template: { spec: { containers: [{ name: "c", image: "nginx:1.28" }] } } } }, "strategic");
      let maxPods = 0;
      let minReady = Infinity;
      await driveRollout(c, "roll", (pods) => {
        const active = pods.filter((p) => !p.metadata.deletionTimestamp);
        maxPods = Math.max(maxPods, active.length);
        minReady = Math.min(minReady, active.filter(isPodReady).length);
      });
      assert.ok(maxPods <= 5, `at most replicas + maxSurge pods at a time (saw ${maxPods})`);
      assert.ok(minReady >= 4, `never fewer than replicas - maxUnavailable ready (saw ${minReady})`);
      const sets = await replicaSetsOf(c, "roll");
      assert.equal(sets.length, 2);
      const second = sets.find((s) => s.metadata.name !== first?.metadata.name) as J;
      assert.equal(second.metadata.annotations["deployment.kubernetes.io/revision"], "2");
      assert.equal(second.spec.replicas, 4);
      assert.equal(sets.find((s) => s.metadata.name === first?.metadata.name)?.spec.replicas, 0);
      assert.ok((await c.events("ScalingReplicaSet")).some((e) => e.message === `Scaled down replica set ${first?.metadata.name} from 4 to 3`));

      // kubectl rollout undo: a JSON patch putting the old ReplicaSet's template back.
      const template = structuredClone(first?.spec.template);
      delete template.metadata.labels["pod-template-hash"];
      await c.admin.patch({ ...DEPLOYMENTS, name: "roll" }, [{ op: "replace", path: "/spec/template", value: template }], "json");
      const d = await driveRollout(c, "roll");
      const back = (await replicaSetsOf(c, "roll")).find((s) => s.metadata.name === first?.metadata.name) as J;
      assert.equal(back.spec.replicas, 4, "the old ReplicaSet is the new one again");
      assert.equal(back.metadata.annotations["deployment.kubernetes.io/revision"], "3");
      assert.equal(back.metadata.annotations["deployment.kubernetes.io/revision-history"], "1");
      assert.equal(d.metadata.annotations["deployment.kubernetes.io/revision"], "3");
    }));

  it("Recreate scales the old ReplicaSet to zero and waits for its pods to go before creating the new one", BOUNDED, () =>
    withControllers(async (c) => {
      await c.create(DEPLOYMENTS, deployment("rec", 2, { strategy: { type: "Recreate" } }));
      await driveRollout(c, "rec");
      await c.admin.patch({ ...DEPLOYMENTS, name: "rec" }, { spec: { template: { spec: { containers: [{ name: "c", image: "nginx:1.28" }] } } } }, "strategic");
      let sawMixed = false;
      await driveRollout(c, "rec", (pods) => {
        const images = new Set(pods.map((p) => (p.spec as J).containers[0].image));
        if (images.size > 1) sawMixed = true;
      });
      assert.equal(sawMixed, false, "old and new pods never run together");
      const pods = await c.list(PODS, "app=rec");
      assert.equal(pods.length, 2);
      assert.ok(pods.every((p) => (p.spec as J).containers[0].image === "nginx:1.28"));
    }));

  it("pauses and resumes, with the Progressing condition saying so", BOUNDED, () =>
    withControllers(async (c) => {
      await c.create(DEPLOYMENTS, deployment("pause", 1));
      await driveRollout(c, "pause");
      await c.admin.patch({ ...DEPLOYMENTS, name: "pause" }, { spec: { paused: true } });
      await c.until("paused condition", async () => condition(await getDeploy(c, "pause"), "Progressing")?.reason === "DeploymentPaused");
      assert.equal(condition(await getDeploy(c, "pause"), "Progressing").status, "Unknown");
      await c.admin.patch({ ...DEPLOYMENTS, name: "pause" }, { spec: { template: { spec: { containers: [{ name: "c", image: "nginx:1.28" }] } } } }, "strategic");
      await c.settle(50);
      assert.equal((await replicaSetsOf(c, "pause")).length, 1, "no rollout while paused");
      await c.admin.patch({ ...DEPLOYMENTS, name: "pause" }, { spec: { paused: false } });
      await driveRollout(c, "pause");
      assert.equal((await replicaSetsOf(c, "pause")).length, 2);
    }));

  it("marks a rollout that makes no progress ProgressDeadlineExceeded after progressDeadlineSeconds", BOUNDED, () =>
    withControllers(async (c) => {
      await c.create(DEPLOYMENTS, deployment("stuck", 2, { progressDeadlineSeconds: 60 }));
      await c.until("progressing", async () => condition(await getDeploy(c, "stuck"), "Progressing")?.reason === "ReplicaSetUpdated");
      c.clock.advance(30_000);
      await c.settle(20);
      assert.equal(condition(await getDeploy(c, "stuck"), "Progressing").status, "True");
      c.clock.advance(32_000);
      await c.until("timed out", async () => condition(await getDeploy(c, "stuck"), "Progressing")?.reason === "ProgressDeadlineExceeded");
      const cond = condition(await getDeploy(c, "stuck"), "Progressing");
      assert.equal(cond.status, "False");
      assert.match(cond.message, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
      assert.equal(condition(await getDeploy(c, "stuck"), "Available").reason, "MinimumReplicasUnavailable");
    }));

  it("keeps revisionHistoryLimit old ReplicaSets", BOUNDED, () =>
    withControllers(async (c) => {
      await c.create(DEPLOYMENTS, deployment("hist", 1, { revisionHistoryLimit: 1 }));
      await driveRollout(c, "hist");
      for (const image of ["nginx:1.28", "nginx:1.29", "nginx:1.30"]) {
        await c.admin.patch({ ...DEPLOYMENTS, name: "hist" }, { spec: { template: { spec: { containers: [{ name: "c", image }] } } } }, "strategic");
        await driveRollout(c, "hist");
      }
      await c.until("old ReplicaSets cleaned up", async () => (await replicaSetsOf(c, "hist")).length === 2);
      const revisions = (await replicaSetsOf(c, "hist")).map((s) => s.metadata.annotations["deployment.kubernetes.io/revision"]).sort();
      assert.deepEqual(revisions, ["3", "4"]);
    }));

  it("scales a deployment mid-rollout proportionally across its ReplicaSets", BOUNDED, () =>
    withControllers(async (c) => {
      await c.create(DEPLOYMENTS, deployment("prop", 10, { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
      await driveRollout(c, "prop");
      await c.admin.patch({ ...DEPLOYMENTS, name: "prop" }, { spec: { template: { spec: { containers: [{ name: "c", image: "nginx:1.28" }] } } } }, "strategic");
      await c.until("two ReplicaSets with replicas", async () => (await replicaSetsOf(c, "prop")).filter((s) => s.spec.replicas > 0).length === 2);
      await c.settle(20);
      const before = await replicaSetsOf(c, "prop");
      const total = before.reduce((n, s) => n + s.spec.replicas, 0);
      assert.equal(total, 13, "replicas + maxSurge");
      await c.admin.patch({ ...DEPLOYMENTS, name: "prop" }, { spec: { replicas: 20 } });
      await c.until("scaled", async () => (await replicaSetsOf(c, "prop")).reduce((n, s) => n + s.spec.replicas, 0) === 23);
      const after = await replicaSetsOf(c, "prop");
      for (const s of after) {
        const old = before.find((b) => b.metadata.name === s.metadata.name) as J;
        assert.ok(s.spec.replicas > old.spec.replicas, `${s.metadata.name} grew (${old.spec.replicas} → ${s.spec.replicas})`);
        assert.equal(s.metadata.annotations["deployment.kubernetes.io/desired-replicas"], "20");
      }
      await driveRollout(c, "prop");
    }));

  it("gets 1,000 pods created for a 1,000-replica deployment quickly", BOUNDED, () =>
    withControllers(async (c) => {
      const started = performance.now();
      await c.create(DEPLOYMENTS, deployment("big", 1000));
      await c.until("1000 pods", async () => ((await replicaSetsOf(c, "big"))[0]?.status?.replicas ?? 0) === 1000, 20_000);
      const elapsed = performance.now() - started;
      assert.equal((await c.list(PODS, "app=big")).length, 1000);
      assert.ok(elapsed < 5_000, `took ${Math.round(elapsed)} ms`);
    }));
});
