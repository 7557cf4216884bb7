/**
 * scheduling.k8s.io/v1 PriorityClass (pkg/apis/scheduling: the system classes, validation;
 * printers.go printPriorityClass) and the two classes every cluster starts with.
 */
import type { FieldCause, ResourceDescriptor } from "./descriptor.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { forbidden, immutable, notSupported } from "./field-errors.js";
import { ageOf, int, isSet, nameOf, str } from "./object-fields.js";

/** scheduling.SystemPriorityClassPrefix: reserved for the built-in classes. */
export const SYSTEM_PRIORITY_CLASS_PREFIX = "system-";
/** scheduling.HighestUserDefinablePriority. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** scheduling.SystemCriticalPriority. */
const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
const PREEMPTION_POLICIES = ["Never", "PreemptLowerPriority"];

/** scheduling.SystemPriorityClasses(): what kube-apiserver creates at start. */
export function systemPriorityClasses(): Record<string, unknown>[] {
  return [
    {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "system-node-critical" },
      value: SYSTEM_CRITICAL_PRIORITY + 1000,
      description: "Used for system critical pods that must not be moved from their current node.",
    },
    {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "system-cluster-critical" },
      value: SYSTEM_CRITICAL_PRIORITY,
      description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    },
  ];
}

/** scheduling.IsKnownSystemPriorityClass: undefined when known, else why not. */
function systemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = systemPriorityClasses().find((c) => (c.metadata as { name: string }).name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${String(known.value)}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(o: { metadata: { name?: string }; [k: string]: unknown }): FieldCause[] {
  const causes: FieldCause[] = [];
  const name = o.metadata.name ?? "";
  const value = int(o.value);
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const err = systemClassError(name, value, o.globalDefault === true);
    if (err) causes.push(forbidden("metadata.name", `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${err}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    causes.push(forbidden("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (isSet(o.preemptionPolicy) && !PREEMPTION_POLICIES.includes(str(o.preemptionPolicy))) {
    causes.push(notSupported("preemptionPolicy", str(o.preemptionPolicy), PREEMPTION_POLICIES));
  }
  return causes;
}

export const SCHEDULING_V1: ResourceDescriptor[] = [
  {
    group: "scheduling.k8s.io",
    version: "v1",
    kind: "PriorityClass",
    plural: "priorityclasses",
    singular: "priorityclass",
    namespaced: false,
    verbs: [...ALL_VERBS],
    shortNames: ["pc"],
    categories: [],
    subresources: [],
    hasSpec: false,
    topLevelFields: ["value", "globalDefault", "description", "preemptionPolicy"],
    nameIsDnsLabel: false,
    columns: [
      nameCol(),
      col("Value", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.", 0, "integer"),
      col(
        "Global-Default",
        "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.",
        0,
        "boolean",
      ),
      ageCol(),
      col(
        "PreemptionPolicy",
        "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.",
      ),
    ],
    cells: (o, now) => [nameOf(o), int(o.value), o.globalDefault === true, ageOf(o, now), str(o.preemptionPolicy)],
    fieldSelectors: {},
    strategy: {
      prepareForCreate(o) {
        o.preemptionPolicy ??= "PreemptLowerPriority";
      },
      prepareForUpdate(o) {
        o.preemptionPolicy ??= "PreemptLowerPriority";
      },
      validate: validatePriorityClass,
      validateUpdate(o, old) {
        const causes: FieldCause[] = [];
        if (int(o.value) !== int(old.value)) causes.push(forbidden("value", "may not be changed in an update."));
        if (str(o.preemptionPolicy) !== str(old.preemptionPolicy)) causes.push(immutable("preemptionPolicy", str(o.preemptionPolicy)));
        return causes;
      },
    },
  },
];
