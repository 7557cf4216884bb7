/**
 * policy/v1 PodDisruptionBudget: discovery, printers.go printPodDisruptionBudget, the strategy
 * of pkg/registry/policy/poddisruptionbudget (status cleared on create, generation) and
 * pkg/apis/policy/validation ValidatePodDisruptionBudgetSpec. pods/eviction lives with pods.
 */
import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { GoLiteral, invalid, notSupported } from "./field-errors.js";
import { ageOf, goIntOrString, int, intOrStringText, isSet, nameOf, rec, str } from "./object-fields.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../apiserver/selectors.js";

const UNHEALTHY_POD_EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"];
const PERCENT = /^[0-9]+%$/;

/** apps validation ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
export function validateIntOrPercent(value: unknown, field: string): FieldCause[] {
  const literal = new GoLiteral(goIntOrString(value));
  if (typeof value === "string") {
    if (!PERCENT.test(value)) {
      return [invalid(field, literal, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
    }
    return Number(value.slice(0, -1)) > 100 ? [invalid(field, literal, "must not be greater than 100%")] : [];
  }
  if (typeof value === "number" && Number.isInteger(value)) return value < 0 ? [invalid(field, value, "must be greater than or equal to 0")] : [];
  return [invalid(field, literal, "must be an integer or percentage (e.g '5%')")];
}

/** ValidatePodDisruptionBudgetSpec (neither bound is allowed upstream; both are not). */
export function validatePdb(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const causes: FieldCause[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    causes.push(
      invalid(
        "spec",
        new GoLiteral(`policy.PodDisruptionBudgetSpec{MinAvailable:${intOrStringText(spec.minAvailable)}, MaxUnavailable:${intOrStringText(spec.maxUnavailable)}}`),
        "minAvailable and maxUnavailable cannot be both set",
      ),
    );
  }
  if (isSet(spec.minAvailable)) causes.push(...validateIntOrPercent(spec.minAvailable, "spec.minAvailable"));
  if (isSet(spec.maxUnavailable)) causes.push(...validateIntOrPercent(spec.maxUnavailable, "spec.maxUnavailable"));
  if (isSet(spec.selector)) {
    try {
      labelSelectorFromObject(rec(spec.selector) as LabelSelectorObject);
    } catch (error) {
      causes.push(invalid("spec.selector", new GoLiteral(JSON.stringify(spec.selector)), (error as Error).message));
    }
  }
  if (isSet(spec.unhealthyPodEvictionPolicy) && !UNHEALTHY_POD_EVICTION_POLICIES.includes(str(spec.unhealthyPodEvictionPolicy))) {
    causes.push(notSupported("spec.unhealthyPodEvictionPolicy", str(spec.unhealthyPodEvictionPolicy), UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return causes;
}

const pdbStrategy: Strategy = {
  prepareForCreate(o) {
    // The disruption controller computes the status; it starts at zero (non-omitempty int32s).
    o.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validate: validatePdb,
};

export const POLICY_V1: ResourceDescriptor[] = [
  {
    group: "policy",
    version: "v1",
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    singular: "poddisruptionbudget",
    namespaced: true,
    verbs: [...ALL_VERBS],
    shortNames: ["pdb"],
    categories: [],
    subresources: ["status"],
    hasSpec: true,
    topLevelFields: ["spec", "status"],
    nameIsDnsLabel: false,
    columns: [
      nameCol(),
      col("Min Available", "The minimum number of pods that must be available."),
      col("Max Unavailable", "The maximum number of pods that may be unavailable."),
      col("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.", 0, "integer"),
      ageCol(),
    ],
    cells: (o, now) => {
      const spec = rec(o.spec);
      return [
        nameOf(o),
        isSet(spec.minAvailable) ? intOrStringText(spec.minAvailable) : "N/A",
        isSet(spec.maxUnavailable) ? intOrStringText(spec.maxUnavailable) : "N/A",
        int(rec(o.status).disruptionsAllowed),
        ageOf(o, now),
      ];
    },
    fieldSelectors: {},
    strategy: pdbStrategy,
  },
];
