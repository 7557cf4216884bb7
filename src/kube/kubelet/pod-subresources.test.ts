import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../api/types.js";
import { boundPod, conditionOf, containerStatus, startHarness, statusOf, type Harness } from "./harness.case.js";

const BOUNDED = { timeout: 30_000 };
type Json = Record<string, unknown>;
const podRef = (name: string, subresource?: string) => ({ version: "v1", plural: "pods", namespace: "default", name, subresource });
const ephemeralStatus = (pod: StoredObject, name = "debugger"): Json =>
  ((statusOf(pod).ephemeralContainerStatuses as Json[] | undefined) ?? []).find((c) => c.name === name) ?? {};
const eventsAbout = async (h: Harness, name: string) =>
  (await h.events())
    .filter((e) => (e.involvedObject as Json).name === name)
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => `${String(e.reason)}: ${String(e.message)}`);

async function runningPod(h: Harness, name: string, node: string, spec?: Json): Promise<StoredObject> {
  await h.createPod(boundPod(name, node, spec ? { spec } : {}));
  await h.advance(3000, 500);
  const pod = await h.pod(name);
  assert.equal(statusOf(pod).phase, "Running");
  return pod;
}

async function withNode(timeScale = 1) {
  const h = await startHarness({ timeScale });
  const instance = h.source.addInstance({ type: "t3.medium" });
  await h.settle();
  return { h, node: instance.privateDnsName };
}

