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

const list = async (client: InProcessClient) =>
  (await client.list({ version: "v1", plural: "events", namespace: "default" })).items as unknown as { message: string; count: number; lastTimestamp: string; firstTimestamp: string }[];

test("a repeat bumps the count and lastTimestamp of the first event, however late (client-go's event logger)", async () => {
  const { clock, client, pod, recorder } = await setup();
  await recorder.event(pod, "Normal", "Pulled", "image pulled");
  clock.advance(60_000);
  await recorder.event(pod, "Normal", "Pulled", "image pulled");
  let events = await list(client);
  assert.equal(events.length, 1);
  assert.equal(events[0]?.count, 2);
  assert.equal(events[0]?.lastTimestamp, "2026-01-01T00:01:00Z");
  clock.advance(30 * 60_000);
  await recorder.event(pod, "Normal", "Pulled", "image pulled");
  events = await list(client);
  assert.deepEqual(events.map((e) => [e.count, e.firstTimestamp, e.lastTimestamp]), [[3, "2026-01-01T00:00:00Z", "2026-01-01T00:31:00Z"]]);
});

test("the 10th distinct message of a similar event starts one combined event; 25 events per object, then one per 5 minutes", async () => {
  const { clock, client, pod, recorder } = await setup();
  for (let i = 0; i < 100; i++) await recorder.event(pod, "Normal", "SuccessfulCreate", `Created pod: web-${i}`);
  let events = await list(client);
  const single = events.filter((e) => !e.message.startsWith("("));
  const combined = events.filter((e) => e.message.startsWith("("));
  assert.deepEqual(single.map((e) => e.message).sort(), Array.from({ length: 9 }, (_, i) => `Created pod: web-${i}`).sort());
  assert.equal(combined.length, 1);
  // 9 single events + the combined one created + 15 updates of it = 25 writes; the rest were dropped.
  assert.equal(combined[0]?.count, 16);
  assert.equal(combined[0]?.message, "(combined from similar events): Created pod: web-24");

  clock.advance(5 * 60_000);
  await recorder.event(pod, "Normal", "SuccessfulCreate", "Created pod: web-100");
  await recorder.event(pod, "Normal", "SuccessfulCreate", "Created pod: web-101");
  events = await list(client);
  const after = events.find((e) => e.message.startsWith("("));
  // One token came back: the next event is written (counting the dropped ones), the one after is not.
  assert.equal(after?.message, "(combined from similar events): Created pod: web-100");
  assert.equal(after?.count, 92);
});
