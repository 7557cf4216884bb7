/**
 * Which webhooks a request calls (upstream's generic.Webhook.ShouldCallHook with the rules,
 * namespace and object predicates): rules with "*" and "res/sub" forms and scope, matchPolicy
 * Equivalent through the other versions of the same stored resource, namespaceSelector against the
 * namespace's labels, objectSelector against the new or the old object's labels.
 */
import { MATCH_CONDITIONS_UNSUPPORTED } from "../../../api/admissionregistration-v1.js";
import { qualifiedResource, type GroupVersionKind, type ResourceDescriptor } from "../../../api/descriptor.js";
import { matchesLabels } from "../../selectors.js";
import { errors, StatusError } from "../../status.js";
import type { Webhook, WebhookRule } from "./webhook-config.js";
import { isNamespaceResource, type GroupVersionResource, type WebhookRequest } from "./webhook-request.js";


export interface Invocation {
  webhook: Webhook;
  resource: GroupVersionResource;
  subresource: string;
  kind: GroupVersionKind;
  /** The version the webhook is called with: the request's own descriptor, or an equivalent one. */
  descriptor: ResourceDescriptor;
}

export interface Equivalent {
  resource: GroupVersionResource;
  kind: GroupVersionKind;
  descriptor: ResourceDescriptor;
}

const exactOrWildcard = (items: string[], requested: string): boolean => items.some((item) => item === "*" || item === requested);

function scopeMatches(rule: WebhookRule, resource: GroupVersionResource, namespace: string): boolean {
  // A Namespace is cluster-scoped, though its requests carry its own name as their namespace.
  switch (rule.scope) {
    case "*":
      return true;
    case "Namespaced":
      return !isNamespaceResource(resource) && namespace !== "";
    case "Cluster":
      return isNamespaceResource(resource) || namespace === "";
    default:
      return false;
  }
}

function resourceMatches(rule: WebhookRule, resource: string, subresource: string): boolean {
  return rule.resources.some((entry) => {
    const slash = entry.indexOf("/");
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? "" : entry.slice(slash + 1);
    return (res === "*" || res === resource) && (sub === "*" || sub === subresource);
  });
}

/** rules.Matcher.Matches, optionally for an equivalent resource instead of the request's. */
export function ruleMatches(rule: WebhookRule, req: WebhookRequest, resource: GroupVersionResource = req.resource): boolean {
  return (
    scopeMatches(rule, resource, req.namespace) &&
    rule.operations.some((op) => op === "*" || op === req.operation) &&
    exactOrWildcard(rule.apiGroups, resource.group) &&
    exactOrWildcard(rule.apiVersions, resource.version) &&
    resourceMatches(rule, resource.resource, req.subresource)
  );
}

/** The resource a descriptor's objects are stored as: versions sharing it are equivalent. */
const storageIdentity = (d: ResourceDescriptor): string => (d.storage ? `${d.storage.group}/${d.storage.plural}` : `${d.group}/${d.plural}`);

/** The other served versions of the request's resource that have its subresource (EquivalentResourceMapper). */
export function equivalentsOf(descriptors: readonly ResourceDescriptor[], req: WebhookRequest): Equivalent[] {
  const identity = storageIdentity(req.descriptor);
  const out: Equivalent[] = [];
  for (const d of descriptors) {
    if (d === req.descriptor || d.computed || d.virtual || storageIdentity(d) !== identity) continue;
    if (req.subresource && !d.subresources.includes(req.subresource)) continue;
    const subKind = req.subresource ? d.subresourceKinds?.[req.subresource] : undefined;
    // A subresource with a kind of its own keeps the request's (a Binding stays a Binding).
    const kind = subKind ?? (req.kind.kind === req.descriptor.kind ? { group: d.group, version: d.version, kind: d.kind } : req.kind);
    out.push({ resource: { group: d.group, version: d.version, resource: d.plural }, kind, descriptor: d });
  }
  return out;
}

