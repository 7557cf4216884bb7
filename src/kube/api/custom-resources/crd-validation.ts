/**
 * CustomResourceDefinition validation (apiextensions-apiserver pkg/apis/apiextensions/validation and
 * pkg/apiserver/schema's structural rules), with upstream's field paths and messages.
 */
import type { FieldCause } from "../descriptor.js";
import { forbidden, goValue, immutable, invalid, notSupported, required } from "../field-errors.js";
import { validateDnsSubdomain } from "../names.js";
import { patternCompiles, validateValue, type JSONSchemaProps } from "./schema.js";

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const recs = (v: unknown): J[] => (Array.isArray(v) ? v.map(rec) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
/** IsDNS1035Label's messages, joined with "," as the CRD validation joins them. */
function dns1035Errors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!DNS1035.test(value)) errs.push(DNS1035_MESSAGE);
  return errs;
}

const PRINTER_TYPES = ["boolean", "date", "integer", "number", "string"];
const PRINTER_FORMATS = ["byte", "date", "date-time", "double", "float", "int32", "int64", "password"];
const SCHEMA_TYPES = ["array", "boolean", "integer", "number", "object", "string"];

/** The storage version's name, or undefined unless exactly one version is marked. */
export const storageVersionOf = (crd: J): string | undefined => {
  const marked = recs(rec(crd.spec).versions).filter((v) => v.storage === true);
  return marked.length === 1 ? str(marked[0]?.name) : undefined;
};

/** ValidateCustomResourceDefinition. */
export function validateCrd(crd: J & { metadata: { name?: string } }): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = rec(crd.spec);
  const names = rec(spec.names);
  const group = str(spec.group);
  const wanted = `${str(names.plural)}.${group}`;
  if (crd.metadata.name && crd.metadata.name !== wanted) causes.push(invalid("metadata.name", crd.metadata.name, `must be spec.names.plural+"."+spec.group`));
  if (!group) causes.push(required("spec.group"));
  else {
    const subdomain = validateDnsSubdomain(group, "spec.group");
    if (subdomain.length > 0) causes.push(...subdomain);
    else if (group.split(".").length < 2) causes.push(invalid("spec.group", group, "should be a domain with at least one dot"));
  }
  const scope = str(spec.scope);
  if (!scope) causes.push(required("spec.scope"));
  else if (scope !== "Cluster" && scope !== "Namespaced") causes.push(notSupported("spec.scope", scope, ["Cluster", "Namespaced"]));

  const versions = recs(spec.versions);
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    const name = str(v.name);
    if (seen.has(name)) unique = false;
    seen.add(name);
    const errs = dns1035Errors(name);
    if (errs.length) causes.push(invalid(`${at}.name`, name, errs.join(",")));
    const subresources = rec(v.subresources);
    causes.push(...validateVersionSchema(v.schema, "status" in subresources, `${at}.schema`));
    causes.push(...validateSubresources(subresources, `${at}.subresources`));
    recs(v.additionalPrinterColumns).forEach((c, j) => causes.push(...validateColumn(c, `${at}.additionalPrinterColumns[${j}]`)));
  });
  if (versions.length === 0) causes.push(required("spec.versions", "must have at least one version"));
  if (!unique) causes.push(invalid("spec.versions", versions, "must contain unique version names"));
  if (versions.length > 0 && versions.filter((v) => v.storage === true).length !== 1) {
    causes.push(invalid("spec.versions", versions, "must have exactly one version marked as storage version"));
  }
  for (const key of ["plural", "singular", "kind", "listKind"]) if (!str(names[key])) causes.push(required(`spec.names.${key}`));
  causes.push(...validateNames(names, "spec.names"));
  if (spec.preserveUnknownFields === true) {
    causes.push(invalid("spec.preserveUnknownFields", true, "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
  }
  const conversion = rec(spec.conversion);
  const strategy = str(conversion.strategy);
  if (spec.conversion !== undefined && !strategy) causes.push(required("spec.conversion.strategy"));
  else if (strategy === "Webhook") {
    causes.push(invalid("spec.conversion.strategy", strategy, 'minieks does not call conversion webhooks: only "None" is supported'));
  } else if (strategy && strategy !== "None") causes.push(notSupported("spec.conversion.strategy", strategy, ["None", "Webhook"]));
  if (strategy !== "Webhook" && conversion.webhook !== undefined && conversion.webhook !== null) {
    causes.push(forbidden("spec.conversion.webhook", "should not be set when strategy is not set to Webhook"));
  }
  return causes;
}

/** ValidateCustomResourceDefinitionUpdate's extra rules: what affects storage and resource names. */
export function validateCrdUpdate(crd: J, old: J): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = rec(crd.spec);
  const oldSpec = rec(old.spec);
  const established = recs(rec(old.status).conditions).some((c) => c.type === "Established" && c.status === "True");
  if (established) {
    if (spec.scope !== oldSpec.scope) causes.push(immutable("spec.scope", spec.scope));
    if (rec(spec.names).kind !== rec(oldSpec.names).kind) causes.push(immutable("spec.names.kind", rec(spec.names).kind));
  }
  if (spec.group !== oldSpec.group) causes.push(immutable("spec.group", spec.group));
  if (rec(spec.names).plural !== rec(oldSpec.names).plural) causes.push(immutable("spec.names.plural", rec(spec.names).plural));
  // Every stored version must stay listed (ValidateCustomResourceDefinitionStoredVersions).
  const listed = new Set(recs(spec.versions).map((v) => str(v.name)));
  (Array.isArray(rec(crd.status).storedVersions) ? (rec(crd.status).storedVersions as unknown[]) : []).forEach((v, i) => {
    if (!listed.has(str(v))) causes.push(invalid(`status.storedVersions[${i}]`, v, "must appear in spec.versions"));
  });
  return causes;
}

