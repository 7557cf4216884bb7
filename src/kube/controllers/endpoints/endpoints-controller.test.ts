import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { EndpointsController } from "./endpoints-controller.js";
import { podsForService } from "./service-pods.js";
import { eventually, SERVICES, settle, testCluster } from "./test-cluster.case.js";
import type { SharedInformer } from "../common/shared-informers.js";

const ENDPOINTS = { version: "v1", plural: "endpoints", namespace: "default" };

async function setup() {
  const c = await testCluster();
  const controller = new EndpointsController(c.ctx.client, c.ctx.informers, c.clock, c.ctx.logger).start();
  return { ...c, controller };
}

test("ready pods are addresses, unready ones notReadyAddresses; terminating and address-less pods are left out", async () => {
  const c = await setup();
  await c.create({ ...SERVICES, namespace: "default" }, { metadata: { name: "web", labels: { tier: "front" } }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] } });
  const ready = await c.pod("web-1", { labels: { app: "web" }, ip: "10.0.1.5" });
  await c.pod("web-2", { labels: { app: "web" }, ip: "10.0.1.7", ready: false, node: "node-2" });
  await c.pod("web-3", { labels: { app: "web" } });
  const leaving = await c.pod("web-4", { labels: { app: "web" }, ip: "10.0.1.9" });
  await c.admin.delete({ version: "v1", plural: "pods", namespace: "default", name: leaving.metadata.name });
  await c.pod("api-1", { labels: { app: "api" }, ip: "10.0.1.8" });
  const web2 = await c.get({ version: "v1", plural: "pods", namespace: "default", name: "web-2" });
  // Waits for the final state: intermediate ones (web-4 not yet gone) are fine on the way.
  const ep = await eventually(async () => {
    const e = await c.get({ ...ENDPOINTS, name: "web" });
    assert.deepEqual(e.subsets, [
      {
        addresses: [{ ip: "10.0.1.5", nodeName: "node-1", targetRef: { kind: "Pod", namespace: "default", name: "web-1", uid: ready.metadata.uid } }],
        notReadyAddresses: [{ ip: "10.0.1.7", nodeName: "node-2", targetRef: { kind: "Pod", namespace: "default", name: "web-2", uid: web2.metadata.uid } }],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      },
    ]);
    return e;
  });
  assert.equal(ep.metadata.labels?.tier, "front", "the Service's labels are copied");
  assert.ok(ep.metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"]);
  c.controller.stop();
});

test("publishNotReadyAddresses lists every pod as ready; deleting the Service deletes its Endpoints", async () => {
  const c = await setup();
  await c.create({ ...SERVICES, namespace: "default" }, { metadata: { name: "db" }, spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: { app: "db" }, ports: [{ port: 5432 }] } });
  await c.pod("db-0", { labels: { app: "db" }, ip: "10.0.2.4", ready: false, spec: { hostname: "db-0", subdomain: "db" } });
  const ep = await eventually(async () => {
    const e = await c.get({ ...ENDPOINTS, name: "db" });
    assert.equal((e.subsets as unknown[])?.length, 1);
    return e;
  });
  const subset = (ep.subsets as Record<string, unknown>[])[0];
  assert.deepEqual((subset?.addresses as Record<string, unknown>[])[0]?.hostname, "db-0");
  assert.equal(subset?.notReadyAddresses, undefined);
  assert.deepEqual(subset?.ports, [{ port: 5432, protocol: "TCP" }], "an unnamed port has no name field");
  assert.equal(ep.metadata.labels?.["service.kubernetes.io/headless"], "");
  await c.admin.delete({ ...SERVICES, namespace: "default", name: "db" });
  await eventually(async () => assert.equal((await c.list(ENDPOINTS)).length, 0));
  c.controller.stop();
});

test("Endpoints of a Service without a selector are left to their owner", async () => {
  const c = await setup();
  await c.create({ ...SERVICES, namespace: "default" }, { metadata: { name: "external" }, spec: { ports: [{ port: 443 }] } });
  await c.create(ENDPOINTS, { metadata: { name: "external" }, subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 443 }] }] });
  await settle(60);
  const ep = await c.get({ ...ENDPOINTS, name: "external" });
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 443, protocol: "TCP" }] }]);
  c.controller.stop();
});

test("a Service's pods come from the label index, not a scan of every pod", () => {
  const web = Array.from({ length: 1000 }, (_, i) => ({ metadata: { name: `web-${i}`, namespace: "default", labels: { app: "web", tier: "front" } } }));
  const api = [{ metadata: { name: "api-0", namespace: "default", labels: { app: "api", tier: "front" } } }];
  const lookups: string[] = [];
  const pods = {
    byIndex: (_index: string, value: string) => {
      lookups.push(value);
      return value.endsWith("app=api") ? api : value.endsWith("tier=front") ? [...web, ...api] : web;
    },
    list: () => assert.fail("no full scan"),
  } as unknown as SharedInformer;
  const svc = { metadata: { name: "api", namespace: "default" }, spec: { selector: { app: "api", tier: "front" } } } as StoredObject;
  assert.deepEqual(podsForService(pods, svc).map((p) => p.metadata.name), ["api-0"]);
  assert.equal(lookups.length, 2);
});
