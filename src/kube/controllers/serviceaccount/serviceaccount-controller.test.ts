import { test } from "node:test";
import assert from "node:assert/strict";
import { eventually, testCluster } from "../endpoints/test-cluster.case.js";
import { ServiceAccountController } from "./serviceaccount-controller.js";

const NAMESPACES = { version: "v1", plural: "namespaces" };
const sa = (namespace: string) => ({ version: "v1", plural: "serviceaccounts", namespace, name: "default" });

test("every namespace, existing or new, gets a default ServiceAccount, and keeps it", async () => {
  const c = await testCluster();
  const controller = new ServiceAccountController(c.ctx.client, c.ctx.informers, c.clock, c.ctx.logger).start();
  for (const ns of ["default", "kube-system", "kube-node-lease"]) await eventually(() => c.get(sa(ns)));
  await c.create(NAMESPACES, { metadata: { name: "team-a" } });
  const first = await eventually(() => c.get(sa("team-a")));
  await c.admin.delete(sa("team-a"));
  const again = await eventually(async () => {
    const now = await c.get(sa("team-a"));
    assert.notEqual(now.metadata.uid, first.metadata.uid);
    return now;
  });
  assert.equal(again.metadata.name, "default");
  controller.stop();
});
