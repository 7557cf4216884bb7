/**
 * admissionregistration.k8s.io/v1: mutating and validating webhook configurations,
 * ValidatingAdmissionPolicy and its bindings, with v1 defaults and the checks of
 * pkg/apis/admissionregistration/validation.
 *
 * The webhook configurations are called by the admission chain (apiserver/admission/webhook/).
 * minieks has no CEL evaluator: a webhook with matchConditions is refused on write (rather than
 * stored and silently treated as matching), and admission policies are stored and validated
 * only, their CEL neither evaluated nor type-checked into status.typeChecking.
 */
import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { duplicate, forbidden, GoLiteral, invalid, notSupported, required } from "./field-errors.js";
import { ageOf, child, int, isSet, nameOf, rec, recs, str, strs, type J } from "./object-fields.js";
import { labelSelectorErrors } from "./networking-v1-lifecycle.js";
import { validateDnsSubdomain } from "./names.js";
import { selectorString } from "./workload-printing.js";

const FAILURE_POLICIES = ["Fail", "Ignore"];
const MATCH_POLICIES = ["Equivalent", "Exact"];
const SIDE_EFFECTS = ["None", "NoneOnDryRun"];
const REINVOCATION_POLICIES = ["IfNeeded", "Never"];
const REVIEW_VERSIONS = ["v1", "v1beta1"];
const VALIDATION_ACTIONS = ["Audit", "Deny", "Warn"];
const OPERATIONS = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
const SCOPES = ["*", "Cluster", "Namespaced"];

/** Why a webhook's matchConditions are refused: minieks cannot evaluate CEL, and must not ignore them. */
export const MATCH_CONDITIONS_UNSUPPORTED = "matchConditions (CEL) are not supported by minieks";

// --- defaults ----------------------------------------------------------------------------

function defaultRules(rules: unknown): void {
  for (const r of recs(rules)) r.scope ??= "*";
}

function defaultWebhooks(o: StoredObject, mutating: boolean): void {
  for (const hook of recs(o.webhooks)) {
    hook.failurePolicy ??= "Fail";
    hook.matchPolicy ??= "Equivalent";
    hook.namespaceSelector ??= {};
    hook.objectSelector ??= {};
    hook.timeoutSeconds ??= 10;
    if (mutating) hook.reinvocationPolicy ??= "Never";
    defaultRules(hook.rules);
    const service = rec(rec(hook.clientConfig).service);
    if (isSet(rec(hook.clientConfig).service)) service.port ??= 443;
  }
}

function defaultMatchResources(m: J): void {
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  m.matchPolicy ??= "Equivalent";
  defaultRules(m.resourceRules);
  defaultRules(m.excludeResourceRules);
}

// --- validation --------------------------------------------------------------------------

/** utilvalidation.IsFullyQualifiedName. */
function fullyQualifiedNameErrors(name: string, field: string): FieldCause[] {
  if (!name) return [required(field)];
  const causes = validateDnsSubdomain(name, field);
  if (name.split(".").length < 3) causes.push(invalid(field, name, "should be a domain with at least three segments separated by dots"));
  return causes;
}

function validateRules(rules: unknown, at: string, withOperations: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  recs(rules).forEach((r, i) => {
    const p = `${at}[${i}]`;
    if (withOperations) {
      const ops = strs(r.operations);
      if (ops.length === 0) causes.push(required(`${p}.operations`));
      ops.forEach((op, j) => {
        if (!OPERATIONS.includes(op)) causes.push(notSupported(`${p}.operations[${j}]`, op, OPERATIONS));
      });
    }
    for (const f of ["apiGroups", "apiVersions", "resources"]) if (strs(r[f]).length === 0) causes.push(required(`${p}.${f}`));
    if (isSet(r.scope) && !SCOPES.includes(str(r.scope))) causes.push(notSupported(`${p}.scope`, str(r.scope), SCOPES));
  });
  return causes;
}

