import type { UserInfo } from "../../api/types.js";
import { goQuote } from "../../../shared/go-format.js";
import { StatusError } from "../status.js";
import type { PolicyRule } from "./rbac-rules.js";

/**
 * What a request asks to do (kube-apiserver's authorizer.Attributes). A non-resource request
 * (/version, /api, /healthz …) sets `nonResourcePath`; its resource fields are empty.
 */
export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  nonResourcePath?: string;
  /** The raw fieldSelector of a list or watch (the Node authorizer scopes kubelets' pod reads by it). */
  fieldSelector?: string;
}

/**
 * An authorizer's answer. `allowed` false with `denied` false is "no opinion" (the next authorizer
 * decides); `reason` and `evaluationError` are what SubjectAccessReviews report.
 */
export interface Decision {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Promise<Decision> | Decision;
}

/** The rules a user has in a namespace (SelfSubjectRulesReview, escalation checks). */
export interface SubjectRules {
  resourceRules: PolicyRule[];
  nonResourceRules: PolicyRule[];
  incomplete: boolean;
  evaluationError?: string;
}

export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): SubjectRules | Promise<SubjectRules>;
}

/** The group kube-apiserver lets do anything (what EKS maps the cluster creator into). */
export const SYSTEM_MASTERS = "system:masters";
export const SYSTEM_AUTHENTICATED = "system:authenticated";
export const SYSTEM_UNAUTHENTICATED = "system:unauthenticated";
export const ANONYMOUS_USER = "system:anonymous";

/**
 * The authorization used before RBAC is wired (and by unit tests of the handler): members of
 * system:masters may do anything, everyone else nothing.
 */
export const mastersOnlyAuthorizer: Authorizer = {
  authorize: ({ user }) => (user.groups.includes(SYSTEM_MASTERS) ? { allowed: true } : { allowed: false }),
};

/** authorizerfactory.NewPrivilegedGroups: members of these groups are allowed everything, with no reason. */
export function privilegedGroupsAuthorizer(...groups: string[]): Authorizer {
  return { authorize: ({ user }) => (user.groups.some((g) => groups.includes(g)) ? { allowed: true } : { allowed: false }) };
}

/**
 * union.New: the first authorizer that allows or denies decides; otherwise "no opinion" with the
 * reasons of all of them joined by newlines (as kube-apiserver reports them).
 */
export function unionAuthorizer(...authorizers: Authorizer[]): Authorizer {
  return {
    async authorize(attributes) {
      const reasons: string[] = [];
      const evaluationErrors: string[] = [];
      for (const authorizer of authorizers) {
        const decision = await authorizer.authorize(attributes);
        if (decision.allowed || decision.denied) return decision;
        if (decision.reason) reasons.push(decision.reason);
        if (decision.evaluationError) evaluationErrors.push(decision.evaluationError);
      }
      return {
        allowed: false,
        ...(reasons.length ? { reason: reasons.join("\n") } : {}),
        ...(evaluationErrors.length ? { evaluationError: aggregateErrors(evaluationErrors) } : {}),
      };
    },
  };
}

/** union rule resolvers: rules of all, incomplete if any is, errors aggregated. */
export function unionRuleResolver(...resolvers: RuleResolver[]): RuleResolver {
  return {
    async rulesFor(user, namespace) {
      const out: SubjectRules = { resourceRules: [], nonResourceRules: [], incomplete: false };
      const evaluationErrors: string[] = [];
      for (const resolver of resolvers) {
        const rules = await resolver.rulesFor(user, namespace);
        out.resourceRules.push(...rules.resourceRules);
        out.nonResourceRules.push(...rules.nonResourceRules);
        out.incomplete ||= rules.incomplete;
        if (rules.evaluationError) evaluationErrors.push(rules.evaluationError);
      }
      if (evaluationErrors.length) out.evaluationError = aggregateErrors(evaluationErrors);
      return out;
    },
  };
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated inside brackets. */
export function aggregateErrors(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (messages.length === 1 || unique.length === 1) return unique[0] ?? "";
  return `[${unique.join(", ")}]`;
}

/**
 * responsewriters.ForbiddenStatusError: `pods is forbidden: User "alice" cannot list resource "pods"
 * in API group "" in the namespace "default"`, `forbidden: User "x" cannot get path "/api"`, with
 * the authorizer's reason after a colon when it gave one.
 */
export function forbiddenError(attrs: AuthorizationAttributes, reason?: string): StatusError {
  const user = attrs.user.username;
  let message: string;
  if (attrs.nonResourcePath !== undefined) {
    message = `User ${goQuote(user)} cannot ${attrs.verb} path ${goQuote(attrs.nonResourcePath)}`;
  } else {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    const where = attrs.namespace ? `in the namespace ${goQuote(attrs.namespace)}` : "at the cluster scope";
    message = `User ${goQuote(user)} cannot ${attrs.verb} resource ${goQuote(resource)} in API group ${goQuote(attrs.group)} ${where}`;
  }
  if (reason) message += `: ${reason}`;
  const resource = attrs.nonResourcePath !== undefined ? "" : attrs.resource;
  const group = attrs.nonResourcePath !== undefined ? "" : attrs.group;
  const qualified = group ? `${resource}.${group}` : resource;
  const name = attrs.nonResourcePath !== undefined ? undefined : attrs.name;
  const subject = !qualified ? "forbidden" : name ? `${qualified} ${goQuote(name)} is forbidden` : `${qualified} is forbidden`;
  // apierrors.NewForbidden: details name the group and resource (omitted when empty).
  const details = { ...(name ? { name } : {}), ...(group ? { group } : {}), ...(resource ? { kind: resource } : {}) };
  return new StatusError(403, "Forbidden", `${subject}: ${message}`, details);
}
