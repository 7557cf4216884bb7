/**
 * flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration: v1 defaults,
 * pkg/apis/flowcontrol/validation's main checks and printers.go's columns. minieks does not
 * queue or limit requests by them (API Priority and Fairness is not simulated).
 */
import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { forbidden, invalid, notSupported, required } from "./field-errors.js";
import { ageOf, child, int, isSet, nameOf, rec, recs, str } from "./object-fields.js";

const DISTINGUISHER_TYPES = ["ByNamespace", "ByUser"];
const SUBJECT_KINDS = ["Group", "ServiceAccount", "User"];
const PRIORITY_LEVEL_TYPES = ["Exempt", "Limited"];
const LIMIT_RESPONSE_TYPES = ["Queue", "Reject"];

function defaultFlowSchema(o: StoredObject): void {
  const spec = child(o, "spec");
  if (!int(spec.matchingPrecedence)) spec.matchingPrecedence = 1000;
}

function defaultPriorityLevel(o: StoredObject): void {
  const spec = child(o, "spec");
  if (isSet(spec.limited)) {
    const limited = rec(spec.limited);
    limited.nominalConcurrencyShares ??= 30;
    limited.lendablePercent ??= 0;
    const queuing = rec(rec(limited.limitResponse).queuing);
    if (isSet(rec(limited.limitResponse).queuing)) {
      if (!int(queuing.queues)) queuing.queues = 64;
      if (!int(queuing.handSize)) queuing.handSize = 8;
      if (!int(queuing.queueLengthLimit)) queuing.queueLengthLimit = 50;
    }
  }
  if (isSet(spec.exempt)) {
    const exempt = rec(spec.exempt);
    exempt.nominalConcurrencyShares ??= 0;
    exempt.lendablePercent ??= 0;
  }
}

function validateFlowSchema(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const causes: FieldCause[] = [];
  const precedence = int(spec.matchingPrecedence);
  if (precedence <= 0) causes.push(invalid("spec.matchingPrecedence", precedence, "must be a positive value"));
  if (precedence > 10000) causes.push(invalid("spec.matchingPrecedence", precedence, "must not be greater than 10000"));
  if (isSet(spec.distinguisherMethod)) {
    const type = str(rec(spec.distinguisherMethod).type);
    if (!DISTINGUISHER_TYPES.includes(type)) causes.push(notSupported("spec.distinguisherMethod.type", type, DISTINGUISHER_TYPES));
  }
  if (!str(rec(spec.priorityLevelConfiguration).name)) causes.push(required("spec.priorityLevelConfiguration.name", "must reference a priority level"));
  recs(spec.rules).forEach((rule, i) => {
    const subjects = recs(rule.subjects);
    if (subjects.length === 0) causes.push(required(`spec.rules[${i}].subjects`, "subjects must contain at least one value"));
    subjects.forEach((s, j) => {
      if (!SUBJECT_KINDS.includes(str(s.kind))) causes.push(notSupported(`spec.rules[${i}].subjects[${j}].kind`, str(s.kind), SUBJECT_KINDS));
    });
    if (recs(rule.resourceRules).length === 0 && recs(rule.nonResourceRules).length === 0) {
      causes.push(required(`spec.rules[${i}]`, "at least one of resourceRules and nonResourceRules has to be non-empty"));
    }
  });
  return causes;
}

function validatePriorityLevel(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const causes: FieldCause[] = [];
  const type = str(spec.type);
  if (!PRIORITY_LEVEL_TYPES.includes(type)) {
    causes.push(notSupported("spec.type", type, PRIORITY_LEVEL_TYPES));
    return causes;
  }
  if (type === "Limited") {
    if (!isSet(spec.limited)) causes.push(required("spec.limited", "must not be empty when type is Limited"));
    if (isSet(spec.exempt)) causes.push(forbidden("spec.exempt", "must be nil if the type is Limited"));
  } else {
    if (isSet(spec.limited)) causes.push(forbidden("spec.limited", "must be nil if the type is not Limited"));
  }
  if (isSet(spec.limited)) {
    const limited = rec(spec.limited);
    if (int(limited.nominalConcurrencyShares) < 0) causes.push(invalid("spec.limited.nominalConcurrencyShares", int(limited.nominalConcurrencyShares), "must be a non-negative integer"));
    const lr = rec(limited.limitResponse);
    const lrType = str(lr.type);
    if (!LIMIT_RESPONSE_TYPES.includes(lrType)) causes.push(notSupported("spec.limited.limitResponse.type", lrType, LIMIT_RESPONSE_TYPES));
    else if (lrType === "Queue" && !isSet(lr.queuing)) causes.push(required("spec.limited.limitResponse.queuing", "must not be empty if the type is Queue"));
    else if (lrType === "Reject" && isSet(lr.queuing)) causes.push(forbidden("spec.limited.limitResponse.queuing", "must be nil if limited.limitResponse.type is not Limited"));
    const q = rec(lr.queuing);
    if (isSet(lr.queuing) && int(q.handSize) > int(q.queues)) {
      causes.push(invalid("spec.limited.limitResponse.queuing.handSize", int(q.handSize), `should not be greater than queues (${int(q.queues)})`));
    }
  }
  return causes;
}