function validateClientConfig(cc: J, at: string): FieldCause[] {
  const hasUrl = isSet(cc.url);
  const hasService = isSet(cc.service);
  if (hasUrl === hasService) return [required(at, "exactly one of url or service is required")];
  if (hasUrl) {
    const url = str(cc.url);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      return [invalid(`${at}.url`, url, "host must be specified")];
    }
    if (parsed.protocol !== "https:") return [invalid(`${at}.url`, url, "'https' is the only allowed URL scheme")];
    if (parsed.search || parsed.hash) return [invalid(`${at}.url`, url, "query parameters are not allowed")];
    return [];
  }
  const service = rec(cc.service);
  const causes: FieldCause[] = [];
  if (!str(service.name)) causes.push(required(`${at}.service.name`, "service name is required"));
  if (!str(service.namespace)) causes.push(required(`${at}.service.namespace`, "service namespace is required"));
  if (isSet(service.port) && (int(service.port) < 1 || int(service.port) > 65535)) {
    causes.push(invalid(`${at}.service.port`, int(service.port), "port is not valid: must be between 1 and 65535, inclusive"));
  }
  if (isSet(service.path) && !str(service.path).startsWith("/")) causes.push(invalid(`${at}.service.path`, str(service.path), "must start with a '/'"));
  return causes;
}

function validateWebhooks(o: StoredObject, mutating: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  recs(o.webhooks).forEach((hook, i) => {
    const at = `webhooks[${i}]`;
    const name = str(hook.name);
    causes.push(...fullyQualifiedNameErrors(name, `${at}.name`));
    if (name && names.has(name)) causes.push(duplicate(`${at}.name`, name));
    names.add(name);
    causes.push(...validateRules(hook.rules, `${at}.rules`, true));
    if (isSet(hook.failurePolicy) && !FAILURE_POLICIES.includes(str(hook.failurePolicy))) causes.push(notSupported(`${at}.failurePolicy`, str(hook.failurePolicy), FAILURE_POLICIES));
    if (isSet(hook.matchPolicy) && !MATCH_POLICIES.includes(str(hook.matchPolicy))) causes.push(notSupported(`${at}.matchPolicy`, str(hook.matchPolicy), MATCH_POLICIES));
    if (!isSet(hook.sideEffects)) causes.push(required(`${at}.sideEffects`, `must specify one of ${SIDE_EFFECTS.join(", ")}`));
    else if (!SIDE_EFFECTS.includes(str(hook.sideEffects))) causes.push(notSupported(`${at}.sideEffects`, str(hook.sideEffects), SIDE_EFFECTS));
    if (isSet(hook.timeoutSeconds) && (int(hook.timeoutSeconds) < 1 || int(hook.timeoutSeconds) > 30)) {
      causes.push(invalid(`${at}.timeoutSeconds`, int(hook.timeoutSeconds), "the timeout value must be between 1 and 30 seconds"));
    }
    causes.push(...labelSelectorErrors(hook.namespaceSelector, `${at}.namespaceSelector`), ...labelSelectorErrors(hook.objectSelector, `${at}.objectSelector`));
    const versions = strs(hook.admissionReviewVersions);
    if (versions.length === 0) causes.push(required(`${at}.admissionReviewVersions`, `must specify one of ${REVIEW_VERSIONS.join(", ")}`));
    else if (!versions.some((v) => REVIEW_VERSIONS.includes(v))) {
      causes.push(invalid(`${at}.admissionReviewVersions`, new GoLiteral(`[]string{${versions.map((v) => JSON.stringify(v)).join(", ")}}`), `must include at least one of ${REVIEW_VERSIONS.join(", ")}`));
    }
    if (mutating && isSet(hook.reinvocationPolicy) && !REINVOCATION_POLICIES.includes(str(hook.reinvocationPolicy))) {
      causes.push(notSupported(`${at}.reinvocationPolicy`, str(hook.reinvocationPolicy), REINVOCATION_POLICIES));
    }
    causes.push(...validateClientConfig(rec(hook.clientConfig), `${at}.clientConfig`));
    if (recs(hook.matchConditions).length > 0) causes.push(forbidden(`${at}.matchConditions`, MATCH_CONDITIONS_UNSUPPORTED));
  });
  return causes;
}