function validateNames(names: J, at: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const key of ["plural", "singular"]) {
    const v = str(names[key]);
    const errs = v ? dns1035Errors(v) : [];
    if (errs.length) causes.push(invalid(`${at}.${key}`, v, errs.join(",")));
  }
  for (const key of ["kind", "listKind"]) {
    const v = str(names[key]);
    const errs = v ? dns1035Errors(v.toLowerCase()) : [];
    if (errs.length) causes.push(invalid(`${at}.${key}`, v, `may have mixed case, but should otherwise match: ${errs.join(",")}`));
  }
  (Array.isArray(names.shortNames) ? names.shortNames : []).forEach((s, i) => {
    const errs = dns1035Errors(str(s));
    if (errs.length) causes.push(invalid(`${at}.shortNames[${i}]`, s, errs.join(",")));
  });
  if (str(names.kind) && names.kind === names.listKind) causes.push(invalid(`${at}.listKind`, names.listKind, "kind and listKind may not be the same"));
  (Array.isArray(names.categories) ? names.categories : []).forEach((s, i) => {
    const errs = dns1035Errors(str(s));
    if (errs.length) causes.push(invalid(`${at}.categories[${i}]`, s, errs.join(",")));
  });
  return causes;
}

function validateColumn(c: J, at: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!str(c.name)) causes.push(required(`${at}.name`));
  const type = str(c.type);
  if (!type) causes.push(required(`${at}.type`, `must be one of ${PRINTER_TYPES.join(",")}`));
  else if (!PRINTER_TYPES.includes(type)) causes.push(invalid(`${at}.type`, type, `must be one of ${PRINTER_TYPES.join(",")}`));
  const format = str(c.format);
  if (format && !PRINTER_FORMATS.includes(format)) causes.push(invalid(`${at}.format`, format, `must be one of ${PRINTER_FORMATS.join(",")}`));
  const path = str(c.jsonPath);
  if (!path) causes.push(required(`${at}.jsonPath`));
  else causes.push(...simpleJsonPathErrors(path, `${at}.jsonPath`));
  return causes;
}

function simpleJsonPathErrors(s: string, at: string): FieldCause[] {
  if (!s.startsWith(".")) return [invalid(at, s, "must be a simple json path starting with .")];
  return [];
}

function validateSubresources(sub: J, at: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!("scale" in sub)) return causes;
  const scale = rec(sub.scale);
  const check = (key: string, prefix: string, requiredPath: boolean) => {
    const v = str(scale[key]);
    const field = `${at}.scale.${key}`;
    if (!v) {
      if (requiredPath) causes.push(required(field));
      return;
    }
    const errs = simpleJsonPathErrors(v, field);
    if (errs.length) causes.push(...errs);
    else if (!v.startsWith(prefix)) causes.push(invalid(field, v, `should be a json path under ${prefix.slice(0, -1)}`));
  };
  check("specReplicasPath", ".spec.", true);
  check("statusReplicasPath", ".status.", true);
  check("labelSelectorPath", ".", false);
  return causes;
}

