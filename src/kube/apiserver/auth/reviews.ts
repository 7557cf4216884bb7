/**
 * The create-only review resources, answered from the authorizer and authenticators and never
 * stored: authorization.k8s.io/v1 SubjectAccessReview, SelfSubjectAccessReview,
 * LocalSubjectAccessReview, SelfSubjectRulesReview; authentication.k8s.io/v1 TokenReview and
 * SelfSubjectReview (pkg/registry/authorization/*, pkg/registry/authentication/*).
 */
import type { FieldCause } from "../../api/descriptor.js";
import type { KubeObject, UserInfo } from "../../api/types.js";
import type { Clock } from "../../../shared/clock.js";
import { goQuote } from "../../../shared/go-format.js";
import { kubeTime } from "../registry/resource-store.js";
import { errors } from "../status.js";
import type { AuthorizationAttributes, Authorizer, RuleResolver } from "./authorizer.js";
import type { TokenAuthenticator } from "./authenticator.js";
import type { PolicyRule } from "./rbac-rules.js";

/** A create the handler answers without storing anything. */
export interface VirtualCreateRequest {
  object: KubeObject;
  user: UserInfo;
  namespace?: string;
  /** The parent object's name, for a subresource (serviceaccounts/<name>/token). */
  name?: string;
  dryRun: boolean;
}

export type VirtualCreate = (request: VirtualCreateRequest) => Promise<KubeObject> | KubeObject;

export interface ReviewDeps {
  authorizer: Authorizer;
  rules: RuleResolver;
  tokens: TokenAuthenticator;
  apiAudiences: string[];
  clock: Clock;
}

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const present = (v: unknown) => v !== undefined && v !== null;

const AUTHORIZATION = "authorization.k8s.io";
const AUTHENTICATION = "authentication.k8s.io";

