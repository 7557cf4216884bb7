import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { APPS_V1 } from "./apps-v1.js";
import { BATCH_V1 } from "./batch-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { withWorkloadLifecycle } from "./workload-lifecycle.js";

const served = withWorkloadLifecycle([...APPS_V1, ...BATCH_V1]);
const strategyOf = (plural: string): ResourceDescriptor["strategy"] => {
  const d = served.find((x) => x.plural === plural);
  assert.ok(d, plural);
  return d.strategy;
};
const container = { name: "nginx", image: "nginx:1.27" };
const created = (plural: string, o: Omit<StoredObject, "metadata"> & { metadata?: StoredObject["metadata"] }): StoredObject => {
  const obj: StoredObject = { ...o, metadata: { name: "web", uid: "uid-1", ...o.metadata } };
  strategyOf(plural).prepareForCreate?.(obj);
  return obj;
};

describe("workload lifecycle", () => {
  it("defaults a Deployment as apps/v1 and Pod templates as pods, and clears status", () => {
    const d = created("deployments", {
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } } },
      status: { replicas: 9 },
    });
    assert.deepEqual(d.status, {});
    const spec = d.spec as Record<string, unknown>;
    assert.equal(spec.replicas, 1);
    assert.deepEqual(spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.deepEqual((spec.template as { spec: unknown }).spec, {
      containers: [{ ...container, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", imagePullPolicy: "IfNotPresent", resources: {} }],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      securityContext: {},
    });
    assert.deepEqual(strategyOf("deployments").validate?.(d), []);
  });

  it("defaults StatefulSets, DaemonSets and ReplicaSets", () => {
    const tpl = { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } } };
    const sts = created("statefulsets", { spec: structuredClone(tpl) }).spec as Record<string, unknown>;
    assert.equal(sts.podManagementPolicy, "OrderedReady");
    assert.deepEqual(sts.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    assert.deepEqual(sts.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    const ds = created("daemonsets", { spec: structuredClone(tpl) }).spec as Record<string, unknown>;
    assert.deepEqual(ds.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(ds.replicas, undefined);
    assert.equal((created("replicasets", { spec: structuredClone(tpl) }).spec as Record<string, unknown>).replicas, 1);
  });

  it("refuses a missing selector, one that does not match the template, and negative replicas", () => {
    const validate = strategyOf("deployments").validate;
    assert.ok(validate);
    const noSelector = created("deployments", { spec: { template: { spec: { containers: [container] } } } });
    assert.deepEqual(validate(noSelector), [{ field: "spec.selector", reason: "FieldValueRequired", message: "Required value" }]);
    const mismatch = created("deployments", {
      spec: { replicas: -1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "other", tier: "x" } }, spec: { containers: [container] } } },
    });
    assert.deepEqual(validate(mismatch), [
      { field: "spec.replicas", reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0" },
      {
        field: "spec.template.metadata.labels",
        reason: "FieldValueInvalid",
        message: 'Invalid value: map[string]string{"app":"other", "tier":"x"}: `selector` does not match template `labels`',
      },
    ]);
  });

  it("generates a Job's selector and pod labels from its uid, with batch/v1 defaults", () => {
    const job = created("jobs", { spec: { template: { spec: { containers: [container], restartPolicy: "Never" } } } });
    const spec = job.spec as Record<string, unknown>;
    assert.deepEqual(spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": "uid-1" } });
    assert.deepEqual((spec.template as { metadata: unknown }).metadata, {
      labels: { "controller-uid": "uid-1", "batch.kubernetes.io/controller-uid": "uid-1", "job-name": "web", "batch.kubernetes.io/job-name": "web" },
    });
    assert.equal(spec.completions, 1);
    assert.equal(spec.parallelism, 1);
    assert.equal(spec.backoffLimit, 6);
    assert.equal(spec.completionMode, "NonIndexed");
    assert.equal(spec.suspend, false);
    assert.deepEqual(strategyOf("jobs").validate?.(job), []);
    const always = created("jobs", { spec: { template: { spec: { containers: [container] } } } });
    assert.deepEqual(strategyOf("jobs").validate?.(always), [
      { field: "spec.template.spec.restartPolicy", reason: "FieldValueNotSupported", message: 'Unsupported value: "Always": supported values: "OnFailure", "Never"' },
    ]);
  });

  it("defaults a CronJob and its job template's pod spec only", () => {
    const cj = created("cronjobs", { spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template: { spec: { containers: [container], restartPolicy: "OnFailure" } } } } } });
    const spec = cj.spec as Record<string, unknown>;
    assert.equal(spec.concurrencyPolicy, "Allow");
    assert.equal(spec.suspend, false);
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 1);
    assert.equal((spec.jobTemplate as { spec: Record<string, unknown> }).spec.backoffLimit, undefined);
    assert.deepEqual(strategyOf("cronjobs").validate?.(cj), []);
  });

  it("bumps a Deployment's generation on annotation changes, keeping spec defaults on update", () => {
    const old = created("deployments", {
      metadata: { name: "web", generation: 1 },
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } } },
    });
    const next = structuredClone(old);
    next.metadata.annotations = { a: "b" };
    strategyOf("deployments").prepareForUpdate?.(next, old);
    assert.equal(next.metadata.generation, 2);
  });
});
