/**
 * node.k8s.io/v1 RuntimeClass (pkg/apis/node/validation; printers.go printRuntimeClass). EKS
 * nodes run containerd with the default "runc" handler.
 */
import type { FieldCause, ResourceDescriptor } from "./descriptor.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { immutable, invalid, required } from "./field-errors.js";
import { ageOf, nameOf, rec, str } from "./object-fields.js";
import { parseQuantity } from "./quantity.js";
import { requireQuantities } from "./core-v1-more-lifecycle.js";
import { validateDnsLabel } from "./names.js";
import { labelValueErrors, qualifiedNameErrors } from "../apiserver/selectors.js";

function validateRuntimeClass(o: Record<string, unknown>): FieldCause[] {
  const handler = str(o.handler);
  const causes: FieldCause[] = handler ? validateDnsLabel(handler, "handler") : [required("handler")];
  for (const [k, v] of Object.entries(rec(rec(o.overhead).podFixed))) {
    if ((parseQuantity(v) ?? 0) < 0) causes.push(invalid(`overhead.podFixed[${k}]`, String(v), "must be greater than or equal to 0"));
  }
  for (const [k, v] of Object.entries(rec(rec(o.scheduling).nodeSelector))) {
    causes.push(...qualifiedNameErrors(k).map((msg) => invalid("scheduling.nodeSelector", k, msg)));
    causes.push(...labelValueErrors(str(v)).map((msg) => invalid("scheduling.nodeSelector", str(v), msg)));
  }
  return causes;
}

export const NODE_V1: ResourceDescriptor[] = [
  {
    group: "node.k8s.io",
    version: "v1",
    kind: "RuntimeClass",
    plural: "runtimeclasses",
    singular: "runtimeclass",
    namespaced: false,
    verbs: [...ALL_VERBS],
    shortNames: [],
    categories: [],
    subresources: [],
    hasSpec: false,
    topLevelFields: ["handler", "overhead", "scheduling"],
    nameIsDnsLabel: false,
    columns: [nameCol(), col("Handler", ""), ageCol()],
    cells: (o, now) => [nameOf(o), str(o.handler), ageOf(o, now)],
    fieldSelectors: {},
    strategy: {
      prepareForCreate: (o) => requireQuantities("RuntimeClass", [rec(o.overhead).podFixed]),
      prepareForUpdate: (o) => requireQuantities("RuntimeClass", [rec(o.overhead).podFixed]),
      validate: validateRuntimeClass,
      validateUpdate: (o, old) => (str(o.handler) === str(old.handler) ? [] : [immutable("handler", str(o.handler))]),
    },
  },
];
