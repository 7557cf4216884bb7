/**
 * events.k8s.io/v1 Event: the same stored objects as core/v1 events (pkg/apis/events/v1
 * conversion: note ⇄ message, regarding ⇄ involvedObject, reportingController ⇄
 * reportingComponent, deprecated* ⇄ source/firstTimestamp/lastTimestamp/count). Writes through
 * this version get the strict validation of pkg/apis/core/validation/events.go
 * ValidateEventCreate/Update, whose field paths are the core ones, as upstream reports them.
 * Table and field selectors are the core Event's, read through the conversion.
 */
import type { FieldCause, ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { CORE_V1 } from "./core-v1.js";
import { immutable, invalid, required, sameJson } from "./field-errors.js";
import { isSet, rec, str } from "./object-fields.js";
import { qualifiedNameErrors } from "../apiserver/selectors.js";
import { validateDnsSubdomain } from "./names.js";

/** events.k8s.io/v1 field ⇄ core/v1 field; the other fields keep their names. */
const RENAMED: [events: string, core: string][] = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["reportingController", "reportingComponent"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];

function rename(obj: StoredObject, pairs: [from: string, to: string][], apiVersion: string): StoredObject {
  const out = structuredClone(obj);
  for (const [from, to] of pairs) {
    delete out[to];
    if (from in obj) {
      out[to] = structuredClone(obj[from]);
      delete out[from];
    }
  }
  out.apiVersion = apiVersion;
  out.kind = "Event";
  return out;
}

/** An events.k8s.io/v1 Event as core/v1 stores it. */
export const eventsV1ToCore = (o: StoredObject): StoredObject => rename(o, RENAMED, "v1");
/** A stored core/v1 Event as events.k8s.io/v1 serves it. */
export const coreToEventsV1 = (o: StoredObject): StoredObject =>
  rename(
    o,
    RENAMED.map(([events, core]) => [core, events]),
    "events.k8s.io/v1",
  );

const REPORTING_INSTANCE_MAX = 128;
const ACTION_MAX = 128;
const REASON_MAX = 128;
const NOTE_MAX = 1024;

/** legacyValidateEvent on the core form. */
export function legacyValidateEvent(e: StoredObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const ns = e.metadata.namespace ?? "";
  const involvedNs = str(rec(e.involvedObject).namespace);
  const mismatch = () => invalid("involvedObject.namespace", involvedNs, "does not match event.namespace");
  if (!isSet(e.eventTime)) {
    if (involvedNs === "" ? ns !== "" && ns !== "default" : ns !== involvedNs) causes.push(mismatch());
  } else {
    if (involvedNs === "" && ns !== "default" && ns !== "kube-system") causes.push(mismatch());
    const controller = str(e.reportingComponent);
    if (!controller) causes.push(required("reportingController"));
    for (const msg of qualifiedNameErrors(controller)) causes.push(invalid("reportingController", controller, msg));
    const instance = str(e.reportingInstance);
    if (!instance) causes.push(required("reportingInstance"));
    if (instance.length > REPORTING_INSTANCE_MAX) causes.push(invalid("reportingInstance", "", `can have at most ${REPORTING_INSTANCE_MAX} characters`));
    const action = str(e.action);
    if (!action) causes.push(required("action"));
    if (action.length > ACTION_MAX) causes.push(invalid("action", "", `can have at most ${ACTION_MAX} characters`));
    const reason = str(e.reason);
    if (!reason) causes.push(required("reason"));
    if (reason.length > REASON_MAX) causes.push(invalid("reason", "", `can have at most ${REASON_MAX} characters`));
    if (str(e.message).length > NOTE_MAX) causes.push(invalid("message", "", `can have at most ${NOTE_MAX} characters`));
  }
  causes.push(...validateDnsSubdomain(ns, "namespace"));
  return causes;
}

function validateSeries(e: StoredObject): FieldCause[] {
  if (!isSet(e.series)) return [];
  const series = rec(e.series);
  const causes: FieldCause[] = [];
  if (typeof series.count !== "number" || series.count < 2) causes.push(invalid("series.count", "", "should be at least 2"));
  if (!isSet(series.lastObservedTime)) causes.push(required("series.lastObservedTime"));
  return causes;
}

/** ValidateEventCreate for events.k8s.io/v1 requests, on the core form. */
export function validateEventsV1Create(core: StoredObject): FieldCause[] {
  const causes = [...legacyValidateEvent(core), ...validateSeries(core)];
  if (!isSet(core.eventTime)) causes.push(required("eventTime"));
  const type = str(core.type);
  if (type !== "Normal" && type !== "Warning") causes.push(invalid("type", "", `has invalid value: ${type}`));
  for (const f of ["firstTimestamp", "lastTimestamp"]) if (isSet(core[f])) causes.push(invalid(f, "", "needs to be unset"));
  if (typeof core.count === "number" && core.count !== 0) causes.push(invalid("count", "", "needs to be unset"));
  const source = rec(core.source);
  if (str(source.component) || str(source.host)) causes.push(invalid("source", "", "needs to be unset"));
  return causes;
}

const IMMUTABLE_FIELDS = ["involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "action", "related", "reportingComponent", "reportingInstance"];
/** Field paths of the immutability errors: upstream names reportingComponent by its events.k8s.io name. */
const IMMUTABLE_PATH: Record<string, string> = { reportingComponent: "reportingController" };

/** ValidateEventUpdate for events.k8s.io/v1 requests, on the core forms. */
export function validateEventsV1Update(core: StoredObject, oldCore: StoredObject): FieldCause[] {
  const causes = legacyValidateEvent(core);
  if (!sameJson(core.series, oldCore.series)) causes.push(...validateSeries(core));
  for (const f of IMMUTABLE_FIELDS) {
    if (!sameJson(core[f], oldCore[f])) causes.push(immutable(IMMUTABLE_PATH[f] ?? f, typeof core[f] === "string" ? core[f] : JSON.stringify(core[f] ?? null)));
  }
  return causes;
}

const coreEvent = CORE_V1.find((d) => d.kind === "Event");
if (!coreEvent) throw new Error("core/v1 Event descriptor missing");

/** Field selectors events.k8s.io/v1 accepts (its field label conversion), read on the core form. */
const FIELD_SELECTORS: Record<string, string> = {
  "regarding.kind": "involvedObject.kind",
  "regarding.namespace": "involvedObject.namespace",
  "regarding.name": "involvedObject.name",
  "regarding.uid": "involvedObject.uid",
  "regarding.apiVersion": "involvedObject.apiVersion",
  "regarding.resourceVersion": "involvedObject.resourceVersion",
  "regarding.fieldPath": "involvedObject.fieldPath",
  reason: "reason",
  reportingController: "reportingComponent",
  type: "type",
};

/** Objects being created (prepareForCreate ran on them), so `validate` can tell a create from an update. */
const creating = new WeakSet<StoredObject>();

export const EVENTS_V1: ResourceDescriptor = {
  group: "events.k8s.io",
  version: "v1",
  kind: "Event",
  plural: "events",
  singular: "event",
  namespaced: true,
  verbs: coreEvent.verbs,
  shortNames: ["ev"],
  categories: [],
  subresources: [],
  hasSpec: false,
  topLevelFields: [
    "eventTime",
    "series",
    "reportingController",
    "reportingInstance",
    "action",
    "reason",
    "regarding",
    "related",
    "note",
    "type",
    "deprecatedSource",
    "deprecatedFirstTimestamp",
    "deprecatedLastTimestamp",
    "deprecatedCount",
  ],
  nameIsDnsLabel: false,
  columns: coreEvent.columns,
  cells: (o, now) => coreEvent.cells(eventsV1ToCore(o), now),
  fieldSelectors: Object.fromEntries(
    Object.entries(FIELD_SELECTORS).map(([label, coreField]) => [label, (o) => coreEvent.fieldSelectors[coreField]?.(eventsV1ToCore(o as StoredObject))]),
  ),
  strategy: {
    prepareForCreate: (o) => void creating.add(o),
    // The registry runs `validate` on updates too; upstream's update rules are validateUpdate's alone.
    validate: (o) => (creating.has(o) ? validateEventsV1Create(eventsV1ToCore(o)) : []),
    validateUpdate: (o, old) => validateEventsV1Update(eventsV1ToCore(o), eventsV1ToCore(old)),
  },
  storage: { group: "", plural: "events", toStorage: eventsV1ToCore, fromStorage: coreToEventsV1 },
};
