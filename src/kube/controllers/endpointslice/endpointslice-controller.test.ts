import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { eventually, PODS, SERVICES, testCluster } from "../endpoints/test-cluster.case.js";
import { EndpointSliceController } from "./endpointslice-controller.js";
import { planSlices, portsKey } from "./slice-plan.js";

const SLICES = { group: "discovery.k8s.io", version: "v1", plural: "endpointslices", namespace: "default" };
type Endpoint = { addresses: string[]; conditions: Record<string, boolean>; nodeName?: string; zone?: string; targetRef?: Record<string, unknown> };
const endpointsOf = (slices: StoredObject[]) => slices.flatMap((s) => (s.endpoints as Endpoint[] | undefined) ?? []);

async function setup() {
  const c = await testCluster();
  const controller = new EndpointSliceController(c.ctx.client, c.ctx.informers, c.clock, c.ctx.logger).start();
  return { ...c, controller };
}

test("205 pods become three slices of at most 100, labelled, owned and with each endpoint's node, zone and conditions", async () => {
  const c = await setup();
  await c.node("node-1", { zone: "us-west-2a" });
  const svc = await c.create({ ...SERVICES, namespace: "default" }, { metadata: { name: "web", labels: { tier: "front" } }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] } });
  await Promise.all(Array.from({ length: 205 }, (_, i) => c.pod(`web-${i}`, { labels: { app: "web" }, ip: `10.0.${Math.floor(i / 200)}.${(i % 200) + 10}` })));
  const slices = await eventually(async () => {
    const s = await c.list(SLICES);
    assert.equal(endpointsOf(s).length, 205);
    return s;
  }, 2000);
  assert.deepEqual(slices.map((s) => (s.endpoints as unknown[]).length).sort((a, b) => b - a), [100, 100, 5]);
  for (const slice of slices) {
    assert.equal(slice.metadata.labels?.["kubernetes.io/service-name"], "web");
    assert.equal(slice.metadata.labels?.["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
    assert.equal(slice.metadata.labels?.tier, "front");
    assert.match(slice.metadata.name ?? "", /^web-[a-z0-9]{5}$/);
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: "v1", kind: "Service", name: "web", uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(slice.addressType, "IPv4");
    assert.deepEqual(slice.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
  }
  const first = endpointsOf(slices).find((e) => e.addresses[0] === "10.0.0.10");
  assert.deepEqual(first?.conditions, { ready: true, serving: true, terminating: false });
  assert.equal(first?.nodeName, "node-1");
  assert.equal(first?.zone, "us-west-2a");
  assert.equal(first?.targetRef?.name, "web-0");
  c.controller.stop();
});

test("unready and terminating pods keep their endpoint with the matching conditions; a Service without pods keeps one empty slice", async () => {
  const c = await setup();
  await c.create({ ...SERVICES, namespace: "default" }, { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } });
  const placeholder = await eventually(async () => {
    const s = await c.list(SLICES);
    assert.equal(s.length, 1);
    return s[0] as StoredObject;
  });
  assert.deepEqual([placeholder.endpoints, placeholder.ports], [[], []]);
  await c.pod("web-1", { labels: { app: "web" }, ip: "10.0.0.5", ready: false });
  const leaving = await c.pod("web-2", { labels: { app: "web" }, ip: "10.0.0.6" });
  await c.admin.delete({ ...PODS, namespace: "default", name: leaving.metadata.name });
  const conditions = await eventually(async () => {
    const s = await c.list(SLICES);
    assert.equal(s.length, 1, "the placeholder was reused");
    const byIp = new Map(endpointsOf(s).map((e) => [e.addresses[0], e.conditions]));
    assert.equal(byIp.get("10.0.0.6")?.terminating, true);
    return byIp;
  });
  assert.deepEqual(conditions.get("10.0.0.5"), { ready: false, serving: false, terminating: false });
  assert.deepEqual(conditions.get("10.0.0.6"), { ready: false, serving: true, terminating: true });
  c.controller.stop();
});

test("slices follow pods away and go with their Service", async () => {
  const c = await setup();
  await c.create({ ...SERVICES, namespace: "default" }, { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } });
  await Promise.all(Array.from({ length: 105 }, (_, i) => c.pod(`web-${i}`, { labels: { app: "web" }, ip: `10.0.1.${i + 2}` })));
  await eventually(async () => assert.equal(endpointsOf(await c.list(SLICES)).length, 105), 2000);
  await Promise.all(Array.from({ length: 100 }, (_, i) => c.admin.delete({ ...PODS, namespace: "default", name: `web-${i}` }, { gracePeriodSeconds: 0 })));
  const left = await eventually(async () => {
    const s = await c.list(SLICES);
    assert.equal(endpointsOf(s).length, 5);
    return s;
  }, 2000);
  assert.equal(left.filter((s) => (s.endpoints as unknown[]).length > 0).length, left.length, "emptied slices are deleted");
  await c.admin.delete({ ...SERVICES, namespace: "default", name: "web" });
  await eventually(async () => assert.equal((await c.list(SLICES)).length, 0));
  c.controller.stop();
});

test("the plan keeps endpoints where they are and fills slices with room before making new ones", () => {
  const ports = [{ name: "", port: 80, protocol: "TCP" }];
  const ep = (ip: string, ready = true) => ({ addresses: [ip], conditions: { ready, serving: ready, terminating: false } });
  const existing = [
    { metadata: { name: "a" }, ports, endpoints: [ep("10.0.0.1"), ep("10.0.0.2")] },
    { metadata: { name: "b" }, ports, endpoints: [ep("10.0.0.3")] },
  ] as StoredObject[];
  const desired = new Map([[portsKey(ports), { ports, endpoints: new Map([["10.0.0.1", ep("10.0.0.1")], ["10.0.0.2", ep("10.0.0.2", false)], ["10.0.0.4", ep("10.0.0.4")]]) }]]);
  const plan = planSlices(desired, existing, () => false);
  assert.equal(plan.create.length, 0);
  assert.deepEqual(plan.delete.map((s) => s.metadata.name), ["b"]);
  assert.deepEqual(plan.update.map((u) => [u.slice.metadata.name, u.endpoints.map((e) => (e.addresses as string[])[0])]), [["a", ["10.0.0.1", "10.0.0.2", "10.0.0.4"]]]);
});