describe("ephemeral containers on the simulated kubelet", BOUNDED, () => {
  it("runs an added debug container: ContainerCreating, then Running with its image and container IDs, events and logs", async () => {
    const { h, node } = await withNode();
    await runningPod(h, "web", node);
    await h.admin.patch(podRef("web", "ephemeralcontainers"), { spec: { ephemeralContainers: [{ name: "debugger", image: "busybox", stdin: true, tty: true }] } }, "strategic");
    await h.advance(500, 500);
    let pod = await h.pod("web");
    assert.deepEqual((ephemeralStatus(pod).state as Json).waiting, { reason: "ContainerCreating" });
    assert.equal(ephemeralStatus(pod).ready, false);
    assert.equal(statusOf(pod).observedGeneration, 2, "the kubelet reports the generation that added the container");

    await h.advance(2000, 500);
    pod = await h.pod("web");
    const status = ephemeralStatus(pod);
    assert.match(String((rec(status.state).running as Json | undefined)?.startedAt), /^2026-01-01T00:00:0\dZ$/);
    assert.equal(status.image, "docker.io/library/busybox:latest");
    assert.match(String(status.imageID), /^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
    assert.match(String(status.containerID), /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(status.ready, false, "an ephemeral container is never ready");
    assert.equal(status.resources, undefined);
    assert.equal(conditionOf(pod, "Ready")?.status, "True", "the pod stays ready");
    assert.equal(containerStatus(pod).ready, true);

    const events = await eventsAbout(h, "web");
    assert.ok(events.includes('Pulling: Pulling image "busybox"'), events.join("\n"));
    assert.ok(events.includes("Created: Created container: debugger"), events.join("\n"));
    assert.ok(events.includes("Started: Started container debugger"), events.join("\n"));

    const logs = await h.logs("web", { container: "debugger" });
    assert.equal(logs.status, 200);
    assert.notEqual(logs.text, "");
    h.stop();
  });

  it("never restarts an ephemeral container that exits, and the pod keeps running", async () => {
    const { h, node } = await withNode(0);
    await h.createPod({ ...boundPod("web", node), metadata: { name: "web", annotations: { "minieks.io/run-for.debugger": "5s", "minieks.io/exit-code.debugger": "1" } } });
    await h.advance(1000, 500);
    await h.admin.patch(podRef("web", "ephemeralcontainers"), { spec: { ephemeralContainers: [{ name: "debugger", image: "busybox" }] } }, "strategic");
    await h.advance(2000, 500);
    assert.ok(rec(ephemeralStatus(await h.pod("web")).state).running);
    await h.advance(60_000, 5000);
    const pod = await h.pod("web");
    const status = ephemeralStatus(pod);
    assert.equal(rec(rec(status.state).terminated).exitCode, 1, JSON.stringify(status));
    assert.equal(rec(rec(status.state).terminated).reason, "Error");
    assert.equal(status.restartCount, 0);
    assert.equal(statusOf(pod).phase, "Running");
    h.stop();
  });
});

describe("in-place resize on the simulated kubelet", BOUNDED, () => {
  const app = (cpu: string) => ({ containers: [{ name: "app", image: "nginx", resources: { requests: { cpu, memory: "64Mi" }, limits: { cpu, memory: "64Mi" } } }] });
  const resize = (h: Harness, name: string, cpu: string) =>
    h.admin.patch(podRef(name, "resize"), { spec: { containers: [{ name: "app", resources: { requests: { cpu }, limits: { cpu } } }] } }, "strategic");

  it("applies a resize that fits: status resources follow, a ResizeCompleted event, the generation observed", async () => {
    const { h, node } = await withNode(0);
    await runningPod(h, "web", node, app("100m"));
    await resize(h, "web", "200m");
    await h.settle();
    const pod = await h.pod("web");
    assert.deepEqual(containerStatus(pod, "app").resources, { requests: { cpu: "200m", memory: "64Mi" }, limits: { cpu: "200m", memory: "64Mi" } });
    assert.equal(statusOf(pod).observedGeneration, pod.metadata.generation);
    assert.equal(conditionOf(pod, "PodResizePending"), undefined);
    const events = await eventsAbout(h, "web");
    assert.ok(
      events.includes(
        'ResizeCompleted: Pod resize completed: {"containers":[{"name":"app","resources":{"limits":{"cpu":"200m","memory":"64Mi"},"requests":{"cpu":"200m","memory":"64Mi"}}}],"generation":2}',
      ),
      events.join("\n"),
    );
    h.stop();
  });

  it("marks a resize beyond the node's allocatable Infeasible, and clears it when the pod asks for less", async () => {
    const { h, node } = await withNode(0);
    await runningPod(h, "web", node, app("100m"));
    await resize(h, "web", "3");
    await h.settle();
    let pod = await h.pod("web");
    const pending = conditionOf(pod, "PodResizePending");
    assert.equal(pending?.status, "True");
    assert.equal(pending?.reason, "Infeasible");
    assert.equal(pending?.message, "Node didn't have enough capacity: cpu, requested: 3000, capacity: 1930");
    assert.deepEqual(rec(containerStatus(pod, "app").resources).requests, { cpu: "100m", memory: "64Mi" }, "still runs with what it had");

    await resize(h, "web", "300m");
    await h.settle();
    pod = await h.pod("web");
    assert.equal(conditionOf(pod, "PodResizePending"), undefined);
    assert.deepEqual(rec(containerStatus(pod, "app").resources).requests, { cpu: "300m", memory: "64Mi" });
    h.stop();
  });

  it("defers a resize the node has no room for now, and applies it once another pod goes", async () => {
    const { h, node } = await withNode(0);
    await runningPod(h, "web", node, app("900m"));
    await runningPod(h, "other", node, app("900m"));
    await resize(h, "web", "1200m");
    await h.settle();
    const pending = conditionOf(await h.pod("web"), "PodResizePending");
    assert.equal(pending?.reason, "Deferred");
    assert.equal(pending?.message, "Node didn't have enough resource: cpu, requested: 1200, used: 900, capacity: 1930");

    await h.admin.delete(podRef("other"), { gracePeriodSeconds: 0 });
    await h.advance(2000, 500);
    const pod = await h.pod("web");
    assert.equal(conditionOf(pod, "PodResizePending"), undefined);
    assert.deepEqual(rec(containerStatus(pod, "app").resources).requests, { cpu: "1200m", memory: "64Mi" });
    h.stop();
  });
});

const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
