import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { defaultTolerationSeconds } from "../../apiserver/admission/default-toleration-seconds.js";
import { eventually, NODES, PODS, settle, testCluster } from "../endpoints/test-cluster.case.js";
import { TaintEvictionController } from "./taint-eviction-controller.js";

const UNREACHABLE = { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2026-01-01T00:00:00Z" };

async function setup() {
  const c = await testCluster(() => [defaultTolerationSeconds()]);
  await c.node("node-1");
  const controller = new TaintEvictionController(c.ctx.client, c.ctx.informers, c.clock, c.ctx.logger).start();
  const taint = async (taints: unknown[]) => {
    await c.admin.patch({ ...NODES, name: "node-1" }, { spec: { taints } });
    await settle();
  };
  const podAt = (name: string) => c.get({ ...PODS, namespace: "default", name });
  return { ...c, controller, taint, podAt };
}

const deleting = (pod: StoredObject) => Boolean(pod.metadata.deletionTimestamp);

test("pods with the default 300 s toleration are evicted 300 s after the unreachable taint, with DisruptionTarget and an event", async () => {
  const c = await setup();
  await c.pod("web-1", { ip: "10.0.0.5" });
  await settle();
  await c.taint([UNREACHABLE]);
  c.clock.advance(299_000);
  await settle();
  assert.equal(deleting(await c.podAt("web-1")), false, "still tolerated at 299 s");
  c.clock.advance(1_000);
  const evicted = await eventually(async () => {
    const pod = await c.podAt("web-1");
    assert.ok(deleting(pod));
    return pod;
  });
  const condition = ((evicted.status as { conditions: Record<string, unknown>[] }).conditions ?? []).find((x) => x.type === "DisruptionTarget");
  assert.deepEqual([condition?.status, condition?.reason, condition?.message], ["True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint"]);
  const events = await eventually(async () => {
    const list = (await c.list({ version: "v1", plural: "events", namespace: "default" })).filter((e) => e.reason === "TaintManagerEviction");
    assert.equal(list.length, 1);
    return list;
  });
  assert.equal(events[0]?.message, "Marking for deletion Pod default/web-1");
  c.controller.stop();
});

test("a pod that does not tolerate the taint goes at once; one tolerating it forever stays", async () => {
  const c = await setup();
  await c.pod("bare", { ip: "10.0.0.6", spec: { tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" }] } });
  await c.pod("forever", { ip: "10.0.0.7", spec: { tolerations: [{ operator: "Exists" }] } });
  await settle();
  await c.taint([{ key: "dedicated", value: "gpu", effect: "NoExecute", timeAdded: "2026-01-01T00:00:00Z" }]);
  await eventually(async () => assert.ok(deleting(await c.podAt("bare"))));
  c.clock.advance(3_600_000);
  await settle();
  assert.equal(deleting(await c.podAt("forever")), false);
  c.controller.stop();
});

test("removing the taint before the toleration runs out cancels the eviction", async () => {
  const c = await setup();
  await c.pod("web-1", { ip: "10.0.0.5" });
  await settle();
  await c.taint([UNREACHABLE]);
  c.clock.advance(120_000);
  await c.taint([]);
  c.clock.advance(600_000);
  await settle();
  assert.equal(deleting(await c.podAt("web-1")), false);
  const events = await c.list({ version: "v1", plural: "events", namespace: "default" });
  assert.ok(events.some((e) => e.reason === "TaintManagerEviction" && e.message === "Cancelling deletion of Pod default/web-1"));
  c.controller.stop();
});
