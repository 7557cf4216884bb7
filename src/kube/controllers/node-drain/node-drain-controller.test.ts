import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { InProcessClient } from "../../client/in-process-client.js";
import { FakeNodeSource } from "../../kubelet/fake-node-source.js";
import { DisruptionController, PDBS } from "../disruption/disruption-controller.js";
import { eventually, NODES, PODS, settle, testCluster } from "../endpoints/test-cluster.case.js";
import { ReplicaSetController } from "../replicaset/replicaset-controller.js";
import { EKS_NODE_MANAGER_USER, NODE_DRAIN, NodeDrainController } from "./node-drain-controller.js";

const RS = { group: "apps", version: "v1", plural: "replicasets", namespace: "default" };
const DS = { group: "apps", version: "v1", plural: "daemonsets", namespace: "kube-system" };
const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: "c", image: "nginx" }] } });

/**
 * One registered node on a FakeNodeSource instance, running a ReplicaSet pod (web) and a
 * DaemonSet pod (aws-node), with the ReplicaSet and disruption controllers and the drainer.
 */
async function setup() {
  const c = await testCluster();
  const source = new FakeNodeSource();
  const instance = source.addInstance();
  const nodeName = instance.privateDnsName;
  await c.node(nodeName);
  const rs = await c.create(RS, { metadata: { name: "web-7d4b9" }, spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: template("web") } });
  await c.pod("web-7d4b9-abcde", { labels: { app: "web" }, ip: "192.168.1.20", node: nodeName, owner: rs });
  const ds = await c.create(DS, { metadata: { name: "aws-node" }, spec: { selector: { matchLabels: { app: "aws-node" } }, template: template("aws-node") } });
  await c.pod("aws-node-x7k2p", { namespace: "kube-system", labels: { app: "aws-node" }, ip: "192.168.1.10", node: nodeName, owner: ds });
  const replicasets = new ReplicaSetController(c.ctx).start();
  const disruption = new DisruptionController(c.ctx.client, c.ctx.informers, c.descriptors, c.clock, c.ctx.logger).start();
  const drainer = new NodeDrainController(new InProcessClient(c.handler, EKS_NODE_MANAGER_USER), source, c.clock, c.ctx.logger).start();
  await settle();
  const completed = () => source.calls.filter((call) => call === `complete-lifecycle-action ${instance.instanceId}`).length;
  const webPods = async () => c.list({ ...PODS, namespace: "default" }, { labelSelector: "app=web" });
  const nodeEvents = async (reason: string) =>
    (await c.list({ version: "v1", plural: "events", namespace: "default" })).filter((e) => rec(e.involvedObject).name === nodeName && e.reason === reason);
  /** The kubelet's part: a terminating pod goes once its containers stopped. */
  const finishTerminating = async () => {
    for (const pod of await webPods()) {
      if (pod.metadata.deletionTimestamp) await c.admin.delete({ ...PODS, namespace: "default", name: pod.metadata.name }, { gracePeriodSeconds: 0 });
    }
  };
  const stop = () => {
    drainer.stop();
    replicasets.stop();
    disruption.stop();
  };
  const deadlineIn = (ms: number) => new Date(c.clock.now().getTime() + ms).toISOString();
  return { ...c, source, instance, nodeName, deadlineIn, completed, webPods, nodeEvents, finishTerminating, stop };
}

const rec = (v: unknown) => (v ?? {}) as Record<string, unknown>;
const terminating = (pod: StoredObject | undefined) => Boolean(pod?.metadata.deletionTimestamp);

test("scale-in: the node is cordoned, its Deployment pod evicted (the ReplicaSet replaces it), DaemonSet pods stay, then the instance goes", async () => {
  const c = await setup();
  c.source.setDraining(c.instance.instanceId, c.deadlineIn(NODE_DRAIN.timeoutMs));

  const evicted = await eventually(async () => {
    const pod = await c.get({ ...PODS, namespace: "default", name: "web-7d4b9-abcde" });
    // A message: without one, a failing assert.ok parses the test's source to describe itself (slow in a polling loop).
    assert.ok(terminating(pod), "evicted");
    return pod;
  });
  const condition = ((evicted.status as { conditions?: Record<string, unknown>[] }).conditions ?? []).find((x) => x.type === "DisruptionTarget");
  assert.equal(condition?.reason, "EvictionByEvictionAPI", "deleted through the eviction API");
  assert.equal(rec((await c.get({ ...NODES, name: c.nodeName })).spec).unschedulable, true, "cordoned");
  assert.equal(terminating(await c.get({ ...PODS, namespace: "kube-system", name: "aws-node-x7k2p" })), false, "DaemonSet pods are not evicted");
  await eventually(async () => assert.equal((await c.webPods()).filter((p) => !terminating(p)).length, 1, "the ReplicaSet made a replacement"));
  assert.equal(c.completed(), 0, "not terminated while the evicted pod is still terminating");
  assert.equal((await c.nodeEvents("NodeDraining")).length, 1);

  await c.finishTerminating();
  c.clock.advance(NODE_DRAIN.retryMs);
  await eventually(() => assert.equal(c.completed(), 1));
  await eventually(async () => assert.equal((await c.nodeEvents("NodeDrained")).length, 1));
  assert.equal(terminating(await c.get({ ...PODS, namespace: "kube-system", name: "aws-node-x7k2p" })), false);
  c.stop();
});

