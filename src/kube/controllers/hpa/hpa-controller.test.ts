import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import { silentLogger } from "../../../shared/logger.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { AUTOSCALING } from "../../api/autoscaling.js";
import type { StoredObject, UserInfo } from "../../api/types.js";
import { admissionDescriptors } from "../../apiserver/admission/admission-harness.case.js";
import { ApiHandler } from "../../apiserver/api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../../apiserver/auth/authorizer.js";
import { InProcessClient } from "../../client/in-process-client.js";
import type { FleetUsage } from "../../kubelet/usage.js";
import { metricsDescriptors } from "../../metrics/metrics-api.js";
import { controllerContext } from "../common/controller-context.js";
import { HorizontalPodAutoscalerController, HPA_SYNC_PERIOD_MS } from "./hpa-controller.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const DEPLOYMENTS = { group: "apps", version: "v1", plural: "deployments", namespace: "default" };
const HPAS = { group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", namespace: "default" };
const MI = 1024 * 1024;

async function setup() {
  const clock = new FakeClock(new Date("2026-01-01T01:00:00Z"));
  const usage: { cpuMillis: number } = { cpuMillis: 200 };
  let pods: StoredObject[] = [];
  const fleet = (): FleetUsage => ({
    timestamp: clock.now(),
    nodes: [],
    pods: pods.map((p) => ({ namespace: "default", name: p.metadata.name ?? "", node: "n", labels: p.metadata.labels, containers: [{ name: "c", cpuMillis: usage.cpuMillis, memoryBytes: 10 * MI }] })),
  });
  const descriptors = [...admissionDescriptors(), ...AUTOSCALING, ...metricsDescriptors(fleet)];
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/t/registry",
    descriptors,
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:443",
  });
  const admin = new InProcessClient(handler, ADMIN);
  await admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
  await admin.create(DEPLOYMENTS, {
    metadata: { name: "web" },
    spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
  });
  for (const name of ["web-a", "web-b"]) {
    const created = await admin.create(
      { version: "v1", plural: "pods", namespace: "default" },
      { metadata: { name, labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx", resources: { requests: { cpu: "100m" } } }] } },
    );
    await admin.patch(
      { version: "v1", plural: "pods", namespace: "default", name, subresource: "status" },
      { status: { phase: "Running", startTime: "2026-01-01T00:00:00Z", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] } },
    );
    pods.push(created);
  }
  const ctx = controllerContext({ handler, clock, logger: silentLogger, descriptors }, admin);
  const controller = new HorizontalPodAutoscalerController(ctx).start();
  const settle = async () => {
    for (let i = 0; i < 60; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const replicas = async () => Number(((await admin.get({ ...DEPLOYMENTS, name: "web" })).spec as { replicas: number }).replicas);
  const hpa = async () => admin.get({ ...HPAS, name: "web" });
  const events = async () => (await admin.list({ version: "v1", plural: "events", namespace: "default" })).items as unknown as { reason: string; message: string; type: string }[];
  return { clock, usage, admin, controller, settle, replicas, hpa, events, setPods: (p: StoredObject[]) => (pods = p) };
}

const conditionsOf = (hpa: StoredObject) =>
  Object.fromEntries(((hpa.status as { conditions?: { type: string; status: string; reason: string }[] }).conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

describe("HorizontalPodAutoscaler controller", () => {
  it("scales a Deployment up through its scale subresource from metrics.k8s.io, then down after the stabilization window", async () => {
    const h = await setup();
    await h.admin.create(HPAS, {
      metadata: { name: "web" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }],
      },
    });
    await h.settle();
    // 200m of 100m requested = 200% against 50%: 8 wanted, at most 4 from 2 in one step (no behavior set).
    assert.equal(await h.replicas(), 4);
    const hpa = await h.hpa();
    const status = hpa.status as Record<string, unknown>;
    assert.equal(status.desiredReplicas, 4);
    assert.equal(status.currentReplicas, 2);
    assert.equal(status.lastScaleTime, "2026-01-01T01:00:00Z");
    assert.deepEqual(status.currentMetrics, [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 200, averageValue: "200m" } } }]);
    assert.deepEqual(conditionsOf(hpa), { AbleToScale: "True/SucceededRescale", ScalingActive: "True/ValidMetricFound", ScalingLimited: "True/ScaleUpLimit" });
    const rescale = (await h.events()).find((e) => e.reason === "SuccessfulRescale");
    assert.equal(rescale?.message, "New size: 4; reason: cpu resource utilization (percentage of request) above target");

    // Usage falls; the higher recommendations of the last 5 minutes hold the size.
    h.usage.cpuMillis = 10;
    h.clock.advance(HPA_SYNC_PERIOD_MS);
    await h.settle();
    // As upstream (no behavior): the recommendation of 8 from a minute ago still counts, so it even grows to 8.
    assert.equal(await h.replicas(), 8);
    h.clock.advance(HPA_SYNC_PERIOD_MS);
    await h.settle();
    assert.equal(await h.replicas(), 8);
    assert.equal(conditionsOf(await h.hpa()).AbleToScale, "True/ScaleDownStabilized");
    for (let t = 0; t < 20; t++) {
      h.clock.advance(HPA_SYNC_PERIOD_MS);
      await h.settle();
    }
    // 10% against 50% on the 2 pods that report: ceil(0.2 × 2) = 1.
    assert.equal(await h.replicas(), 1);
    assert.ok((await h.events()).some((e) => e.message === "New size: 1; reason: All metrics below target"));
    h.controller.stop();
  });

  it("reports missing targets and unsupported metric sources in conditions and events", async () => {
    const h = await setup();
    await h.admin.create(HPAS, {
      metadata: { name: "web" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "nope" }, maxReplicas: 3 },
    });
    await h.settle();
    const missing = await h.hpa();
    assert.equal(conditionsOf(missing).AbleToScale, "False/FailedGetScale");
    assert.ok((await h.events()).some((e) => e.reason === "FailedGetScale" && e.message === 'deployments.apps "nope" not found'));
    await h.admin.patch({ ...HPAS, name: "web" }, {
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, metrics: [{ type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } }] },
    });
    await h.settle();
    const pods = await h.hpa();
    assert.equal(conditionsOf(pods).ScalingActive, "False/FailedGetPodsMetric");
    assert.equal(await h.replicas(), 2, "nothing scaled");
    h.controller.stop();
  });
});
