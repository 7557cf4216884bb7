import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import { eventually, NODES, PODS, settle, testCluster } from "../endpoints/test-cluster.case.js";
import { NodeLifecycleController } from "./node-lifecycle-controller.js";

const LEASES = { group: "coordination.k8s.io", version: "v1", plural: "leases", namespace: "kube-node-lease" };
type Condition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };
type Taint = { key: string; effect: string; timeAdded?: string };
const conditions = (node: StoredObject) => ((node.status as { conditions?: Condition[] }).conditions ?? []);
const ready = (node: StoredObject) => conditions(node).find((c) => c.type === "Ready");
const taints = (node: StoredObject) => ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

async function setup(nodes: { name: string; zone: string }[]) {
  const c = await testCluster();
  for (const n of nodes) {
    await c.node(n.name, { zone: n.zone });
    await c.create(LEASES, { metadata: { name: n.name }, spec: { holderIdentity: n.name, leaseDurationSeconds: 40, renewTime: kubeTime(c.clock.now()).replace("Z", ".000000Z") } });
  }
  const controller = new NodeLifecycleController(c.ctx.client, c.ctx.informers, c.clock, c.ctx.logger).start();
  await settle();
  /** Advances the clock in monitor periods, renewing the leases of `alive` every 10 s like a kubelet. */
  const run = async (seconds: number, alive: string[]) => {
    for (let t = 0; t < seconds; t += 5) {
      if (t % 10 === 0) {
        for (const name of alive) {
          await c.admin.patch({ ...LEASES, name }, { spec: { renewTime: c.clock.now().toISOString().replace("Z", "000Z") } });
        }
        await settle(5);
      }
      c.clock.advance(5_000);
      await settle(10);
    }
  };
  return { ...c, controller, run };
}

test("a node whose lease is not renewed for 40 s turns Unknown, is tainted unreachable and its pods stop being ready", async () => {
  const c = await setup([
    { name: "ip-10-0-1-10", zone: "us-west-2a" },
    { name: "ip-10-0-1-11", zone: "us-west-2a" },
  ]);
  const pod = await c.pod("web-1", { node: "ip-10-0-1-10", ip: "10.0.1.50" });
  await settle();
  await c.run(35, ["ip-10-0-1-11"]);
  assert.equal(ready(await c.get({ ...NODES, name: "ip-10-0-1-10" }))?.status, "True", "still within the 40 s grace period");
  await c.run(10, ["ip-10-0-1-11"]);
  const silent = await eventually(async () => {
    const n = await c.get({ ...NODES, name: "ip-10-0-1-10" });
    assert.equal(ready(n)?.status, "Unknown");
    return n;
  });
  assert.deepEqual(
    conditions(silent).map((x) => [x.type, x.status, x.reason, x.message]),
    [
      ["Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."],
      ["MemoryPressure", "Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status."],
      ["DiskPressure", "Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status."],
      ["PIDPressure", "Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status."],
    ],
  );
  const tainted = await eventually(async () => {
    const n = await c.get({ ...NODES, name: "ip-10-0-1-10" });
    assert.deepEqual(taints(n), ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
    return n;
  });
  const noExecute = ((tainted.spec as { taints: Taint[] }).taints).find((t) => t.effect === "NoExecute");
  assert.ok(noExecute?.timeAdded, "NoExecute taints carry timeAdded");
  assert.equal(ready(await c.get({ ...NODES, name: "ip-10-0-1-11" }))?.status, "True", "the renewing node is untouched");
  const podNow = await c.get({ ...PODS, namespace: "default", name: pod.metadata.name });
  assert.equal(conditions(podNow).find((x) => x.type === "Ready")?.status, "False");
  const events = await c.list({ version: "v1", plural: "events", namespace: "default" });
  assert.ok(events.some((e) => e.reason === "NodeNotReady" && e.message === "Node ip-10-0-1-10 status is now: NodeNotReady"));
  c.controller.stop();
});

test("when every node is down, nodes turn Unknown but no NoExecute taint is added (full disruption)", async () => {
  const c = await setup([{ name: "solo", zone: "us-west-2a" }]);
  await c.run(50, []);
  const n = await eventually(async () => {
    const node = await c.get({ ...NODES, name: "solo" });
    assert.equal(ready(node)?.status, "Unknown");
    return node;
  });
  await c.run(10, []);
  assert.deepEqual(taints(await c.get({ ...NODES, name: "solo" })), ["node.kubernetes.io/unreachable:NoSchedule"]);
  assert.ok(n);
  c.controller.stop();
});

test("a node reporting NotReady is tainted not-ready; cordoning mirrors spec.unschedulable as a taint", async () => {
  const c = await setup([
    { name: "a", zone: "us-west-2a" },
    { name: "b", zone: "us-west-2b" },
  ]);
  const node = await c.get({ ...NODES, name: "a" });
  const cond = ready(node) as Condition;
  await c.admin.update({ ...NODES, name: "a", subresource: "status" }, { ...node, status: { conditions: [{ ...cond, status: "False", reason: "KubeletNotReady" }] } });
  await c.run(5, ["a", "b"]);
  await eventually(async () => assert.deepEqual(taints(await c.get({ ...NODES, name: "a" })), ["node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/not-ready:NoSchedule"]));
  await c.admin.patch({ ...NODES, name: "b" }, { spec: { unschedulable: true } });
  await eventually(async () => assert.deepEqual(taints(await c.get({ ...NODES, name: "b" })), ["node.kubernetes.io/unschedulable:NoSchedule"]));
  await c.admin.patch({ ...NODES, name: "b" }, { spec: { unschedulable: false } });
  await eventually(async () => assert.deepEqual(taints(await c.get({ ...NODES, name: "b" })), []));
  c.controller.stop();
});