/** The body must be of the kind the URL names (the decoder's own check). */
function requireKind(object: KubeObject, kind: string, group: string): void {
  if (object.kind !== undefined && object.kind !== kind) {
    throw errors.badRequest(`${String(object.kind)} in version "v1" cannot be handled as a ${kind}: no kind "${String(object.kind)}" is registered for version "${group}/v1"`);
  }
  if (object.apiVersion !== undefined && object.apiVersion !== `${group}/v1`) {
    throw errors.badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${group}/v1)`);
  }
}

const invalidCause = (field: string, shown: string, detail: string): FieldCause => ({ field, reason: "FieldValueInvalid", message: `Invalid value: ${shown}: ${detail}` });

function rejectInvalid(kind: string, causes: FieldCause[]): void {
  if (causes.length > 0) throw errors.invalid({ resource: "", group: AUTHORIZATION, kind }, "", causes);
}

/** ValidateSelfSubjectAccessReviewSpec (and the first checks of the SubjectAccessReview one). */
function specCauses(spec: J): FieldCause[] {
  const causes: FieldCause[] = [];
  if (present(spec.resourceAttributes) && present(spec.nonResourceAttributes)) {
    causes.push(invalidCause("spec.nonResourceAttributes", JSON.stringify(spec.nonResourceAttributes), "cannot be specified in combination with resourceAttributes"));
  }
  if (!present(spec.resourceAttributes) && !present(spec.nonResourceAttributes)) {
    causes.push(invalidCause("spec.resourceAttributes", '"null"', "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
  }
  return causes;
}

/** authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom. */
function attributesFrom(user: UserInfo, spec: J): AuthorizationAttributes {
  if (present(spec.resourceAttributes)) {
    const r = rec(spec.resourceAttributes);
    const fieldSelector = rec(r.fieldSelector);
    return {
      user,
      verb: str(r.verb),
      group: str(r.group),
      version: str(r.version),
      resource: str(r.resource),
      ...(str(r.subresource) ? { subresource: str(r.subresource) } : {}),
      ...(str(r.namespace) ? { namespace: str(r.namespace) } : {}),
      ...(str(r.name) ? { name: str(r.name) } : {}),
      ...(str(fieldSelector.rawSelector) ? { fieldSelector: str(fieldSelector.rawSelector) } : {}),
    };
  }
  const n = rec(spec.nonResourceAttributes);
  return { user, verb: str(n.verb), group: "", version: "", resource: "", nonResourcePath: str(n.path) };
}

async function reviewStatus(authorizer: Authorizer, attrs: AuthorizationAttributes): Promise<J> {
  const decision = await authorizer.authorize(attrs);
  return {
    allowed: decision.allowed,
    ...(decision.denied ? { denied: true } : {}),
    ...(decision.reason ? { reason: decision.reason } : {}),
    ...(decision.evaluationError ? { evaluationError: decision.evaluationError } : {}),
  };
}

const answer = (object: KubeObject, kind: string, group: string, status: J, metadata?: J): KubeObject => ({
  ...object,
  kind,
  apiVersion: `${group}/v1`,
  metadata: metadata ?? rec(object.metadata),
  status,
});

/** The user a SubjectAccessReview names (spec.user, groups, extra, uid). */
function specUser(spec: J): UserInfo {
  const extra = rec(spec.extra);
  return {
    username: str(spec.user),
    groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [],
    ...(str(spec.uid) ? { uid: str(spec.uid) } : {}),
    ...(Object.keys(extra).length ? { extra: Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : []])) } : {}),
  };
}

const metadataIsEmpty = (meta: J, allowNamespace: boolean) =>
  Object.entries(meta).every(([k, v]) => v === null || v === undefined || k === "managedFields" || (k === "creationTimestamp" && v === null) || (allowNamespace && k === "namespace"));

function subjectAccessReview(deps: ReviewDeps): VirtualCreate {
  return async ({ object }) => {
    requireKind(object, "SubjectAccessReview", AUTHORIZATION);
    const spec = rec(object.spec);
    const causes = specCauses(spec);
    if (!str(spec.user) && !(Array.isArray(spec.groups) && spec.groups.length > 0)) {
      causes.push(invalidCause("spec.user", goQuote(str(spec.user)), "at least one of user or group must be specified"));
    }
    if (!metadataIsEmpty(rec(object.metadata), false)) causes.push(invalidCause("metadata", JSON.stringify(object.metadata), "must be empty"));
    rejectInvalid("SubjectAccessReview", causes);
    return answer(object, "SubjectAccessReview", AUTHORIZATION, await reviewStatus(deps.authorizer, attributesFrom(specUser(spec), spec)));
  };
}

function localSubjectAccessReview(deps: ReviewDeps): VirtualCreate {
  return async ({ object, namespace }) => {
    requireKind(object, "LocalSubjectAccessReview", AUTHORIZATION);
    const spec = rec(object.spec);
    const meta = rec(object.metadata);
    const causes = specCauses(spec);
    if (!str(spec.user) && !(Array.isArray(spec.groups) && spec.groups.length > 0)) {
      causes.push(invalidCause("spec.user", goQuote(str(spec.user)), "at least one of user or group must be specified"));
    }
    if (!metadataIsEmpty(meta, true)) causes.push(invalidCause("metadata", JSON.stringify(meta), "must be empty except for namespace"));
    const resourceNamespace = str(rec(spec.resourceAttributes).namespace);
    if (present(spec.resourceAttributes) && resourceNamespace !== (str(meta.namespace) || namespace)) {
      causes.push(invalidCause("spec.resourceAttributes.namespace", goQuote(resourceNamespace), "must match metadata.namespace"));
    }
    if (present(spec.nonResourceAttributes)) causes.push(invalidCause("spec.nonResourceAttributes", JSON.stringify(spec.nonResourceAttributes), "disallowed on this kind of request"));
    rejectInvalid("LocalSubjectAccessReview", causes);
    if (resourceNamespace !== namespace) throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace ?? ""}`);
    return answer(object, "LocalSubjectAccessReview", AUTHORIZATION, await reviewStatus(deps.authorizer, attributesFrom(specUser(spec), spec)));
  };
}

