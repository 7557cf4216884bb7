/**
 * batch/v1 resource descriptors: cronjobs and jobs. Facts from kube-apiserver 1.33: discovery,
 * field selectors (pkg/registry/batch/job/strategy.go) and printer columns and cells
 * (pkg/printers/internalversion/printers.go, printed with Wide=true). Lifecycle rules live in
 * workload-lifecycle.ts.
 */
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { age, humanDuration } from "./human-duration.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { containerCells, formatSelectorCell } from "./workload-printing.js";

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const recs = (v: unknown): J[] => (Array.isArray(v) ? v.filter((x): x is J => x !== null && typeof x === "object" && !Array.isArray(x)) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const int = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0);
const timeOf = (v: unknown): number | undefined => {
  const t = typeof v === "string" && v !== "" ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

/** Column descriptions (SwaggerDoc strings of k8s.io/api batch/v1 and batch/v1beta1 that printers.go uses). */
const DOC = {
  containers: "Names of each container in the template.",
  images: "Images referenced by each container in the template.",
  succeeded:
    "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.",
  jobSelector:
    "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  schedule: "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
  timeZone:
    "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones",
  suspend: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.",
  active: "A list of pointers to currently running jobs.",
  lastScheduleTime: "Information when was the last time the job was successfully scheduled.",
} as const;

const nameOf = (o: StoredObject) => o.metadata.name ?? "";
const ageOf = (o: StoredObject, now: Date) => age(o.metadata.creationTimestamp, now);
const hasCondition = (status: J, type: string) => recs(status.conditions).some((c) => c.type === type && c.status === "True");

/** printers.go printJob: status from conditions, completions, duration. */
function jobCells(o: StoredObject, now: Date): unknown[] {
  const spec = rec(o.spec);
  const status = rec(o.status);
  const succeeded = int(status.succeeded);
  let completions: string;
  if (spec.completions !== undefined && spec.completions !== null) completions = `${succeeded}/${int(spec.completions)}`;
  else if (int(spec.parallelism) > 1) completions = `${succeeded}/1 of ${int(spec.parallelism)}`;
  else completions = `${succeeded}/1`;

  const start = timeOf(status.startTime);
  const end = timeOf(status.completionTime);
  const duration = start === undefined ? "" : humanDuration((end ?? now.getTime()) - start);

  let state = "Running";
  if (hasCondition(status, "Complete")) state = "Complete";
  else if (hasCondition(status, "Failed")) state = "Failed";
  else if (o.metadata.deletionTimestamp) state = "Terminating";
  else if (hasCondition(status, "Suspended")) state = "Suspended";
  else if (hasCondition(status, "FailureTarget")) state = "FailureTarget";

  return [nameOf(o), state, completions, duration, ageOf(o, now), ...containerCells(rec(rec(spec.template).spec)), formatSelectorCell(spec.selector)];
}

/** printers.go printCronJob. */
function cronJobCells(o: StoredObject, now: Date): unknown[] {
  const spec = rec(o.spec);
  const status = rec(o.status);
  const jobSpec = rec(rec(spec.jobTemplate).spec);
  const last = timeOf(status.lastScheduleTime);
  return [
    nameOf(o),
    str(spec.schedule),
    typeof spec.timeZone === "string" ? spec.timeZone : "<none>",
    // printBoolPtr: "True"/"False", "<unset>" for nil.
    typeof spec.suspend === "boolean" ? (spec.suspend ? "True" : "False") : "<unset>",
    recs(status.active).length,
    last === undefined ? "<none>" : humanDuration(now.getTime() - last),
    ageOf(o, now),
    ...containerCells(rec(rec(jobSpec.template).spec)),
    formatSelectorCell(jobSpec.selector),
  ];
}

const batch = (
  d: Omit<ResourceDescriptor, "group" | "version" | "verbs" | "namespaced" | "hasSpec" | "nameIsDnsLabel" | "strategy" | "topLevelFields" | "subresources" | "categories">,
): ResourceDescriptor => ({
  group: "batch",
  version: "v1",
  verbs: [...ALL_VERBS],
  namespaced: true,
  hasSpec: true,
  nameIsDnsLabel: false,
  topLevelFields: ["spec", "status"],
  categories: ["all"],
  subresources: ["status"],
  strategy: {},
  ...d,
});

const wide = [col("Containers", DOC.containers, 1), col("Images", DOC.images, 1), col("Selector", DOC.jobSelector, 1)];

/** batch/v1 resource descriptors. */
export const BATCH_V1: ResourceDescriptor[] = [
  batch({
    kind: "CronJob",
    plural: "cronjobs",
    singular: "cronjob",
    shortNames: ["cj"],
    columns: [
      nameCol(),
      col("Schedule", DOC.schedule),
      col("Timezone", DOC.timeZone),
      col("Suspend", DOC.suspend, 0, "boolean"),
      col("Active", DOC.active, 0, "integer"),
      col("Last Schedule", DOC.lastScheduleTime),
      ageCol(),
      ...wide,
    ],
    cells: cronJobCells,
    fieldSelectors: {},
  }),
  batch({
    kind: "Job",
    plural: "jobs",
    singular: "job",
    shortNames: [],
    columns: [nameCol(), col("Status", "Status of the job."), col("Completions", DOC.succeeded), col("Duration", "Time required to complete the job."), ageCol(), ...wide],
    cells: jobCells,
    fieldSelectors: { "status.successful": (o) => String(int(rec(o.status).succeeded)) },
  }),
];
