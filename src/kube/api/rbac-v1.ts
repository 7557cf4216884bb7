/**
 * rbac.authorization.k8s.io/v1: Role, ClusterRole (with aggregationRule), RoleBinding,
 * ClusterRoleBinding. Facts from kube-apiserver 1.34: defaulting (pkg/apis/rbac/v1/defaults.go),
 * validation with its messages (pkg/apis/rbac/validation), printer columns (printers.go: bindings;
 * roles have none, so they print the default Name/Created At table).
 */
import type { FieldCause, ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { age } from "./human-duration.js";
import { ALL_VERBS, ageCol, col, nameCol } from "./core-v1.js";
import { GoLiteral, invalid, notSupported, required } from "./field-errors.js";
import { validateDnsSubdomain } from "./names.js";
import { goQuote } from "../../shared/go-format.js";
import { labelSelectorFromObject, SelectorParseError, type LabelSelectorObject } from "../apiserver/selectors.js";

export const RBAC_GROUP = "rbac.authorization.k8s.io";

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strs = (v: unknown): string[] => list(v).map((s) => (typeof s === "string" ? s : String(s)));
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Go's %#v of a []string: `[]string{"a", "b"}`. */
const goStrings = (v: unknown) => new GoLiteral(`[]string{${strs(v).map(goQuote).join(", ")}}`);

/** ValidateRBACName (path.IsValidPathSegmentName): RBAC names may hold ':' but not '/' or '%'. */
export function rbacNameErrors(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  return ["/", "%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

export const validateRbacName = (name: string, field: string): FieldCause[] => rbacNameErrors(name).map((e) => invalid(field, name, e));

/** ValidatePolicyRule. */
function validatePolicyRule(rule: J, namespaced: boolean, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (strs(rule.verbs).length === 0) causes.push(required(`${path}.verbs`, "verbs must contain at least one value"));
  if (strs(rule.nonResourceURLs).length > 0) {
    if (namespaced) causes.push(invalid(`${path}.nonResourceURLs`, goStrings(rule.nonResourceURLs), "namespaced rules cannot apply to non-resource URLs"));
    if (strs(rule.apiGroups).length > 0 || strs(rule.resources).length > 0 || strs(rule.resourceNames).length > 0) {
      causes.push(invalid(`${path}.nonResourceURLs`, goStrings(rule.nonResourceURLs), "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return causes;
  }
  if (strs(rule.apiGroups).length === 0) causes.push(required(`${path}.apiGroups`, "resource rules must supply at least one api group"));
  if (strs(rule.resources).length === 0) causes.push(required(`${path}.resources`, "resource rules must supply at least one resource"));
  return causes;
}

const validateRules = (obj: StoredObject, namespaced: boolean): FieldCause[] =>
  list(obj.rules).flatMap((r, i) => validatePolicyRule(rec(r), namespaced, `rules[${i}]`));

function validateAggregationRule(obj: StoredObject): FieldCause[] {
  if (obj.aggregationRule === undefined || obj.aggregationRule === null) return [];
  const selectors = list(rec(obj.aggregationRule).clusterRoleSelectors);
  if (selectors.length === 0) return [required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil")];
  return selectors.flatMap((s, i) => {
    try {
      labelSelectorFromObject(rec(s) as LabelSelectorObject);
      return [];
    } catch (error) {
      if (!(error instanceof SelectorParseError)) throw error;
      return [invalid(`aggregationRule.clusterRoleSelectors[${i}]`, new GoLiteral(JSON.stringify(s)), error.message)];
    }
  });
}

/** ValidateRoleBindingSubject; ClusterRoleBindings need a namespace on ServiceAccount subjects. */
function validateSubject(subject: J, namespaced: boolean, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const name = str(subject.name);
  const kind = str(subject.kind);
  const apiGroup = str(subject.apiGroup);
  if (!name) causes.push(required(`${path}.name`));
  switch (kind) {
    case "ServiceAccount":
      if (name) causes.push(...validateDnsSubdomain(name, `${path}.name`));
      if (apiGroup) causes.push(notSupported(`${path}.apiGroup`, apiGroup, [""]));
      if (!namespaced && !str(subject.namespace)) causes.push(required(`${path}.namespace`));
      break;
    case "User":
    case "Group":
      if (apiGroup !== RBAC_GROUP) causes.push(notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      causes.push(notSupported(`${path}.kind`, kind, ["ServiceAccount", "User", "Group"]));
  }
  return causes;
}

function validateBinding(obj: StoredObject, namespaced: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  const ref = rec(obj.roleRef);
  const apiGroup = str(ref.apiGroup);
  const kind = str(ref.kind);
  const name = str(ref.name);
  if (apiGroup !== RBAC_GROUP) causes.push(notSupported("roleRef.apiGroup", apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!kinds.includes(kind)) causes.push(notSupported("roleRef.kind", kind, kinds));
  if (!name) causes.push(required("roleRef.name"));
  else causes.push(...validateRbacName(name, "roleRef.name"));
  list(obj.subjects).forEach((s, i) => causes.push(...validateSubject(rec(s), namespaced, `subjects[${i}]`)));
  return causes;
}

/** The roleRef as Go's %#v prints the internal type, for the immutability error. */
const goRoleRef = (ref: J) =>
  new GoLiteral(`rbac.RoleRef{APIGroup:${goQuote(str(ref.apiGroup))}, Kind:${goQuote(str(ref.kind))}, Name:${goQuote(str(ref.name))}}`);

function validateBindingUpdate(obj: StoredObject, old: StoredObject): FieldCause[] {
  const a = rec(obj.roleRef);
  const b = rec(old.roleRef);
  const same = str(a.apiGroup) === str(b.apiGroup) && str(a.kind) === str(b.kind) && str(a.name) === str(b.name);
  return same ? [] : [invalid("roleRef", goRoleRef(a), "cannot change roleRef")];
}

/** SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject. */
function defaultBinding(obj: StoredObject): void {
  const ref = obj.roleRef;
  if (ref !== null && typeof ref === "object" && !Array.isArray(ref) && !str((ref as J).apiGroup)) (ref as J).apiGroup = RBAC_GROUP;
  for (const s of list(obj.subjects)) {
    if (s === null || typeof s !== "object") continue;
    const subject = s as J;
    if (!str(subject.apiGroup) && (subject.kind === "User" || subject.kind === "Group")) subject.apiGroup = RBAC_GROUP;
  }
}

/** The default table: Name and Created At (RFC 3339), as for kinds without a printer. */
const createdAtCol = col("Created At", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", 0, "date");
const roleCells = (o: StoredObject): unknown[] => [o.metadata.name ?? "", o.metadata.creationTimestamp ?? ""];

const ROLE_REF_DOC =
  "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.";

/** rbac.SubjectsStrings: users, groups and service accounts (`ns/name`) of a binding. */
function subjectsStrings(o: StoredObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of list(o.subjects).map(rec)) {
    if (s.kind === "User") users.push(str(s.name));
    else if (s.kind === "Group") groups.push(str(s.name));
    else if (s.kind === "ServiceAccount") sas.push(str(s.namespace) ? `${str(s.namespace)}/${str(s.name)}` : str(s.name));
  }
  return [users.join(", "), groups.join(", "), sas.join(", ")];
}

/** printers.go printRoleBinding / printClusterRoleBinding (wide: users, groups, service accounts). */
function bindingCells(o: StoredObject, now: Date): unknown[] {
  const ref = rec(o.roleRef);
  return [o.metadata.name ?? "", `${str(ref.kind)}/${str(ref.name)}`, age(o.metadata.creationTimestamp, now), ...subjectsStrings(o)];
}

const bindingColumns = [
  nameCol(),
  col("Role", ROLE_REF_DOC),
  ageCol(),
  col("Users", "Users in the roleBinding", 1),
  col("Groups", "Groups in the roleBinding", 1),
  col("ServiceAccounts", "ServiceAccounts in the roleBinding", 1),
];

const rbac = (d: Pick<ResourceDescriptor, "kind" | "plural" | "singular" | "namespaced" | "topLevelFields" | "columns" | "cells" | "strategy">): ResourceDescriptor => ({
  group: RBAC_GROUP,
  version: "v1",
  verbs: [...ALL_VERBS],
  shortNames: [],
  categories: [],
  subresources: [],
  hasSpec: false,
  nameIsDnsLabel: false,
  validateName: validateRbacName,
  fieldSelectors: {},
  ...d,
});

/** rbac.authorization.k8s.io/v1 resource descriptors. */
export const RBAC_V1: ResourceDescriptor[] = [
  rbac({
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    singular: "clusterrolebinding",
    namespaced: false,
    topLevelFields: ["subjects", "roleRef"],
    columns: bindingColumns,
    cells: bindingCells,
    strategy: {
      prepareForCreate: defaultBinding,
      prepareForUpdate: (obj) => defaultBinding(obj),
      validate: (obj) => validateBinding(obj, false),
      validateUpdate: validateBindingUpdate,
    },
  }),
  rbac({
    kind: "ClusterRole",
    plural: "clusterroles",
    singular: "clusterrole",
    namespaced: false,
    topLevelFields: ["rules", "aggregationRule"],
    columns: [nameCol(), createdAtCol],
    cells: roleCells,
    strategy: { validate: (obj) => [...validateRules(obj, false), ...validateAggregationRule(obj)] },
  }),
  rbac({
    kind: "RoleBinding",
    plural: "rolebindings",
    singular: "rolebinding",
    namespaced: true,
    topLevelFields: ["subjects", "roleRef"],
    columns: bindingColumns,
    cells: bindingCells,
    strategy: {
      prepareForCreate: defaultBinding,
      prepareForUpdate: (obj) => defaultBinding(obj),
      validate: (obj) => validateBinding(obj, true),
      validateUpdate: validateBindingUpdate,
    },
  }),
  rbac({
    kind: "Role",
    plural: "roles",
    singular: "role",
    namespaced: true,
    topLevelFields: ["rules"],
    columns: [nameCol(), createdAtCol],
    cells: roleCells,
    strategy: { validate: (obj) => validateRules(obj, true) },
  }),
];