const statusOnCreate = (defaults: (o: StoredObject) => void, validate: (o: StoredObject) => FieldCause[]): Strategy => ({
  prepareForCreate(o) {
    defaults(o);
    o.status = {};
  },
  prepareForUpdate: (o) => defaults(o),
  validate,
});

const flowcontrol = (d: Omit<ResourceDescriptor, "group" | "version" | "verbs" | "categories" | "nameIsDnsLabel" | "fieldSelectors" | "shortNames" | "namespaced" | "subresources" | "hasSpec" | "topLevelFields">): ResourceDescriptor => ({
  group: "flowcontrol.apiserver.k8s.io",
  version: "v1",
  verbs: [...ALL_VERBS],
  categories: [],
  shortNames: [],
  namespaced: false,
  subresources: ["status"],
  hasSpec: true,
  topLevelFields: ["spec", "status"],
  nameIsDnsLabel: false,
  fieldSelectors: {},
  ...d,
});

const orNone = (limited: unknown, value: unknown): unknown => (isSet(limited) && isSet(value) ? int(value) : "<none>");

export const FLOWCONTROL_V1: ResourceDescriptor[] = [
  flowcontrol({
    kind: "FlowSchema",
    plural: "flowschemas",
    singular: "flowschema",
    columns: [
      nameCol(),
      col("PriorityLevel", "`name` is the name of the priority level configuration being referenced Required."),
      col("MatchingPrecedence", "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. Note that if the precedence is not specified, it will be set to 1000 as default."),
      col("DistinguisherMethod", "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string."),
      ageCol(),
      col("MissingPL", "references a broken or non-existent PriorityLevelConfiguration"),
    ],
    cells: (o, now) => {
      const spec = rec(o.spec);
      const dangling = recs(rec(o.status).conditions).find((c) => c.type === "Dangling");
      return [
        nameOf(o),
        str(rec(spec.priorityLevelConfiguration).name),
        int(spec.matchingPrecedence),
        isSet(spec.distinguisherMethod) ? str(rec(spec.distinguisherMethod).type) : "<none>",
        ageOf(o, now),
        dangling ? str(dangling.status) : "?",
      ];
    },
    strategy: statusOnCreate(defaultFlowSchema, validateFlowSchema),
  }),
  flowcontrol({
    kind: "PriorityLevelConfiguration",
    plural: "prioritylevelconfigurations",
    singular: "prioritylevelconfiguration",
    columns: [
      nameCol(),
      col("Type", "`type` indicates whether this priority level is subject to limitation on request execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server's limited capacity is made available exclusively to this priority level. Required."),
      col("NominalConcurrencyShares", "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level."),
      col("Queues", "`queues` is the number of queues for this priority level. The queues exist independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has a default value of 64."),
      col("HandSize", "`handSize` is a small positive number that configures the shuffle sharding of requests into queues."),
      col("QueueLengthLimit", "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected.  This value must be positive.  If not specified, it will be defaulted to 50."),
      ageCol(),
    ],
    cells: (o, now) => {
      const spec = rec(o.spec);
      const limited = spec.limited;
      const queuing = rec(rec(rec(limited).limitResponse).queuing);
      const hasQueuing = isSet(limited) && isSet(rec(rec(limited).limitResponse).queuing);
      return [
        nameOf(o),
        str(spec.type),
        orNone(limited, rec(limited).nominalConcurrencyShares),
        hasQueuing ? int(queuing.queues) : "<none>",
        hasQueuing ? int(queuing.handSize) : "<none>",
        hasQueuing ? int(queuing.queueLengthLimit) : "<none>",
        ageOf(o, now),
      ];
    },
    strategy: statusOnCreate(defaultPriorityLevel, validatePriorityLevel),
  }),
];
