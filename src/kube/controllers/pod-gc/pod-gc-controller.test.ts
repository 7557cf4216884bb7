import { test } from "node:test";
import assert from "node:assert/strict";
import { StatusError } from "../../apiserver/status.js";
import { eventually, NODES, PODS, settle, testCluster } from "../endpoints/test-cluster.case.js";
import { GC_CHECK_PERIOD_MS, PodGarbageCollector, QUARANTINE_MS } from "./pod-gc-controller.js";

test("pods of a node that is gone for 40 s are force-deleted; pods of live nodes stay", async () => {
  const c = await testCluster();
  await c.node("gone");
  await c.node("alive");
  await c.pod("orphan", { node: "gone", ip: "10.0.0.5" });
  await c.pod("kept", { node: "alive", ip: "10.0.0.6" });
  const gc = new PodGarbageCollector(c.ctx.client, c.ctx.informers, c.clock, c.ctx.logger).start();
  await settle();
  await c.admin.delete({ ...NODES, name: "gone" });
  await settle();
  c.clock.advance(GC_CHECK_PERIOD_MS);
  await settle();
  await c.get({ ...PODS, namespace: "default", name: "orphan" });
  c.clock.advance(QUARANTINE_MS);
  await eventually(async () => {
    await assert.rejects(c.get({ ...PODS, namespace: "default", name: "orphan" }), (e: StatusError) => e.code === 404);
  });
  await c.get({ ...PODS, namespace: "default", name: "kept" });
  gc.stop();
});