function validatePolicy(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const causes: FieldCause[] = [];
  if (isSet(spec.failurePolicy) && !FAILURE_POLICIES.includes(str(spec.failurePolicy))) causes.push(notSupported("spec.failurePolicy", str(spec.failurePolicy), FAILURE_POLICIES));
  if (isSet(spec.paramKind)) {
    const pk = rec(spec.paramKind);
    if (!str(pk.apiVersion)) causes.push(required("spec.paramKind.apiVersion"));
    if (!str(pk.kind)) causes.push(required("spec.paramKind.kind"));
  }
  if (!isSet(spec.matchConstraints)) causes.push(required("spec.matchConstraints"));
  else {
    const m = rec(spec.matchConstraints);
    if (recs(m.resourceRules).length === 0) causes.push(required("spec.matchConstraints.resourceRules"));
    causes.push(...validateRules(m.resourceRules, "spec.matchConstraints.resourceRules", true));
    causes.push(...validateRules(m.excludeResourceRules, "spec.matchConstraints.excludeResourceRules", true));
  }
  const validations = recs(spec.validations);
  if (validations.length === 0 && recs(spec.auditAnnotations).length === 0) {
    causes.push(required("spec.validations", "validations or auditAnnotations must contain at least one item"));
  }
  validations.forEach((v, i) => {
    if (!str(v.expression).trim()) causes.push(required(`spec.validations[${i}].expression`, "expression is not specified"));
  });
  recs(spec.auditAnnotations).forEach((a, i) => {
    if (!str(a.key)) causes.push(required(`spec.auditAnnotations[${i}].key`));
    if (!str(a.valueExpression).trim()) causes.push(required(`spec.auditAnnotations[${i}].valueExpression`, "valueExpression is not specified"));
  });
  return causes;
}

function validateBinding(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const causes: FieldCause[] = [];
  if (!str(spec.policyName)) causes.push(required("spec.policyName"));
  const actions = strs(spec.validationActions);
  if (actions.length === 0) causes.push(required("spec.validationActions", "at least one validation action is required"));
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    if (!VALIDATION_ACTIONS.includes(a)) causes.push(notSupported(`spec.validationActions[${i}]`, a, VALIDATION_ACTIONS));
    if (seen.has(a)) causes.push(duplicate(`spec.validationActions[${i}]`, a));
    seen.add(a);
  });
  if (seen.has("Deny") && seen.has("Warn")) {
    causes.push(invalid("spec.validationActions", new GoLiteral(`[]admissionregistration.ValidationAction{${actions.map((a) => JSON.stringify(a)).join(", ")}}`), "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"));
  }
  if (isSet(spec.paramRef)) {
    const ref = rec(spec.paramRef);
    if (isSet(ref.name) && isSet(ref.selector)) causes.push(invalid("spec.paramRef.name", str(ref.name), "name and selector are mutually exclusive"));
    if (!isSet(ref.name) && !isSet(ref.selector)) causes.push(required("spec.paramRef", "one of name or selector must be specified"));
    if (!isSet(ref.parameterNotFoundAction)) causes.push(required("spec.paramRef.parameterNotFoundAction"));
    else if (!["Allow", "Deny"].includes(str(ref.parameterNotFoundAction))) causes.push(notSupported("spec.paramRef.parameterNotFoundAction", str(ref.parameterNotFoundAction), ["Allow", "Deny"]));
  }
  return causes;
}

// --- strategies and printing -------------------------------------------------------------

const webhookStrategy = (mutating: boolean): Strategy => ({
  prepareForCreate: (o) => defaultWebhooks(o, mutating),
  prepareForUpdate: (o) => defaultWebhooks(o, mutating),
  validate: (o) => validateWebhooks(o, mutating),
});

const policyStrategy: Strategy = {
  prepareForCreate(o) {
    const spec = child(o, "spec");
    spec.failurePolicy ??= "Fail";
    if (isSet(spec.matchConstraints)) defaultMatchResources(rec(spec.matchConstraints));
    o.status = {};
  },
  prepareForUpdate(o) {
    const spec = child(o, "spec");
    spec.failurePolicy ??= "Fail";
    if (isSet(spec.matchConstraints)) defaultMatchResources(rec(spec.matchConstraints));
  },
  validate: validatePolicy,
};

