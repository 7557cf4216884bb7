import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BUILTIN_EXTRA } from "../../../api/builtin-resources.js";
import { CORE_V1 } from "../../../api/core-v1.js";
import type { ResourceDescriptor } from "../../../api/descriptor.js";
import type { StoredObject } from "../../../api/types.js";
import { StatusError } from "../../status.js";
import type { AdmissionAttributes } from "../admission.js";
import { equivalentsOf, matchRules, namespaceSelectorMatches, objectSelectorMatches, ruleMatches, shouldCallHook } from "./matcher.js";
import { webhooksOf, type WebhookRule } from "./webhook-config.js";
import { webhookRequestOf, type WebhookRequest } from "./webhook-request.js";

const ALL = [...CORE_V1, ...BUILTIN_EXTRA];
const descriptor = (group: string, version: string, plural: string): ResourceDescriptor => {
  const d = ALL.find((x) => x.group === group && x.version === version && x.plural === plural);
  if (!d) throw new Error(`no ${plural}`);
  return d;
};

function request(plural: string, extra: Partial<AdmissionAttributes> = {}, group = "", version = "v1"): WebhookRequest {
  const d = descriptor(group, version, plural);
  return webhookRequestOf({
    operation: "CREATE",
    descriptor: d,
    namespace: d.namespaced ? "default" : undefined,
    name: "x",
    object: { metadata: { name: "x" } },
    user: { username: "u", groups: [] },
    dryRun: false,
    ...extra,
  });
}

const rule = (resources: string[], extra: Partial<WebhookRule> = {}): WebhookRule => ({ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources, scope: "*", ...extra });

const webhook = (hook: Record<string, unknown>) => {
  const [w] = webhooksOf([{ metadata: { name: "c" }, webhooks: [{ name: "w.example.com", sideEffects: "None", admissionReviewVersions: ["v1"], clientConfig: { url: "https://127.0.0.1/" }, ...hook }] }]);
  if (!w) throw new Error("no webhook");
  return w;
};

