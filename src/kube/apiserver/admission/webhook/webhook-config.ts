/**
 * One webhook of a Mutating/ValidatingWebhookConfiguration as the dispatchers use it (upstream's
 * webhook.WebhookAccessor): the v1 fields with their defaults, the selectors parsed once.
 */
import type { StoredObject } from "../../../api/types.js";
import { int, rec, recs, str, strs, type J } from "../../../api/object-fields.js";
import { labelSelectorFromObject, type LabelSelector, type LabelSelectorObject } from "../../selectors.js";

export interface WebhookRule {
  operations: string[];
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  scope: string;
}

export interface WebhookClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port: number };
  /** PEM, decoded from the configuration's base64 caBundle; undefined = the system roots. */
  caBundle?: string;
  /** Set when caBundle is not base64 of PEM: every call fails with this (upstream fails building the client). */
  caBundleError?: string;
}

export interface Webhook {
  /** Unique within the dispatcher: configuration name, webhook name and index (reinvocation tracks it). */
  uid: string;
  configurationName: string;
  name: string;
  rules: WebhookRule[];
  failurePolicy: "Fail" | "Ignore";
  matchPolicy: "Equivalent" | "Exact";
  namespaceSelector: LabelSelector;
  objectSelector: LabelSelector;
  /** Set when a selector cannot be parsed (a stored object older than its validation): matching fails with it. */
  selectorError?: string;
  sideEffects: string;
  timeoutSeconds: number;
  admissionReviewVersions: string[];
  reinvocationPolicy: "IfNeeded" | "Never";
  clientConfig: WebhookClientConfig;
  /** matchConditions are CEL, which minieks does not evaluate (creating them is refused; see the dispatcher). */
  hasMatchConditions: boolean;
}

function selector(value: unknown, errors: string[]): LabelSelector {
  try {
    // A missing selector is defaulted to {} on write: everything.
    return labelSelectorFromObject((value ?? {}) as LabelSelectorObject);
  } catch (error) {
    errors.push((error as Error).message);
    return { requirements: [], nothing: true };
  }
}

function clientConfigOf(cc: J): WebhookClientConfig {
  const out: WebhookClientConfig = {};
  if (typeof cc.url === "string") out.url = cc.url;
  if (cc.service !== undefined && cc.service !== null) {
    const s = rec(cc.service);
    out.service = { namespace: str(s.namespace), name: str(s.name), port: int(s.port) || 443, ...(typeof s.path === "string" ? { path: s.path } : {}) };
  }
  if (typeof cc.caBundle === "string" && cc.caBundle) {
    const pem = Buffer.from(cc.caBundle, "base64").toString("utf8");
    if (pem.includes("-----BEGIN CERTIFICATE-----")) out.caBundle = pem;
    else out.caBundleError = "unable to load root certificates: unable to parse bytes as PEM block";
  }
  return out;
}

function webhookOf(config: StoredObject, hook: J, index: number): Webhook {
  const errors: string[] = [];
  const configurationName = config.metadata.name ?? "";
  const name = str(hook.name);
  const namespaceSelector = selector(hook.namespaceSelector, errors);
  const objectSelector = selector(hook.objectSelector, errors);
  return {
    uid: `${configurationName}/${name}/${index}`,
    configurationName,
    name,
    rules: recs(hook.rules).map((r) => ({
      operations: strs(r.operations),
      apiGroups: strs(r.apiGroups),
      apiVersions: strs(r.apiVersions),
      resources: strs(r.resources),
      scope: str(r.scope) || "*",
    })),
    failurePolicy: hook.failurePolicy === "Ignore" ? "Ignore" : "Fail",
    matchPolicy: hook.matchPolicy === "Exact" ? "Exact" : "Equivalent",
    namespaceSelector,
    objectSelector,
    ...(errors.length ? { selectorError: errors.join(", ") } : {}),
    sideEffects: str(hook.sideEffects),
    timeoutSeconds: int(hook.timeoutSeconds) || 10,
    admissionReviewVersions: strs(hook.admissionReviewVersions),
    reinvocationPolicy: hook.reinvocationPolicy === "IfNeeded" ? "IfNeeded" : "Never",
    clientConfig: clientConfigOf(rec(hook.clientConfig)),
    hasMatchConditions: recs(hook.matchConditions).length > 0,
  };
}

/** Every webhook of these configurations, configurations sorted by name as upstream's managers sort them. */
export function webhooksOf(configurations: StoredObject[]): Webhook[] {
  const sorted = [...configurations].sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : (a.metadata.name ?? "") > (b.metadata.name ?? "") ? 1 : 0));
  return sorted.flatMap((config) => recs(config.webhooks).map((hook, i) => webhookOf(config, hook, i)));
}
