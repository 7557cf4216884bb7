/**
 * Lifecycle rules of the apps/v1 and batch/v1 workloads: upstream defaults
 * (pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go, with pod template defaults
 * shared with Pods), status cleared on create and kept on spec writes, Job selector generation
 * (pkg/registry/batch/job/strategy.go) and the validation mistakes users hit most.
 */
import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { defaultPodSpec, validatePodSpec } from "./core-lifecycle.js";
import { goQuote } from "../../shared/go-format.js";
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from "../apiserver/selectors.js";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
/** The object at `parent[key]`, created when missing, so defaults land in the stored object. */
const child = (parent: Json, key: string): Json => {
  const value = obj(parent[key]);
  parent[key] = value;
  return value;
};

/** Go's %#v of a map[string]string, as field errors print label maps. */
const goStringMap = (m: Json | undefined): string =>
  m === undefined
    ? "map[string]string(nil)"
    : `map[string]string{${Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`)
    .join(", ")}}`;

function defaultTemplate(spec: Json): void {
  defaultPodSpec(child(child(spec, "template"), "spec"));
}

function validateReplicas(spec: Json, field: string): FieldCause[] {
  const replicas = spec[field.split(".").pop() ?? ""];
  if (typeof replicas === "number" && replicas < 0) {
    return [{ field, reason: "FieldValueInvalid", message: `Invalid value: ${replicas}: must be greater than or equal to 0` }];
  }
  return [];
}

/** The selector is required and must select the template's labels (ValidateDeploymentSpec and siblings). */
function validateSelector(spec: Json, prefix: string, kind: string): FieldCause[] {
  if (spec.selector === undefined || spec.selector === null) return [{ field: `${prefix}.selector`, reason: "FieldValueRequired", message: "Required value" }];
  const rawLabels = obj(obj(spec.template).metadata).labels;
  const labels = obj(rawLabels);
  let matches: boolean;
  try {
    const selector = labelSelectorFromObject(obj(spec.selector) as LabelSelectorObject);
    if (selector.requirements.length === 0) {
      return [{ field: `${prefix}.selector`, reason: "FieldValueInvalid", message: `Invalid value: "{}": empty selector is invalid for ${kind}` }];
    }
    matches = matchesLabels(selector, labels as Record<string, string>);
  } catch (error) {
    return [{ field: `${prefix}.selector`, reason: "FieldValueInvalid", message: `Invalid value: ${(error as Error).message}` }];
  }
  if (matches) return [];
  return [{
    field: `${prefix}.template.metadata.labels`,
    reason: "FieldValueInvalid",
    message: `Invalid value: ${goStringMap(rawLabels === undefined || rawLabels === null ? undefined : labels)}: \`selector\` does not match template \`labels\``,
  }];
}

function validateRestartPolicy(podSpec: Json, field: string, allowed: string[]): FieldCause[] {
  const policy = String(podSpec.restartPolicy ?? "");
  if (allowed.includes(policy)) return [];
  const supported = allowed.map((p) => `"${p}"`).join(", ");
  if (!policy) return [{ field, reason: "FieldValueRequired", message: `Required value: valid values: ${supported}` }];
  return [{ field, reason: "FieldValueNotSupported", message: `Unsupported value: "${policy}": supported values: ${supported}` }];
}

/** Checks shared by the apps/v1 kinds with a pod template. */
function validateAppsWorkload(o: StoredObject, replicas: boolean): FieldCause[] {
  const kind = String(o.kind ?? "").toLowerCase();
  const spec = obj(o.spec);
  const podSpec = obj(obj(spec.template).spec);
  return [
    ...(replicas ? validateReplicas(spec, "spec.replicas") : []),
    ...validateSelector(spec, "spec", kind),
    ...validatePodSpec(podSpec, "spec.template.spec"),
    ...validateRestartPolicy(podSpec, "spec.template.spec.restartPolicy", ["Always"]),
  ];
}

/**
 * A workload strategy: `defaults` runs on every write (upstream defaults every decoded object),
 * status starts empty and only the /status subresource changes it (the store keeps it on updates).
 */
function workload(defaults: (spec: Json, o: StoredObject) => void, validate: (o: StoredObject) => FieldCause[], extra: Partial<Strategy> = {}): Strategy {
  return {
    prepareForCreate(o) {
      defaults(child(o, "spec"), o);
      o.status = {};
      extra.prepareForCreate?.(o);
    },
    prepareForUpdate(o, old) {
      defaults(child(o, "spec"), o);
      extra.prepareForUpdate?.(o, old);
    },
    validate,
  };
}