/** The rule match of one webhook: the request's own resource first, then (Equivalent) the equivalents, earlier rules first. */
export function matchRules(webhook: Webhook, req: WebhookRequest, equivalents: () => Equivalent[]): Invocation | undefined {
  for (const rule of webhook.rules) {
    if (ruleMatches(rule, req)) return { webhook, resource: req.resource, subresource: req.subresource, kind: req.kind, descriptor: req.descriptor };
  }
  if (webhook.matchPolicy !== "Equivalent") return undefined;
  const candidates = equivalents();
  if (candidates.length === 0) return undefined;
  for (const rule of webhook.rules) {
    for (const eq of candidates) {
      if (ruleMatches(rule, req, eq.resource)) return { webhook, resource: eq.resource, subresource: req.subresource, kind: eq.kind, descriptor: eq.descriptor };
    }
  }
  return undefined;
}

const labelsOf = (obj: unknown): Record<string, string> | undefined => {
  const meta = (obj as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata;
  return meta?.labels ?? undefined;
};

/** object.Matcher: an empty selector matches all; otherwise the new or the old object must match. */
export function objectSelectorMatches(webhook: Webhook, req: WebhookRequest): boolean {
  const selector = webhook.objectSelector;
  if (!selector.nothing && selector.requirements.length === 0) return true;
  const matches = (obj: unknown) => obj !== undefined && obj !== null && matchesLabels(selector, labelsOf(obj) ?? {});
  return matches(req.object) || matches(req.oldObject);
}

/** A namespace's labels, or a 404 StatusError when it does not exist. */
export type NamespaceLabels = (name: string) => Promise<Record<string, string>>;

/** namespace.Matcher.MatchNamespaceSelector. */
export async function namespaceSelectorMatches(webhook: Webhook, req: WebhookRequest, namespaceLabels: NamespaceLabels): Promise<boolean> {
  // Cluster-scoped objects other than namespaces are never exempted.
  if (req.namespace === "" && !isNamespaceResource(req.resource)) return true;
  const selector = webhook.namespaceSelector;
  if (!selector.nothing && selector.requirements.length === 0) return true;
  let labels: Record<string, string>;
  if (isNamespaceResource(req.resource) && !req.subresource && (req.operation === "CREATE" || req.operation === "UPDATE")) {
    // The namespace being written: its caches do not have this version yet.
    labels = labelsOf(req.object) ?? {};
  } else {
    labels = await namespaceLabels(req.namespace);
  }
  return matchesLabels(selector, labels);
}

/**
 * ShouldCallHook: the invocation, or undefined when the webhook does not apply. Throws the
 * namespace lookup's 404, and for a webhook with matchConditions (which minieks cannot evaluate)
 * fails as an evaluation error does upstream: Forbidden under failurePolicy Fail, skipped under Ignore.
 */
export async function shouldCallHook(
  webhook: Webhook,
  req: WebhookRequest,
  equivalents: () => Equivalent[],
  namespaceLabels: NamespaceLabels,
): Promise<Invocation | undefined> {
  const invocation = matchRules(webhook, req, equivalents);
  if (!invocation) return undefined;
  if (webhook.selectorError) throw errors.internal(webhook.selectorError);
  if (!objectSelectorMatches(webhook, req)) return undefined;
  if (!(await namespaceSelectorMatches(webhook, req, namespaceLabels))) return undefined;
  if (webhook.hasMatchConditions) {
    if (webhook.failurePolicy === "Ignore") return undefined;
    const d = req.descriptor;
    throw new StatusError(403, "Forbidden", `${qualifiedResource({ group: req.resource.group, plural: req.resource.resource })} "${req.name}" is forbidden: ${MATCH_CONDITIONS_UNSUPPORTED}`, {
      name: req.name,
      group: d.group,
      kind: d.plural,
    });
  }
  return invocation;
}
