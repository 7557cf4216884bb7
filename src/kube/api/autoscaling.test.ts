import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AUTOSCALING, formatHpaMetrics, validateHpaV2 } from "./autoscaling.js";
import { BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, CURRENT_METRICS_ANNOTATION, hpaV1ToV2, hpaV2ToV1, METRICS_ANNOTATION } from "./hpa-conversion.js";
import type { StoredObject } from "./types.js";

const meta = { name: "web", namespace: "default", uid: "u", creationTimestamp: "2026-01-01T00:00:00Z" };
const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };
const metrics = [
  { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
  { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
  { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } },
  { type: "Object", object: { describedObject: { kind: "Ingress", name: "main" }, metric: { name: "rps" }, target: { type: "Value", value: "2k" } } },
  { type: "External", external: { metric: { name: "queue", selector: { matchLabels: { q: "jobs" } } }, target: { type: "AverageValue", averageValue: "30" } } },
  { type: "ContainerResource", containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 60 } } },
];
const currentMetrics = [
  { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 42, averageValue: "120m" } } },
  { type: "Pods", pods: { metric: { name: "qps" }, current: { averageValue: "7" } } },
];
const v2: StoredObject = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { ...meta, annotations: { keep: "me" } },
  spec: {
    scaleTargetRef: ref,
    minReplicas: 2,
    maxReplicas: 10,
    metrics,
    behavior: { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] }, scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }] } },
  },
  status: { currentReplicas: 3, desiredReplicas: 4, currentMetrics, conditions: [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale" }] },
};

describe("HorizontalPodAutoscaler v1 ⇄ v2", () => {
  it("keeps CPU as targetCPUUtilizationPercentage and the rest in annotations, and round-trips", () => {
    const v1 = hpaV2ToV1(v2);
    assert.equal(v1.apiVersion, "autoscaling/v1");
    assert.deepEqual(v1.spec, { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 50 });
    assert.deepEqual(v1.status, { currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 42 });
    const annotations = v1.metadata.annotations ?? {};
    assert.equal(annotations.keep, "me");
    assert.deepEqual(JSON.parse(annotations[METRICS_ANNOTATION] ?? ""), [
      { type: "Resource", resource: { name: "memory", targetAverageValue: "500Mi" } },
      { type: "Pods", pods: { metricName: "qps", targetAverageValue: "10" } },
      { type: "Object", object: { target: { kind: "Ingress", name: "main" }, metricName: "rps", targetValue: "2k" } },
      { type: "External", external: { metricName: "queue", metricSelector: { matchLabels: { q: "jobs" } }, targetAverageValue: "30" } },
      { type: "ContainerResource", containerResource: { name: "cpu", container: "app", targetAverageUtilization: 60 } },
    ]);
    assert.deepEqual(JSON.parse(annotations[CURRENT_METRICS_ANNOTATION] ?? "")[0], { type: "Resource", resource: { name: "cpu", currentAverageUtilization: 42, currentAverageValue: "120m" } });
    assert.ok(annotations[CONDITIONS_ANNOTATION]);
    assert.ok(annotations[BEHAVIOR_ANNOTATION]);

    const back = hpaV1ToV2(v1);
    assert.deepEqual(back, v2);
    assert.equal(v2.apiVersion, "autoscaling/v2", "conversion does not mutate its input");
  });

  it("applies v2 defaults to what v1 writes", () => {
    const stored = hpaV1ToV2({ apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { ...meta }, spec: { scaleTargetRef: ref, maxReplicas: 3 } });
    assert.deepEqual(stored.spec, {
      scaleTargetRef: ref,
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
    });
    assert.equal(stored.metadata.annotations, undefined);
    assert.equal((hpaV2ToV1(stored).spec as Record<string, unknown>).targetCPUUtilizationPercentage, 80);
  });

  it("prints targets like formatHPAMetrics", () => {
    assert.equal(formatHpaMetrics(metrics.slice(0, 2), currentMetrics), "cpu: 42%/50%, memory: <unknown>/500Mi");
    assert.equal(formatHpaMetrics(metrics, []), "cpu: <unknown>/50%, memory: <unknown>/500Mi + 4 more...");
    assert.equal(formatHpaMetrics([metrics[3]], []), "<unknown>/2k");
    assert.equal(formatHpaMetrics([metrics[4]], []), "<unknown>/30 (avg)");
    assert.equal(formatHpaMetrics([], []), "<none>");
    const d = AUTOSCALING.find((x) => x.version === "v2");
    assert.ok(d);
    assert.deepEqual(d.cells(v2, new Date("2026-01-01T00:00:30Z")), ["web", "Deployment/web", "cpu: 42%/50%, memory: <unknown>/500Mi + 4 more...", "2", 10, 3, "30s"]);
  });

  it("validates with upstream field paths", () => {
    const bad: StoredObject = {
      metadata: { ...meta },
      spec: { scaleTargetRef: { kind: "Deploy/ment" }, minReplicas: 5, maxReplicas: 2, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 0 } } }, { type: "Nope" }] },
    };
    assert.deepEqual(
      validateHpaV2(bad).map((c) => `${c.field}: ${c.message}`),
      [
        "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
        "spec.scaleTargetRef.kind: Invalid value: \"Deploy/ment\": may not contain '/'",
        "spec.scaleTargetRef.name: Required value",
        "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
        'spec.metrics[1].type: Unsupported value: "Nope": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      ],
    );
  });

  it("declares v2 then v1, v1 stored as v2", () => {
    assert.deepEqual(AUTOSCALING.map((d) => [d.version, d.shortNames, d.categories, d.subresources, d.storage?.group, d.storage?.plural]), [
      ["v2", ["hpa"], ["all"], ["status"], undefined, undefined],
      ["v1", ["hpa"], ["all"], ["status"], "autoscaling", "horizontalpodautoscalers"],
    ]);
  });
});
