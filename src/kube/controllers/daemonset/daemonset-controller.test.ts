import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { DAEMONSETS, NODES, PODS, REVISIONS, TestCluster } from "../common/test-cluster.js";
import { isPodReady } from "../common/pods.js";
import { DaemonSetController } from "./daemonset-controller.js";

const BOUNDED = { timeout: 20_000 };
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests walk deep into objects

const daemonSet = (name: string, podSpec: J = {}, spec: J = {}) => ({
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "agent:1" }], ...podSpec } },
    ...spec,
  },
});

async function withNodes(fn: (c: TestCluster) => Promise<void>): Promise<void> {
  const c = await TestCluster.start();
  await c.create(NODES, { metadata: { name: "a", labels: { role: "web" } } });
  await c.create(NODES, { metadata: { name: "b", labels: { role: "web" } } });
  await c.create(NODES, { metadata: { name: "c", labels: { role: "db" } }, spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] } });
  await c.create(NODES, { metadata: { name: "d" }, spec: { unschedulable: true, taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] } });
  const controller = new DaemonSetController(c.kcm).start();
  try {
    await fn(c);
  } finally {
    controller.stop();
  }
}

/** The node a daemon pod is pinned to. */
const pinnedNode = (pod: StoredObject): string => (pod.spec as J).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0];
const podsOf = async (c: TestCluster, app: string) => (await c.list(PODS, `app=${app}`)).filter((p) => !p.metadata.deletionTimestamp);
const nodesOf = async (c: TestCluster, app: string) => (await podsOf(c, app)).map(pinnedNode).sort();
const statusOf = async (c: TestCluster, name: string) => (await c.get(DAEMONSETS, name)).status as J;

/** Plays the scheduler and kubelets: every daemon pod is bound to its node and Ready. */
async function runAll(c: TestCluster, app: string): Promise<void> {
  for (const pod of await podsOf(c, app)) {
    if (!isPodReady(pod)) await c.markReady(pod, { node: pinnedNode(pod) }).catch(() => undefined);
  }
}

describe("DaemonSet controller", () => {
  it("runs one pod per eligible node, pinned by node affinity, with the daemon tolerations", BOUNDED, () =>
    withNodes(async (c) => {
      await c.create(DAEMONSETS, daemonSet("agent"));
      await c.until("pods on a, b, d", async () => (await nodesOf(c, "agent")).join() === "a,b,d");
      const [pod] = await podsOf(c, "agent");
      const tolerations = ((pod?.spec as J).tolerations as J[]).map((t) => `${t.key}:${t.effect}`);
      assert.deepEqual(tolerations, [
        "node.kubernetes.io/not-ready:NoExecute",
        "node.kubernetes.io/unreachable:NoExecute",
        "node.kubernetes.io/disk-pressure:NoSchedule",
        "node.kubernetes.io/memory-pressure:NoSchedule",
        "node.kubernetes.io/pid-pressure:NoSchedule",
        "node.kubernetes.io/unschedulable:NoSchedule",
      ]);
      assert.equal((pod?.spec as J).nodeName, undefined, "the scheduler binds it");
      const [revision] = await c.list(REVISIONS);
      assert.equal(pod?.metadata.labels?.["controller-revision-hash"], revision?.metadata.labels?.["controller-revision-hash"]);
      assert.equal(revision?.metadata.name, `agent-${revision?.metadata.labels?.["controller-revision-hash"]}`);
      assert.equal(revision?.revision, 1);
      await runAll(c, "agent");
      await c.until("status", async () => (await statusOf(c, "agent")).numberReady === 3);
      assert.deepEqual(await statusOf(c, "agent"), {
        currentNumberScheduled: 3,
        numberMisscheduled: 0,
        desiredNumberScheduled: 3,
        numberReady: 3,
        observedGeneration: 1,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
      });
    }));

  it("follows nodeSelector, tolerations and node label changes", BOUNDED, () =>
    withNodes(async (c) => {
      await c.create(DAEMONSETS, daemonSet("web", { nodeSelector: { role: "web" } }));
      await c.create(DAEMONSETS, daemonSet("db", { tolerations: [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }] }));
      await c.until("web on a and b", async () => (await nodesOf(c, "web")).join() === "a,b");
      await c.until("db everywhere", async () => (await nodesOf(c, "db")).join() === "a,b,c,d");
      await c.admin.patch({ ...NODES, name: "b" }, { metadata: { labels: { role: "batch" } } });
      await c.until("web leaves b", async () => (await nodesOf(c, "web")).join() === "a");
    }));

  it("rolls a template change node by node within maxUnavailable", BOUNDED, () =>
    withNodes(async (c) => {
      await c.create(DAEMONSETS, daemonSet("roll"));
      await c.until("3 pods", async () => (await podsOf(c, "roll")).length === 3);
      await runAll(c, "roll");
      await c.until("ready", async () => (await statusOf(c, "roll")).numberAvailable === 3);
      await c.admin.patch({ ...DAEMONSETS, name: "roll" }, { spec: { template: { spec: { containers: [{ name: "c", image: "agent:2" }] } } } }, "strategic");
      let minAvailable = 3;
      for (let i = 0; i < 200; i++) {
        await c.settle(5);
        const pods = await podsOf(c, "roll");
        minAvailable = Math.min(minAvailable, pods.filter(isPodReady).length);
        const status = await statusOf(c, "roll");
        if (status.updatedNumberScheduled === 3 && status.numberAvailable === 3 && status.observedGeneration === 2) break;
        await runAll(c, "roll");
      }
      const pods = await podsOf(c, "roll");
      assert.ok(pods.every((p) => (p.spec as J).containers[0].image === "agent:2"));
      assert.ok(minAvailable >= 2, `at most one node unavailable at a time (saw ${minAvailable} available)`);
      assert.deepEqual((await c.list(REVISIONS)).map((r) => r.revision).sort(), [1, 2]);
    }));

  it("leaves pods alone with OnDelete until they are deleted", BOUNDED, () =>
    withNodes(async (c) => {
      await c.create(DAEMONSETS, daemonSet("ond", { nodeSelector: { role: "web" } }, { updateStrategy: { type: "OnDelete" } }));
      await c.until("2 pods", async () => (await podsOf(c, "ond")).length === 2);
      await c.admin.patch({ ...DAEMONSETS, name: "ond" }, { spec: { template: { spec: { containers: [{ name: "c", image: "agent:2" }] } } } }, "strategic");
      await c.settle(40);
      assert.ok((await podsOf(c, "ond")).every((p) => (p.spec as J).containers[0].image === "agent:1"));
      const [first] = await podsOf(c, "ond");
      await c.admin.delete({ ...PODS, name: first?.metadata.name });
      await c.until("replaced with the new template", async () =>
        (await podsOf(c, "ond")).filter((p) => (p.spec as J).containers[0].image === "agent:2").length === 1 && (await podsOf(c, "ond")).length === 2,
      );
    }));
});
