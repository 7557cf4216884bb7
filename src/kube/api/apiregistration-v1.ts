/**
 * apiregistration.k8s.io/v1 APIService (kube-aggregator: validation, and the table of its
 * registry: NAME SERVICE AVAILABLE AGE). minieks does not proxy to aggregated API servers, so
 * no availability controller sets the Available condition of a registered APIService.
 */
import type { FieldCause, ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { invalid, required } from "./field-errors.js";
import { ageOf, child, int, isSet, nameOf, rec, recs, str } from "./object-fields.js";
import { validateDnsSubdomain } from "./names.js";

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function validateApiService(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const group = str(spec.group);
  const version = str(spec.version);
  const causes: FieldCause[] = [];
  const wanted = `${version}.${group}`;
  if ((o.metadata.name ?? "") !== wanted) causes.push(invalid("metadata.name", o.metadata.name ?? "", `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(wanted)}`));
  if (!group && version !== "v1") causes.push(required("spec.group", "only v1 may have an empty group and it better be legacy kube"));
  if (group) causes.push(...validateDnsSubdomain(group, "spec.group"));
  if (!DNS1035_LABEL.test(version) || version.length > 63) {
    causes.push(
      invalid(
        "spec.version",
        version,
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ),
    );
  }
  const groupPriority = int(spec.groupPriorityMinimum);
  if (groupPriority <= 0 || groupPriority > 20000) causes.push(invalid("spec.groupPriorityMinimum", groupPriority, "must be positive and less than 20000"));
  const versionPriority = int(spec.versionPriority);
  if (versionPriority <= 0 || versionPriority > 1000) causes.push(invalid("spec.versionPriority", versionPriority, "must be positive and less than 1000"));
  const caBundle = str(spec.caBundle);
  if (!isSet(spec.service)) {
    if (caBundle) causes.push(invalid("spec.caBundle", `${Buffer.from(caBundle, "base64").length} bytes`, "local APIServices may not have a caBundle"));
    if (spec.insecureSkipTLSVerify === true) causes.push(invalid("spec.insecureSkipTLSVerify", true, "local APIServices may not have insecureSkipTLSVerify"));
    return causes;
  }
  const service = rec(spec.service);
  if (!str(service.namespace)) causes.push(required("spec.service.namespace"));
  if (!str(service.name)) causes.push(required("spec.service.name"));
  const port = int(service.port);
  if (port < 1 || port > 65535) causes.push(invalid("spec.service.port", port, "port is not valid: must be between 1 and 65535, inclusive"));
  if (spec.insecureSkipTLSVerify === true && caBundle) causes.push(invalid("spec.insecureSkipTLSVerify", true, "may not be true if caBundle is present"));
  return causes;
}

/** The Available column: the condition's status, with its reason unless True; Unknown without one. */
function availableCell(o: StoredObject): string {
  const c = recs(rec(o.status).conditions).find((x) => x.type === "Available");
  if (!c) return "Unknown";
  if (c.status === "True" || !str(c.reason)) return str(c.status);
  return `${str(c.status)} (${str(c.reason)})`;
}

export const APIREGISTRATION_V1: ResourceDescriptor[] = [
  {
    group: "apiregistration.k8s.io",
    version: "v1",
    kind: "APIService",
    plural: "apiservices",
    singular: "apiservice",
    namespaced: false,
    verbs: [...ALL_VERBS],
    shortNames: [],
    categories: ["api-extensions"],
    subresources: ["status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    nameIsDnsLabel: false,
    columns: [
      nameCol(),
      col("Service", "The reference to the service that hosts this API endpoint."),
      col("Available", "Whether this service is available."),
      ageCol(),
    ],
    cells: (o, now) => {
      const service = rec(rec(o.spec).service);
      const serviceCell = isSet(rec(o.spec).service) ? `${str(service.namespace)}/${str(service.name)}` : "Local";
      return [nameOf(o), serviceCell, availableCell(o), ageOf(o, now)];
    },
    fieldSelectors: {},
    // Local APIServices are named "v1." (core): the name is a path segment, checked against version.group below.
    validateName: (name, field) => (name.includes("/") || name.includes("%") || name === "." || name === ".." ? [invalid(field, name, "may not contain '/' or '%'")] : []),
    strategy: {
      prepareForCreate(o) {
        const spec = child(o, "spec");
        if (isSet(spec.service)) rec(spec.service).port ??= 443;
        o.status = {};
      },
      prepareForUpdate(o) {
        const spec = child(o, "spec");
        if (isSet(spec.service)) rec(spec.service).port ??= 443;
      },
      validate: validateApiService,
    },
  },
];
