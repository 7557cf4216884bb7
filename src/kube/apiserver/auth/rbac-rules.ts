/**
 * RBAC's rule arithmetic, as kube-apiserver's rbac authorizer and registry validation define it:
 * whether a PolicyRule allows a request, whether a binding subject is a user, and whether one set
 * of rules covers another (escalation prevention), with upstream's compact rule descriptions.
 */
import { goQuote } from "../../../shared/go-format.js";
import type { UserInfo } from "../../api/types.js";
import type { AuthorizationAttributes } from "./authorizer.js";

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** rbac.authorization.k8s.io/v1 Subject. */
export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

/** rbac.authorization.k8s.io/v1 RoleRef. */
export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export { RBAC_GROUP } from "../../api/rbac-v1.js";
const ALL = "*";

const has = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).includes(value);
const hasAll = (list: readonly string[] | undefined, values: readonly string[] | undefined): boolean => (values ?? []).every((v) => has(list, v));

/** rbacv1helpers.VerbMatches / APIGroupMatches. */
const verbMatches = (rule: PolicyRule, verb: string) => has(rule.verbs, ALL) || has(rule.verbs, verb);
const apiGroupMatches = (rule: PolicyRule, group: string) => has(rule.apiGroups, ALL) || has(rule.apiGroups, group);

/** ResourceMatches: "*", the exact "resource/subresource", or "*\/subresource". */
function resourceMatches(rule: PolicyRule, combined: string, subresource: string | undefined): boolean {
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (!subresource) continue;
    if (r.length === subresource.length + 2 && r.startsWith("*/") && r.endsWith(subresource)) return true;
  }
  return false;
}

const resourceNameMatches = (rule: PolicyRule, name: string | undefined) =>
  (rule.resourceNames ?? []).length === 0 || has(rule.resourceNames, name ?? "");

/** NonResourceURLMatches: "*", the exact path, or a prefix ending in "*". */
function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === ALL || u === path || (u.endsWith("*") && path.startsWith(u.replace(/\*+$/, ""))));
}

/** rbac.RuleAllows: whether one rule allows a request. */
export function ruleAllows(attrs: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (attrs.nonResourcePath !== undefined) return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.nonResourcePath);
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return (
    verbMatches(rule, attrs.verb) &&
    apiGroupMatches(rule, attrs.group) &&
    resourceMatches(rule, combined, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}

/** `system:serviceaccount:<ns>:<name>`. */
export const serviceAccountUsername = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;

/** The namespace and name of a service-account username, or undefined for other users. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return m ? { namespace: m[1] ?? "", name: m[2] ?? "" } : undefined;
}

/**
 * appliesToUser: a User or Group subject by name; a ServiceAccount by its username, its namespace
 * defaulting to the binding's (`bindingNamespace`, empty for ClusterRoleBindings).
 */
export function subjectAppliesTo(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case "User":
      return user.username === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount": {
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== "" && user.username === serviceAccountUsername(namespace, subject.name);
    }
    default:
      return false;
  }
}

/** rbacv1helpers.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}`. */
export function compactString(rule: PolicyRule): string {
  const q = (list: readonly string[]) => `[${list.map(goQuote).join(" ")}]`;
  const parts: string[] = [];
  if ((rule.apiGroups ?? []).length > 0) parts.push(`APIGroups:${q(rule.apiGroups ?? [])}`);
  if ((rule.resources ?? []).length > 0) parts.push(`Resources:${q(rule.resources ?? [])}`);
  if ((rule.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${q(rule.nonResourceURLs ?? [])}`);
  if ((rule.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${q(rule.resourceNames ?? [])}`);
  if (rule.verbs.length > 0) parts.push(`Verbs:${q(rule.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/** validation.BreakdownRule: one rule per group × resource × verb (× name), and per URL × verb. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length > 0) for (const name of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourceCoversAll(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  if (has(owner, ALL) || hasAll(owner, wanted)) return true;
  return (wanted ?? []).every((path) => {
    if (has(owner, path)) return true;
    const slash = path.indexOf("/");
    return slash >= 0 && has(owner, `*/${path.slice(slash + 1)}`);
  });
}

const nonResourceURLCovers = (owner: string, path: string) => owner === path || (owner.endsWith("*") && path.startsWith(owner.replace(/\*+$/, "")));

/** validation.ruleCovers. */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, ALL) || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, ALL) || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = (sub.nonResourceURLs ?? []).every((path) => (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, path)));
  const ownerNames = owner.resourceNames ?? [];
  const names = (sub.resourceNames ?? []).length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, sub.resourceNames);
  return verbs && groups && resources && names && urls;
}

/** validation.Covers: whether `owner` rules grant everything `wanted` does, and the atomic rules they miss. */
export function covers(owner: readonly PolicyRule[], wanted: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of wanted) {
    for (const sub of breakdownRule(rule)) if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
  }
  return { covered: missing.length === 0, missing };
}

/**
 * CompactRules: simple rules (one group, one resource, at most one name, no URLs) that differ only
 * in verbs are merged, in first-seen order after the complex ones.
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const complex: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const names = rule.resourceNames ?? [];
    const isSimple =
      names.length <= 1 && (rule.nonResourceURLs ?? []).length === 0 && (rule.apiGroups ?? []).length === 1 && (rule.resources ?? []).length === 1;
    if (!isSimple) {
      complex.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups, rule.resources, names]);
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...rule.verbs];
    else simple.set(key, structuredClone(rule));
  }
  return [...complex, ...simple.values()];
}

/** Whether two rules are the same (the aggregation controller's semantic equality). */
export function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  const norm = (r: PolicyRule) =>
    JSON.stringify([r.verbs, r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);
  return norm(a) === norm(b);
}