function selfSubjectAccessReview(deps: ReviewDeps): VirtualCreate {
  return async ({ object, user }) => {
    requireKind(object, "SelfSubjectAccessReview", AUTHORIZATION);
    const spec = rec(object.spec);
    rejectInvalid("SelfSubjectAccessReview", specCauses(spec));
    return answer(object, "SelfSubjectAccessReview", AUTHORIZATION, await reviewStatus(deps.authorizer, attributesFrom(user, spec)));
  };
}

/** authorizer.ResourceRuleInfo as authorization/v1 ResourceRule / NonResourceRule (empty lists omitted). */
const resourceRule = (r: PolicyRule): J => ({
  verbs: r.verbs,
  ...((r.apiGroups ?? []).length ? { apiGroups: r.apiGroups } : {}),
  ...((r.resources ?? []).length ? { resources: r.resources } : {}),
  ...((r.resourceNames ?? []).length ? { resourceNames: r.resourceNames } : {}),
});
const nonResourceRule = (r: PolicyRule): J => ({ verbs: r.verbs, ...((r.nonResourceURLs ?? []).length ? { nonResourceURLs: r.nonResourceURLs } : {}) });

function selfSubjectRulesReview(deps: ReviewDeps): VirtualCreate {
  return async ({ object, user }) => {
    requireKind(object, "SelfSubjectRulesReview", AUTHORIZATION);
    const namespace = str(rec(object.spec).namespace);
    if (!namespace) throw errors.badRequest("no namespace on request");
    const rules = await deps.rules.rulesFor(user, namespace);
    return answer(object, "SelfSubjectRulesReview", AUTHORIZATION, {
      resourceRules: rules.resourceRules.map(resourceRule),
      nonResourceRules: rules.nonResourceRules.map(nonResourceRule),
      incomplete: rules.incomplete,
      ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
    });
  };
}

/** authentication/v1 UserInfo (empty fields omitted). */
const userInfo = (u: UserInfo): J => ({
  ...(u.username ? { username: u.username } : {}),
  ...(u.uid ? { uid: u.uid } : {}),
  ...(u.groups.length ? { groups: u.groups } : {}),
  ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}),
});

function tokenReview(deps: ReviewDeps): VirtualCreate {
  return async ({ object }) => {
    requireKind(object, "TokenReview", AUTHENTICATION);
    const spec = rec(object.spec);
    const token = str(spec.token);
    if (!token) throw errors.badRequest("token is required for TokenReview in authentication");
    const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : deps.apiAudiences;
    const result = await deps.tokens(token, audiences);
    const status: J = { user: {} };
    if (result && "user" in result) {
      // Audience-agnostic authenticators (EKS tokens) answer for the audiences asked about.
      const granted = (result.audiences ?? audiences).filter((a) => audiences.includes(a));
      if (granted.length === 0) throw errors.internal("error validating audiences");
      Object.assign(status, { authenticated: true, user: userInfo(result.user), audiences: granted });
    } else if (result) {
      status.error = result.error;
    }
    return answer(object, "TokenReview", AUTHENTICATION, status);
  };
}

function selfSubjectReview(deps: ReviewDeps): VirtualCreate {
  return ({ object, user }) => {
    requireKind(object, "SelfSubjectReview", AUTHENTICATION);
    return answer(object, "SelfSubjectReview", AUTHENTICATION, { userInfo: userInfo(user) }, { ...rec(object.metadata), creationTimestamp: kubeTime(deps.clock.now()) });
  };
}

/** The review creates, keyed `group/plural` as ApiHandlerOptions.virtualCreates wants them. */
export function reviewCreates(deps: ReviewDeps): Record<string, VirtualCreate> {
  return {
    [`${AUTHORIZATION}/subjectaccessreviews`]: subjectAccessReview(deps),
    [`${AUTHORIZATION}/localsubjectaccessreviews`]: localSubjectAccessReview(deps),
    [`${AUTHORIZATION}/selfsubjectaccessreviews`]: selfSubjectAccessReview(deps),
    [`${AUTHORIZATION}/selfsubjectrulesreviews`]: selfSubjectRulesReview(deps),
    [`${AUTHENTICATION}/tokenreviews`]: tokenReview(deps),
    [`${AUTHENTICATION}/selfsubjectreviews`]: selfSubjectReview(deps),
  };
}

