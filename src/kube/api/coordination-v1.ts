/**
 * coordination.k8s.io/v1 Lease (pkg/apis/coordination/validation ValidateLeaseSpec; printers.go
 * printLease). Node heartbeats and leader election use these.
 */
import type { FieldCause, ResourceDescriptor } from "./descriptor.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { invalid, notSupported } from "./field-errors.js";
import { ageOf, isSet, nameOf, rec, str } from "./object-fields.js";

const STRATEGIES = ["OldestEmulationVersion"];

export function validateLease(spec: Record<string, unknown>): FieldCause[] {
  const causes: FieldCause[] = [];
  if (isSet(spec.leaseDurationSeconds) && Number(spec.leaseDurationSeconds) <= 0) {
    causes.push(invalid("spec.leaseDurationSeconds", Number(spec.leaseDurationSeconds), "must be greater than 0"));
  }
  if (isSet(spec.leaseTransitions) && Number(spec.leaseTransitions) < 0) {
    causes.push(invalid("spec.leaseTransitions", Number(spec.leaseTransitions), "must be greater than or equal to 0"));
  }
  if (isSet(spec.strategy) && !STRATEGIES.includes(str(spec.strategy))) causes.push(notSupported("spec.strategy", str(spec.strategy), STRATEGIES));
  return causes;
}

export const COORDINATION_V1: ResourceDescriptor[] = [
  {
    group: "coordination.k8s.io",
    version: "v1",
    kind: "Lease",
    plural: "leases",
    singular: "lease",
    namespaced: true,
    verbs: [...ALL_VERBS],
    shortNames: [],
    categories: [],
    subresources: [],
    hasSpec: false,
    topLevelFields: ["spec"],
    nameIsDnsLabel: false,
    columns: [
      nameCol(),
      col(
        "Holder",
        "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.",
      ),
      ageCol(),
    ],
    cells: (o, now) => [nameOf(o), str(rec(o.spec).holderIdentity), ageOf(o, now)],
    fieldSelectors: {},
    strategy: { validate: (o) => validateLease(rec(o.spec)) },
  },
];