function validateVersionSchema(schema: unknown, statusEnabled: boolean, at: string): FieldCause[] {
  const root = rec(schema).openAPIV3Schema;
  if (root === undefined || root === null) return [required(`${at}.openAPIV3Schema`, "schemas are required")];
  const path = `${at}.openAPIV3Schema`;
  const s = rec(root) as JSONSchemaProps;
  const causes: FieldCause[] = [];
  if (!s.type) causes.push(required(`${path}.type`, "must not be empty at the root"));
  else if (s.type !== "object") causes.push(invalid(`${path}.type`, s.type, statusEnabled ? `only "object" is allowed as the type at the root of the schema if the status subresource is enabled` : "must be object at the root"));
  causes.push(...validateNode(s, path, "", "root"));
  const metadata = s.properties?.metadata;
  if (metadata) {
    const extra = Object.keys(metadata).filter((k) => !["type", "description", "properties"].includes(k));
    const props = Object.keys(metadata.properties ?? {}).filter((k) => k !== "name" && k !== "generateName");
    if (extra.length > 0 || props.length > 0) {
      causes.push(forbidden(`${path}.properties[metadata]`, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
    }
  }
  return causes;
}

const UNSUPPORTED = ["$ref", "id", "additionalItems", "patternProperties", "definitions", "dependencies"];

/** The structural-schema rules for one node; `objectPath` is where its values sit in an object (for default errors). */
function validateNode(s: JSONSchemaProps, at: string, objectPath: string, kind: "root" | "property" | "items" | "additional" | "junctor"): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const key of UNSUPPORTED) if (s[key] !== undefined) causes.push(forbidden(`${at}.${key}`, `${key} is not supported`));
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const preserve = s["x-kubernetes-preserve-unknown-fields"];
  const embedded = s["x-kubernetes-embedded-resource"] === true;
  if (s.type === "null") causes.push(forbidden(`${at}.type`, "type cannot be set to null"));
  else if (s.type !== undefined && !SCHEMA_TYPES.includes(s.type)) causes.push(notSupported(`${at}.type`, s.type, SCHEMA_TYPES));
  if (intOrString && s.type) causes.push(invalid(`${at}.type`, s.type, "must be empty if x-kubernetes-int-or-string is true"));
  if (embedded && s.type !== "object") {
    if (!s.type) causes.push(required(`${at}.type`, "must be object if x-kubernetes-embedded-resource is true"));
    else causes.push(invalid(`${at}.type`, s.type, "must be object if x-kubernetes-embedded-resource is true"));
  }
  if (preserve === false) causes.push(invalid(`${at}.x-kubernetes-preserve-unknown-fields`, false, "must be true or undefined"));
  if (!s.type && !intOrString && !embedded && preserve !== true && kind !== "root" && kind !== "junctor") {
    const what = kind === "items" ? "array items" : "object fields";
    causes.push(required(`${at}.type`, `must not be empty for specified ${what}`));
  }
  if (s.type === "array" && !s.items) causes.push(required(`${at}.items`, "must be specified"));
  if ((s as J).uniqueItems === true) causes.push(forbidden(`${at}.uniqueItems`, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
  if (s.pattern !== undefined && !patternCompiles(String(s.pattern))) causes.push(invalid(`${at}.pattern`, s.pattern, "must be a valid regular expression"));
  if (s.additionalProperties !== undefined && s.additionalProperties !== null) {
    const hasProps = Object.keys(s.properties ?? {}).length > 0;
    if (hasProps && (s.additionalProperties === false || typeof s.additionalProperties === "object")) {
      causes.push(forbidden(`${at}.additionalProperties`, "additionalProperties and properties are mutual exclusive"));
    }
    if (typeof s.additionalProperties === "object") {
      causes.push(...validateNode(s.additionalProperties, `${at}.additionalProperties`, objectPath ? `${objectPath}[*]` : "[*]", "additional"));
    }
  }
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    causes.push(...validateNode(rec(sub) as JSONSchemaProps, `${at}.properties[${key}]`, objectPath ? `${objectPath}.${key}` : key, "property"));
  }
  if (s.items && typeof s.items === "object" && !Array.isArray(s.items)) causes.push(...validateNode(s.items, `${at}.items`, `${objectPath}[*]`, "items"));
  else if (Array.isArray(s.items)) causes.push(forbidden(`${at}.items`, "items must be a schema object and not an array"));
  for (const junctor of ["allOf", "anyOf", "oneOf"] as const) {
    (s[junctor] ?? []).forEach((sub, i) => causes.push(...validateNode(rec(sub) as JSONSchemaProps, `${at}.${junctor}[${i}]`, objectPath, "junctor")));
  }
  if (s.default !== undefined) {
    if (kind === "root") causes.push(forbidden(`${at}.default`, "must not be set at the root"));
    else {
      // A default must itself be valid where it lands (structuraldefaulting.validate).
      for (const cause of validateValue(s, s.default, objectPath)) {
        causes.push({ field: `${at}.default`, reason: "FieldValueInvalid", message: `Invalid value: ${goValue(s.default)}: ${cause.field ? `${cause.field}: ` : ""}${cause.message}` });
      }
    }
  }
  return causes;
}