describe("webhook rules", () => {
  it("resources: a name, '*' (no subresources), 'res/*' (the resource and all its subresources), '*/*' and 'res/sub'", () => {
    const pod = request("pods");
    const status = request("pods", { operation: "UPDATE", subresource: "status" });
    assert.equal(ruleMatches(rule(["pods"]), pod), true);
    assert.equal(ruleMatches(rule(["pods"]), status), false);
    assert.equal(ruleMatches(rule(["*"]), pod), true);
    assert.equal(ruleMatches(rule(["*"]), status), false);
    assert.equal(ruleMatches(rule(["pods/*"]), status), true);
    assert.equal(ruleMatches(rule(["pods/*"]), pod), true);
    assert.equal(ruleMatches(rule(["pods/status"]), pod), false);
    assert.equal(ruleMatches(rule(["*/*"]), status), true);
    assert.equal(ruleMatches(rule(["*/status"]), status), true);
    assert.equal(ruleMatches(rule(["pods/log"]), status), false);
    assert.equal(ruleMatches(rule(["configmaps"]), pod), false);
  });

  it("operations, groups and versions are exact or '*'", () => {
    const pod = request("pods");
    assert.equal(ruleMatches(rule(["pods"], { operations: ["UPDATE"] }), pod), false);
    assert.equal(ruleMatches(rule(["pods"], { operations: ["UPDATE", "CREATE"] }), pod), true);
    assert.equal(ruleMatches(rule(["pods"], { apiGroups: ["apps"] }), pod), false);
    assert.equal(ruleMatches(rule(["pods"], { apiGroups: [""] }), pod), true);
    assert.equal(ruleMatches(rule(["pods"], { apiVersions: ["v2"] }), pod), false);
  });

  it("scope: Namespaced excludes cluster-scoped objects and namespaces; Cluster includes namespaces", () => {
    const pod = request("pods");
    const node = request("nodes");
    const ns = request("namespaces", { operation: "UPDATE", name: "team" });
    assert.equal(ns.namespace, "team", "a namespace's requests carry its own name");
    assert.equal(ruleMatches(rule(["*"], { scope: "Namespaced" }), pod), true);
    assert.equal(ruleMatches(rule(["*"], { scope: "Namespaced" }), node), false);
    assert.equal(ruleMatches(rule(["*"], { scope: "Namespaced" }), ns), false);
    assert.equal(ruleMatches(rule(["*"], { scope: "Cluster" }), ns), true);
    assert.equal(ruleMatches(rule(["*"], { scope: "Cluster" }), node), true);
    assert.equal(ruleMatches(rule(["*"], { scope: "Cluster" }), pod), false);
  });

  it("matchPolicy Equivalent matches another version of the same stored resource; Exact does not", () => {
    const v1 = request("horizontalpodautoscalers", {}, "autoscaling", "v1");
    const eq = equivalentsOf(ALL, v1);
    assert.deepEqual(eq.map((e) => e.resource), [{ group: "autoscaling", version: "v2", resource: "horizontalpodautoscalers" }]);
    const rules = [{ operations: ["CREATE"], apiGroups: ["autoscaling"], apiVersions: ["v2"], resources: ["horizontalpodautoscalers"] }];
    const invocation = matchRules(webhook({ rules }), v1, () => eq);
    assert.deepEqual(invocation?.kind, { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler" });
    assert.equal(matchRules(webhook({ rules, matchPolicy: "Exact" }), v1, () => eq), undefined);
    const events = equivalentsOf(ALL, request("events"));
    assert.deepEqual(events.map((e) => e.resource), [{ group: "events.k8s.io", version: "v1", resource: "events" }]);
  });
});

describe("webhook selectors", () => {
  it("objectSelector: empty matches all; otherwise the new or the old object's labels", () => {
    const hook = webhook({ objectSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] } });
    const labelled = (labels?: Record<string, string>): StoredObject => ({ metadata: { name: "x", ...(labels ? { labels } : {}) } });
    assert.equal(objectSelectorMatches(webhook({}), request("pods")), true);
    assert.equal(objectSelectorMatches(hook, request("pods", { object: labelled({ tier: "web" }) })), true);
    assert.equal(objectSelectorMatches(hook, request("pods", { object: labelled() })), false);
    assert.equal(objectSelectorMatches(hook, request("pods", { operation: "UPDATE", object: labelled(), oldObject: labelled({ tier: "web" }) })), true);
    assert.equal(objectSelectorMatches(hook, request("pods", { operation: "DELETE", object: undefined, oldObject: labelled({ tier: "web" }) })), true);
  });

  it("namespaceSelector: the namespace's labels; cluster-scoped objects always match; a Namespace uses its own", async () => {
    const hook = webhook({ namespaceSelector: { matchLabels: { env: "prod" } } });
    const lookups: string[] = [];
    const labels = async (name: string): Promise<Record<string, string>> => {
      lookups.push(name);
      if (name === "gone") throw new StatusError(404, "NotFound", 'namespaces "gone" not found');
      return name === "prod" ? { env: "prod" } : {};
    };
    assert.equal(await namespaceSelectorMatches(hook, request("pods", { namespace: "prod" }), labels), true);
    assert.equal(await namespaceSelectorMatches(hook, request("pods", { namespace: "dev" }), labels), false);
    assert.equal(await namespaceSelectorMatches(hook, request("nodes"), labels), true);
    assert.deepEqual(lookups, ["prod", "dev"]);
    const nsCreate = request("namespaces", { name: "n", object: { metadata: { name: "n", labels: { env: "prod" } } } });
    assert.equal(await namespaceSelectorMatches(hook, nsCreate, labels), true);
    const nsDelete = request("namespaces", { operation: "DELETE", name: "prod", oldObject: { metadata: { name: "prod" } } });
    assert.equal(await namespaceSelectorMatches(hook, nsDelete, labels), true, "a deleted namespace's labels come from the cache");
    await assert.rejects(shouldCallHook(webhook({ namespaceSelector: { matchLabels: { a: "b" } }, rules: [rule(["pods"])] }), request("pods", { namespace: "gone" }), () => [], labels), /namespaces "gone" not found/);
  });

  it("matchConditions stored before minieks refused them: Forbidden under Fail, skipped under Ignore", async () => {
    const conditions = { rules: [rule(["pods"])], matchConditions: [{ name: "c", expression: "true" }] };
    const labels = async () => ({});
    await assert.rejects(shouldCallHook(webhook(conditions), request("pods"), () => [], labels), /pods "x" is forbidden: matchConditions \(CEL\) are not supported by minieks/);
    assert.equal(await shouldCallHook(webhook({ ...conditions, failurePolicy: "Ignore" }), request("pods"), () => [], labels), undefined);
  });

  it("configurations sort by name; each webhook keeps its defaults", () => {
    const hooks = webhooksOf([
      { metadata: { name: "b" }, webhooks: [{ name: "b1.example.com" }] },
      { metadata: { name: "a" }, webhooks: [{ name: "a1.example.com", timeoutSeconds: 5, caBundle: "x" }, { name: "a2.example.com", clientConfig: { caBundle: "bm90IHBlbQ==" } }] },
    ]);
    assert.deepEqual(hooks.map((h) => h.uid), ["a/a1.example.com/0", "a/a2.example.com/1", "b/b1.example.com/0"]);
    assert.equal(hooks[0]?.timeoutSeconds, 5);
    assert.equal(hooks[2]?.timeoutSeconds, 10);
    assert.equal(hooks[2]?.failurePolicy, "Fail");
    assert.equal(hooks[1]?.clientConfig.caBundleError, "unable to load root certificates: unable to parse bytes as PEM block");
  });
});
