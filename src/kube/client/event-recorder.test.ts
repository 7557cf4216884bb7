import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../shared/clock.js";
import { MemoryStorage } from "../../storage/memory/memory-storage.js";
import { CORE_V1 } from "../api/core-v1.js";
import { withCoreLifecycle } from "../api/core-lifecycle.js";
import { ApiHandler } from "../apiserver/api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../apiserver/auth/authorizer.js";
import { EventRecorder } from "./event-recorder.js";
import { InProcessClient } from "./in-process-client.js";

async function setup() {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/test/registry",
    descriptors: withCoreLifecycle(CORE_V1),
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.0" },
    serverAddress: () => "127.0.0.1:6443",
  });
  const client = new InProcessClient(handler, { username: "system:kube-scheduler", groups: [SYSTEM_MASTERS] });
  await client.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  const pod = await client.create({ version: "v1", plural: "pods", namespace: "default" }, { metadata: { name: "web" }, spec: { containers: [{ name: "c", image: "nginx" }] } });
  return { clock, client, pod, recorder: new EventRecorder(client, clock, { component: "default-scheduler" }) };
}

test("an event names its object, source and times", async () => {
  const { client, pod, recorder } = await setup();
  await recorder.event(pod, "Warning", "FailedScheduling", "0/3 nodes are available: 3 Too many pods.");
  const events = await client.list({ version: "v1", plural: "events", namespace: "default" });
  assert.equal(events.items.length, 1);
  const event = events.items[0] as unknown as Record<string, unknown> & { involvedObject: Record<string, unknown>; source: Record<string, unknown> };
  assert.equal(event.involvedObject.name, "web");
  assert.equal(event.involvedObject.uid, pod.metadata.uid);
  assert.equal(event.involvedObject.kind, "Pod");
  assert.equal(event.reason, "FailedScheduling");
  assert.equal(event.type, "Warning");
  assert.equal(event.count, 1);
  assert.equal(event.source.component, "default-scheduler");
  assert.equal(event.firstTimestamp, "2026-01-01T00:00:00Z");
});

test("a repeat within ten minutes bumps the count; after that it is a new event", async () => {
  const { clock, client, pod, recorder } = await setup();
  await recorder.event(pod, "Normal", "Pulled", "image pulled");
  clock.advance(60_000);
  await recorder.event(pod, "Normal", "Pulled", "image pulled");
  let events = await client.list({ version: "v1", plural: "events", namespace: "default" });
  assert.equal(events.items.length, 1);
  assert.equal(events.items[0]?.count, 2);
  assert.equal(events.items[0]?.lastTimestamp, "2026-01-01T00:01:00Z");
  clock.advance(10 * 60_000);
  await recorder.event(pod, "Normal", "Pulled", "image pulled");
  events = await client.list({ version: "v1", plural: "events", namespace: "default" });
  assert.equal(events.items.length, 2);
});