const deployments = workload(
  (spec) => {
    spec.replicas ??= 1;
    const strategy = child(spec, "strategy");
    strategy.type ??= "RollingUpdate";
    if (strategy.type === "RollingUpdate") {
      const rolling = child(strategy, "rollingUpdate");
      rolling.maxUnavailable ??= "25%";
      rolling.maxSurge ??= "25%";
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultTemplate(spec);
  },
  (o) => validateAppsWorkload(o, true),
  {
    // Annotations are copied to ReplicaSets, so upstream bumps the generation when they change too.
    prepareForUpdate(o, old) {
      const specSame = JSON.stringify(o.spec) === JSON.stringify(old.spec);
      const annotationsChanged = JSON.stringify(o.metadata.annotations ?? {}) !== JSON.stringify(old.metadata.annotations ?? {});
      if (specSame && annotationsChanged) o.metadata.generation = (old.metadata.generation ?? 1) + 1;
    },
  },
);

const replicasets = workload(
  (spec) => {
    spec.replicas ??= 1;
    defaultTemplate(spec);
  },
  (o) => validateAppsWorkload(o, true),
);

const statefulsets = workload(
  (spec) => {
    spec.podManagementPolicy ??= "OrderedReady";
    const update = child(spec, "updateStrategy");
    update.type ??= "RollingUpdate";
    if (update.type === "RollingUpdate") child(update, "rollingUpdate").partition ??= 0;
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    const retention = child(spec, "persistentVolumeClaimRetentionPolicy");
    retention.whenDeleted ??= "Retain";
    retention.whenScaled ??= "Retain";
    defaultTemplate(spec);
  },
  (o) => validateAppsWorkload(o, true),
);

const daemonsets = workload(
  (spec) => {
    const update = child(spec, "updateStrategy");
    update.type ??= "RollingUpdate";
    if (update.type === "RollingUpdate") {
      const rolling = child(update, "rollingUpdate");
      rolling.maxUnavailable ??= 1;
      rolling.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    defaultTemplate(spec);
  },
  (o) => validateAppsWorkload(o, false),
);

/** SetDefaults_Job (the JobSpec part, which CronJob job templates do not get). */
function defaultJobSpec(spec: Json): void {
  if ((spec.completions === undefined || spec.completions === null) && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null ? 6 : 2147483647;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
}

const CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
const LEGACY_CONTROLLER_UID = "controller-uid";
const JOB_NAME = "batch.kubernetes.io/job-name";
const LEGACY_JOB_NAME = "job-name";

/** generateSelector: unless manualSelector, the pods carry the Job's uid and name and the selector picks the uid. */
function generateJobSelector(job: StoredObject): void {
  const spec = child(job, "spec");
  if (spec.manualSelector === true) return;
  const uid = job.metadata.uid ?? "";
  const name = job.metadata.name ?? "";
  const labels = child(child(child(spec, "template"), "metadata"), "labels");
  labels[LEGACY_CONTROLLER_UID] ??= uid;
  labels[CONTROLLER_UID] ??= uid;
  labels[LEGACY_JOB_NAME] ??= name;
  labels[JOB_NAME] ??= name;
  const matchLabels = child(child(spec, "selector"), "matchLabels");
  matchLabels[CONTROLLER_UID] ??= uid;
}

const JOB_RESTART_POLICIES = ["OnFailure", "Never"];

const jobs = workload(
  (spec) => {
    defaultJobSpec(spec);
    defaultTemplate(spec);
  },
  (o) => {
    const spec = obj(o.spec);
    const podSpec = obj(obj(spec.template).spec);
    const causes: FieldCause[] = [];
    for (const f of ["parallelism", "completions", "backoffLimit"]) causes.push(...validateReplicas(spec, `spec.${f}`));
    causes.push(...validatePodSpec(podSpec, "spec.template.spec"));
    causes.push(...validateRestartPolicy(podSpec, "spec.template.spec.restartPolicy", JOB_RESTART_POLICIES));
    return causes;
  },
  { prepareForCreate: generateJobSelector },
);

const cronjobs = workload(
  (spec) => {
    spec.concurrencyPolicy ??= "Allow";
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    defaultTemplate(child(child(spec, "jobTemplate"), "spec"));
  },
  (o) => {
    const spec = obj(o.spec);
    const podSpec = obj(obj(obj(obj(spec.jobTemplate).spec).template).spec);
    const causes: FieldCause[] = [];
    if (!spec.schedule) causes.push({ field: "spec.schedule", reason: "FieldValueRequired", message: "Required value" });
    causes.push(...validatePodSpec(podSpec, "spec.jobTemplate.spec.template.spec"));
    causes.push(...validateRestartPolicy(podSpec, "spec.jobTemplate.spec.template.spec.restartPolicy", JOB_RESTART_POLICIES));
    return causes;
  },
);

const LIFECYCLE: Record<string, Strategy> = {
  "apps/deployments": deployments,
  "apps/replicasets": replicasets,
  "apps/statefulsets": statefulsets,
  "apps/daemonsets": daemonsets,
  "batch/jobs": jobs,
  "batch/cronjobs": cronjobs,
};

/** Attaches the workload strategies to the apps/v1 and batch/v1 descriptors; other descriptors pass through. */
export function withWorkloadLifecycle(descriptors: ResourceDescriptor[]): ResourceDescriptor[] {
  return descriptors.map((d) => {
    const strategy = LIFECYCLE[`${d.group}/${d.plural}`];
    return strategy ? { ...d, strategy: { ...d.strategy, ...strategy } } : d;
  });
}