const bindingStrategy: Strategy = {
  prepareForCreate(o) {
    const spec = child(o, "spec");
    if (isSet(spec.matchResources)) defaultMatchResources(rec(spec.matchResources));
  },
  prepareForUpdate(o) {
    const spec = child(o, "spec");
    if (isSet(spec.matchResources)) defaultMatchResources(rec(spec.matchResources));
  },
  validate: validateBinding,
};

/** printers.go printValidatingAdmissionPolicyBinding's ParamRef cell. */
function paramRefCell(ref: unknown): string {
  if (!isSet(ref)) return "<unset>";
  const r = rec(ref);
  if (str(r.name)) return str(r.namespace) ? `${str(r.namespace)}/${str(r.name)}` : `*/${str(r.name)}`;
  if (isSet(r.selector)) return selectorString(r.selector) ?? "<unset>";
  return "<unset>";
}

const admission = (
  d: Omit<ResourceDescriptor, "group" | "version" | "verbs" | "categories" | "nameIsDnsLabel" | "fieldSelectors" | "shortNames" | "namespaced">,
): ResourceDescriptor => ({
  group: "admissionregistration.k8s.io",
  version: "v1",
  verbs: [...ALL_VERBS],
  categories: ["api-extensions"],
  shortNames: [],
  namespaced: false,
  nameIsDnsLabel: false,
  fieldSelectors: {},
  ...d,
});

const WEBHOOKS_DOC = "Webhooks indicates the number of webhooks registered in this configuration";

export const ADMISSIONREGISTRATION_V1: ResourceDescriptor[] = [
  admission({
    kind: "MutatingWebhookConfiguration",
    plural: "mutatingwebhookconfigurations",
    singular: "mutatingwebhookconfiguration",
    subresources: [],
    hasSpec: false,
    topLevelFields: ["webhooks"],
    columns: [nameCol(), col("Webhooks", WEBHOOKS_DOC, 0, "integer"), ageCol()],
    cells: (o, now) => [nameOf(o), recs(o.webhooks).length, ageOf(o, now)],
    strategy: webhookStrategy(true),
  }),
  admission({
    kind: "ValidatingAdmissionPolicy",
    plural: "validatingadmissionpolicies",
    singular: "validatingadmissionpolicy",
    subresources: ["status"],
    hasSpec: true,
    topLevelFields: ["spec", "status"],
    columns: [
      nameCol(),
      col("Validations", "Validations indicates the number of validation rules defined in this configuration", 0, "integer"),
      col("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
      ageCol(),
    ],
    cells: (o, now) => {
      const spec = rec(o.spec);
      const pk = rec(spec.paramKind);
      return [nameOf(o), recs(spec.validations).length, isSet(spec.paramKind) ? `${str(pk.apiVersion)}/${str(pk.kind)}` : "<unset>", ageOf(o, now)];
    },
    strategy: policyStrategy,
  }),
  admission({
    kind: "ValidatingAdmissionPolicyBinding",
    plural: "validatingadmissionpolicybindings",
    singular: "validatingadmissionpolicybinding",
    subresources: [],
    hasSpec: true,
    topLevelFields: ["spec"],
    columns: [
      nameCol(),
      col("PolicyName", "PolicyName indicates the policy definition which the policy binding binded to"),
      col("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
      ageCol(),
    ],
    cells: (o, now) => [nameOf(o), str(rec(o.spec).policyName), paramRefCell(rec(o.spec).paramRef), ageOf(o, now)],
    strategy: bindingStrategy,
  }),
  admission({
    kind: "ValidatingWebhookConfiguration",
    plural: "validatingwebhookconfigurations",
    singular: "validatingwebhookconfiguration",
    subresources: [],
    hasSpec: false,
    topLevelFields: ["webhooks"],
    columns: [nameCol(), col("Webhooks", WEBHOOKS_DOC, 0, "integer"), ageCol()],
    cells: (o, now) => [nameOf(o), recs(o.webhooks).length, ageOf(o, now)],
    strategy: webhookStrategy(false),
  }),
];
