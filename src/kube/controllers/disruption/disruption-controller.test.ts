import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { StatusError } from "../../apiserver/status.js";
import { eventually, PODS, testCluster } from "../endpoints/test-cluster.case.js";
import { DisruptionController, PDBS } from "./disruption-controller.js";

type Status = Record<string, unknown> & { conditions?: Record<string, unknown>[]; disruptedPods?: Record<string, string> };
const statusOf = (pdb: StoredObject) => (pdb.status ?? {}) as Status;

/** Three ready pods of a ReplicaSet of 3, web-0..web-2, and the disruption controller. */
async function setup() {
  const c = await testCluster();
  const rs = await c.create(
    { group: "apps", version: "v1", plural: "replicasets", namespace: "default" },
    { metadata: { name: "web-7d4b9" }, spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } },
  );
  for (let i = 0; i < 3; i++) await c.pod(`web-${i}`, { labels: { app: "web" }, ip: `10.0.0.${i + 5}`, owner: rs });
  const controller = new DisruptionController(c.ctx.client, c.ctx.informers, c.descriptors, c.clock, c.ctx.logger).start();
  const pdb = (name: string, spec: Record<string, unknown>) => c.create({ ...PDBS, namespace: "default" }, { metadata: { name }, spec });
  const settled = (name: string, check: (s: Status) => void) =>
    eventually(async () => {
      const got = await c.get({ ...PDBS, namespace: "default", name });
      check(statusOf(got));
      return got;
    });
  const evict = (name: string, query: Record<string, string> = {}) =>
    c.admin.request<Record<string, unknown>>("POST", `/api/v1/namespaces/default/pods/${name}/eviction`, {
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "default" } },
      query,
    });
  return { ...c, rs, controller, pdb, settled, evict };
}

test("maxUnavailable 1 over a ReplicaSet of 3: expected 3, desired 2, one disruption allowed", async () => {
  const c = await setup();
  await c.pdb("web", { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } });
  const pdb = await c.settled("web", (s) => assert.equal(s.observedGeneration, 1));
  const status = statusOf(pdb);
  assert.deepEqual([status.expectedPods, status.desiredHealthy, status.currentHealthy, status.disruptionsAllowed], [3, 2, 3, 1]);
  const condition = status.conditions?.[0];
  assert.deepEqual([condition?.type, condition?.status, condition?.reason, condition?.message, condition?.observedGeneration], ["DisruptionAllowed", "True", "SufficientPods", "", 1]);
  c.controller.stop();
});

test("an unready pod lowers currentHealthy; minAvailable counts pods and turns the condition to InsufficientPods", async () => {
  const c = await setup();
  await c.pdb("web", { minAvailable: 3, selector: { matchLabels: { app: "web" } } });
  await c.settled("web", (s) => assert.equal(s.disruptionsAllowed, 0));
  await c.pdb("half", { minAvailable: "50%", selector: { matchLabels: { app: "web" } } });
  await c.settled("half", (s) => assert.deepEqual([s.expectedPods, s.desiredHealthy, s.disruptionsAllowed], [3, 2, 1]));
  await c.setPodStatus(await c.get({ ...PODS, namespace: "default", name: "web-0" }), { ip: "10.0.0.5", ready: false });
  const pdb = await c.settled("half", (s) => assert.equal(s.currentHealthy, 2));
  const status = statusOf(pdb);
  assert.equal(status.disruptionsAllowed, 0);
  assert.deepEqual([status.conditions?.[0]?.status, status.conditions?.[0]?.reason], ["False", "InsufficientPods"]);
  c.controller.stop();
});

test("pods without a controller cannot be counted for maxUnavailable: the budget says so and allows nothing", async () => {
  const c = await setup();
  await c.pod("loner", { labels: { app: "solo" }, ip: "10.0.0.9" });
  await c.pdb("solo", { maxUnavailable: 1, selector: { matchLabels: { app: "solo" } } });
  await c.settled("solo", (s) => assert.equal(s.expectedPods, 0));
  const events = await eventually(async () => {
    const list = await c.list({ version: "v1", plural: "events", namespace: "default" });
    assert.ok(list.some((e) => e.reason === "UnmanagedPods"));
    return list;
  });
  assert.match(String(events.find((e) => e.reason === "UnmanagedPods")?.message), /^Pods selected by this PodDisruptionBudget \(selector: app=solo\) were found to be unmanaged\./);
  c.controller.stop();
});

test("an eviction the budget allows deletes the pod with DisruptionTarget; the next one is refused with 429", async () => {
  const c = await setup();
  await c.pdb("web", { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } });
  await c.settled("web", (s) => assert.equal(s.disruptionsAllowed, 1));
  const answer = await c.evict("web-0");
  assert.deepEqual(answer, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
  const evicted = await c.get({ ...PODS, namespace: "default", name: "web-0" });
  assert.ok(evicted.metadata.deletionTimestamp, "a scheduled pod is deleted gracefully");
  const condition = ((evicted.status as { conditions: Record<string, unknown>[] }).conditions ?? []).find((x) => x.type === "DisruptionTarget");
  assert.deepEqual([condition?.status, condition?.reason, condition?.message], ["True", "EvictionByEvictionAPI", "Eviction API: evicting"]);
  const budget = await c.get({ ...PDBS, namespace: "default", name: "web" });
  assert.equal(statusOf(budget).disruptionsAllowed, 0);
  assert.ok(statusOf(budget).disruptedPods?.["web-0"]);
  await c.settled("web", (s) => assert.equal(s.currentHealthy, 2, "the controller no longer counts the evicted pod"));

  let refused: StatusError | undefined;
  try {
    await c.evict("web-1");
  } catch (error) {
    refused = error as StatusError;
  }
  assert.ok(refused instanceof StatusError);
  assert.equal(refused.code, 429);
  assert.equal(refused.reason, "TooManyRequests");
  assert.equal(refused.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(refused.details?.causes, [{ reason: "DisruptionBudget", message: "The disruption budget web needs 2 healthy pods and has 2 currently" }]);
  assert.equal((await c.get({ ...PODS, namespace: "default", name: "web-1" })).metadata.deletionTimestamp, undefined, "nothing deleted");
  c.controller.stop();
});

test("evictions without a budget, of pending pods, and with a mismatched body", async () => {
  const c = await setup();
  await c.pod("free", { labels: { app: "free" }, ip: "10.0.0.20" });
  await c.evict("free");
  assert.ok((await c.get({ ...PODS, namespace: "default", name: "free" })).metadata.deletionTimestamp);
  await c.pdb("web", { minAvailable: 3, selector: { matchLabels: { app: "web" } } });
  await c.settled("web", (s) => assert.equal(s.observedGeneration, 1));
  const pending = await c.admin.create({ ...PODS, namespace: "default" }, { metadata: { name: "web-pending", labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } });
  await c.evict(pending.metadata.name ?? "");
  await eventually(async () => {
    await assert.rejects(c.get({ ...PODS, namespace: "default", name: "web-pending" }), (e: StatusError) => e.code === 404);
  });
  await assert.rejects(
    c.admin.request("POST", "/api/v1/namespaces/default/pods/web-1/eviction", { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "web-2" } } }),
    (e: StatusError) => e.code === 400 && e.message === "name in URL does not match name in Eviction object",
  );
  c.controller.stop();
});