test("a PodDisruptionBudget allowing no disruption blocks the eviction, retried every 5 s, until the drain deadline", async () => {
  const c = await setup();
  await c.create({ ...PDBS, namespace: "default" }, { metadata: { name: "web" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } } });
  await eventually(async () => assert.equal(rec((await c.get({ ...PDBS, namespace: "default", name: "web" })).status).disruptionsAllowed, 0));
  c.source.setDraining(c.instance.instanceId, c.deadlineIn(NODE_DRAIN.timeoutMs));
  await eventually(async () => assert.equal(rec((await c.get({ ...NODES, name: c.nodeName })).spec).unschedulable, true));
  await eventually(async () => assert.equal((await c.nodeEvents("EvictionBlocked")).length, 1));
  assert.match(String((await c.nodeEvents("EvictionBlocked"))[0]?.message), /violate the pod's disruption budget: default\/web-7d4b9-abcde/);

  for (let t = 0; t < NODE_DRAIN.timeoutMs - NODE_DRAIN.retryMs; t += NODE_DRAIN.retryMs) {
    c.clock.advance(NODE_DRAIN.retryMs);
    await settle();
  }
  assert.equal(c.completed(), 0, "held just before the timeout");
  assert.equal(terminating(await c.get({ ...PODS, namespace: "default", name: "web-7d4b9-abcde" })), false, "the budget was honoured");

  c.clock.advance(NODE_DRAIN.retryMs);
  await eventually(() => assert.equal(c.completed(), 1));
  await eventually(async () => assert.equal((await c.nodeEvents("NodeDrainTimeout")).length, 1));
  assert.match(String((await c.nodeEvents("NodeDrainTimeout"))[0]?.message), /at the deadline with 1 pod\(s\) left \(default\/web-7d4b9-abcde\)/);
  c.stop();
});

test("a refused eviction is retried every 5 s: once the budget allows one disruption, the pod goes", async () => {
  const c = await setup();
  await c.create({ ...PDBS, namespace: "default" }, { metadata: { name: "web" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } } });
  await eventually(async () => assert.equal(rec((await c.get({ ...PDBS, namespace: "default", name: "web" })).status).disruptionsAllowed, 0));
  c.source.setDraining(c.instance.instanceId, c.deadlineIn(NODE_DRAIN.timeoutMs));
  await eventually(async () => assert.equal((await c.nodeEvents("EvictionBlocked")).length, 1));
  c.clock.advance(10 * 60_000);
  await settle();
  assert.equal(terminating(await c.get({ ...PODS, namespace: "default", name: "web-7d4b9-abcde" })), false);
  await c.admin.patch({ ...PDBS, namespace: "default", name: "web" }, { spec: { minAvailable: 0 } });
  await eventually(async () => assert.equal(rec((await c.get({ ...PDBS, namespace: "default", name: "web" })).status).disruptionsAllowed, 1));
  c.clock.advance(NODE_DRAIN.retryMs);
  await eventually(async () => assert.ok(terminating(await c.get({ ...PODS, namespace: "default", name: "web-7d4b9-abcde" })), "evicted"));
  assert.equal(c.completed(), 0);
  c.stop();
});

test("the deadline is the one stored with the instance: one already past (a restart after it) lets the instance go at once", async () => {
  const c = await setup();
  await c.create({ ...PDBS, namespace: "default" }, { metadata: { name: "web" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } } });
  await eventually(async () => assert.equal(rec((await c.get({ ...PDBS, namespace: "default", name: "web" })).status).disruptionsAllowed, 0));
  c.source.setDraining(c.instance.instanceId, c.deadlineIn(0));
  await eventually(() => assert.equal(c.completed(), 1));
  c.stop();
});

test("a draining instance whose node never registered is let go at once", async () => {
  const c = await setup();
  const booting = c.source.addInstance({ state: "pending" });
  c.source.setDraining(booting.instanceId, c.deadlineIn(NODE_DRAIN.timeoutMs));
  await eventually(() => assert.ok(c.source.calls.includes(`complete-lifecycle-action ${booting.instanceId}`), "completed"));
  assert.equal(c.completed(), 0, "the other instance is not draining");
  c.stop();
});
