import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../../api/types.js";
import { CONFIGMAPS, hook, jsonPatch, MUTATING, refusal, VALIDATING, WebhookHarness } from "./webhook-harness.case.js";

const DENY = "https://127.0.0.1:9443/validate";
/** The patch a labelling webhook answers: add the label, or the labels map when there is none. */
const addLabel = (req: Record<string, unknown>) =>
  (req.object as StoredObject).metadata.labels
    ? jsonPatch([{ op: "add", path: "/metadata/labels/mutated", value: "yes" }])
    : jsonPatch([{ op: "add", path: "/metadata/labels", value: { mutated: "yes" } }]);
const MUTATE = "https://127.0.0.1:9443/mutate";

describe("webhook admission", () => {
  let h: WebhookHarness;
  beforeEach(async () => {
    h = await WebhookHarness.start();
  });
  afterEach(() => h.close());

  it("a validating webhook's denial is upstream's error and nothing is stored", async () => {
    h.caller.webhooks.set(DENY, (req) => {
      const labels = ((req.object as StoredObject).metadata.labels ?? {}) as Record<string, string>;
      return labels.deny === "true" ? { allowed: false, status: { code: 403, reason: "Forbidden", message: "deny=true is not allowed" } } : { allowed: true };
    });
    await h.register(VALIDATING, "deny", [hook("deny.example.com", DENY)]);
    const error = await refusal(h.configMap("bad", { deny: "true" }));
    assert.equal(error.code, 403);
    assert.equal(error.reason, "Forbidden");
    assert.equal(error.message, 'admission webhook "deny.example.com" denied the request: deny=true is not allowed');
    await assert.rejects(h.admin.get({ ...CONFIGMAPS, name: "bad" }), /not found/);
    await h.configMap("good");
    const [, review] = h.caller.requestsTo(DENY);
    assert.equal(review?.operation, "CREATE");
    assert.deepEqual(review?.kind, { group: "", version: "v1", kind: "ConfigMap" });
    assert.deepEqual(review?.resource, { group: "", version: "v1", resource: "configmaps" });
    assert.equal(review?.namespace, "default");
    assert.equal(review?.name, "good");
    assert.equal((review?.userInfo as { username: string }).username, "admin");
    assert.equal((review?.object as StoredObject).kind, "ConfigMap");
    assert.equal(review?.oldObject, null);
    assert.equal(review?.dryRun, false);
    assert.deepEqual(review?.options, { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" });
  });

  it("a denial without a code is a 400; without a message it says so", async () => {
    h.caller.webhooks.set(DENY, () => ({ allowed: false }));
    await h.register(VALIDATING, "deny", [hook("deny.example.com", DENY)]);
    const error = await refusal(h.configMap("x"));
    assert.equal(error.code, 400);
    assert.equal(error.message, 'admission webhook "deny.example.com" denied the request without explanation');
  });

  it("a mutating webhook's JSONPatch is applied before the object is stored; warnings reach the request", async () => {
    h.caller.webhooks.set(MUTATE, (req) => ({ ...addLabel(req), warnings: ["labelled by a webhook"] }));
    await h.register(MUTATING, "label", [hook("label.example.com", MUTATE)]);
    const created = await h.configMap("cm");
    assert.equal(created.metadata.labels?.mutated, "yes");
    const stored = await h.admin.get({ ...CONFIGMAPS, name: "cm" });
    assert.equal(stored.metadata.labels?.mutated, "yes");
    const headers = await rawCreate(h, { metadata: { name: "cm2" }, data: {} });
    assert.match(headers.warning ?? "", /299 - "labelled by a webhook"/);
  });

  it("failurePolicy Fail refuses with upstream's words when the webhook cannot be reached; Ignore lets the request through", async () => {
    await h.register(VALIDATING, "down", [hook("down.example.com", "https://127.0.0.1:9999/validate")]);
    const error = await refusal(h.configMap("x"));
    assert.equal(error.code, 500);
    assert.equal(
      error.message,
      'Internal error occurred: failed calling webhook "down.example.com": failed to call webhook: Post "https://127.0.0.1:9999/validate?timeout=10s": dial tcp 127.0.0.1:9999: connect: connection refused',
    );
    await assert.rejects(h.admin.get({ ...CONFIGMAPS, name: "x" }), /not found/);
    await h.admin.delete({ ...VALIDATING, namespace: undefined, name: "down" });
    await h.register(VALIDATING, "down-ignored", [hook("down.example.com", "https://127.0.0.1:9999/validate", { failurePolicy: "Ignore" })]);
    await h.configMap("x");
  });

  it("a webhook that does not answer within timeoutSeconds fails with context deadline exceeded (FakeClock)", async () => {
    h.caller.webhooks.set(DENY, () => new Promise(() => {}));
    await h.register(VALIDATING, "slow", [hook("slow.example.com", DENY, { timeoutSeconds: 3 })]);
    const pending = refusal(h.configMap("x"));
    await h.settle();
    h.clock.advance(2_999);
    await h.settle();
    h.clock.advance(1);
    const error = await pending;
    assert.equal(error.message, 'Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "https://127.0.0.1:9443/validate?timeout=3s": context deadline exceeded');
  });

  it("a response with another uid, or a patch from a validating webhook, is an invalid response", async () => {
    h.caller.webhooks.set(DENY, () => ({ uid: "other", allowed: true }));
    await h.register(VALIDATING, "wrong", [hook("wrong.example.com", DENY)]);
    const error = await refusal(h.configMap("x"));
    assert.equal(error.message, 'Internal error occurred: failed calling webhook "wrong.example.com": received invalid webhook response: expected response.uid="uid-1", got "other"');
    h.caller.webhooks.set(DENY, () => jsonPatch([]));
    const patched = await refusal(h.configMap("y"));
    assert.match(patched.message, /received invalid webhook response: validating webhook may not return response\.patch$/);
  });

  it("a non-2xx reply fails the call with the REST client's message", async () => {
    h.caller.webhooks.set(DENY, () => ({ status: 500, contentType: "text/plain", body: "boom" }));
    await h.register(VALIDATING, "broken", [hook("broken.example.com", DENY)]);
    const error = await refusal(h.configMap("x"));
    assert.equal(error.message, 'Internal error occurred: failed calling webhook "broken.example.com": failed to call webhook: an error on the server ("boom") has prevented the request from succeeding');
  });

  it("reinvocationPolicy IfNeeded calls an earlier webhook again after a later one changed the object", async () => {
    const first = "https://127.0.0.1:9443/first";
    const second = "https://127.0.0.1:9443/second";
    h.caller.webhooks.set(first, () => ({ allowed: true }));
    h.caller.webhooks.set(second, (req) => {
      const labels = (req.object as StoredObject).metadata.labels ?? {};
      return labels.second ? { allowed: true } : jsonPatch([{ op: "add", path: "/metadata/labels", value: { ...labels, second: "yes" } }]);
    });
    await h.register(MUTATING, "a", [hook("first.example.com", first, { reinvocationPolicy: "IfNeeded" })]);
    await h.register(MUTATING, "b", [hook("second.example.com", second)]);
    const created = await h.configMap("cm");
    assert.equal(created.metadata.labels?.second, "yes");
    const firstCalls = h.caller.requestsTo(first);
    assert.equal(firstCalls.length, 2);
    assert.equal(((firstCalls[1]?.object as StoredObject).metadata.labels ?? {}).second, "yes");
    assert.equal(h.caller.requestsTo(second).length, 1, "Never is not reinvoked");
  });

  it("without IfNeeded nothing is reinvoked", async () => {
    const first = "https://127.0.0.1:9443/first";
    h.caller.webhooks.set(first, () => ({ allowed: true }));
    h.caller.webhooks.set(MUTATE, () => jsonPatch([{ op: "add", path: "/data/x", value: "1" }]));
    await h.register(MUTATING, "a", [hook("first.example.com", first)]);
    await h.register(MUTATING, "b", [hook("label.example.com", MUTATE)]);
    await h.configMap("cm");
    assert.equal(h.caller.requestsTo(first).length, 1);
  });

  it("dry run: the webhook is told, and a patch shows in the answer without being stored", async () => {
    h.caller.webhooks.set(MUTATE, addLabel);
    await h.register(MUTATING, "label", [hook("label.example.com", MUTATE, { sideEffects: "NoneOnDryRun" })]);
    const answer = await h.admin.request<StoredObject>("POST", "/api/v1/namespaces/default/configmaps", { query: { dryRun: "All" }, body: { metadata: { name: "dry" } } });
    assert.equal(answer.metadata.labels?.mutated, "yes");
    assert.equal(h.caller.requestsTo(MUTATE)[0]?.dryRun, true);
    assert.deepEqual(h.caller.requestsTo(MUTATE)[0]?.options, { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1", dryRun: ["All"] });
    await assert.rejects(h.admin.get({ ...CONFIGMAPS, name: "dry" }), /not found/);
  });

  it("objectSelector matches the new or the old object's labels", async () => {
    h.caller.webhooks.set(DENY, () => ({ allowed: false, status: { message: "no" } }));
    await h.register(VALIDATING, "sel", [hook("sel.example.com", DENY, { objectSelector: { matchLabels: { guarded: "true" } } })]);
    await h.configMap("free");
    await refusal(h.configMap("guarded", { guarded: "true" }));
    assert.equal(h.caller.calls.length, 1);
  });

  it("namespaceSelector matches the namespace's labels; cluster-scoped objects are never exempt", async () => {
    await h.admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "prod", labels: { env: "prod" } } });
    h.caller.webhooks.set(DENY, () => ({ allowed: false, status: { message: "no" } }));
    await h.register(VALIDATING, "ns", [
      hook("ns.example.com", DENY, {
        namespaceSelector: { matchLabels: { env: "prod" } },
        rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps", "persistentvolumes"] }],
      }),
    ]);
    await h.configMap("dev-cm");
    const error = await refusal(h.configMap("prod-cm", {}, "prod"));
    assert.match(error.message, /denied the request: no/);
    const pv = { metadata: { name: "pv" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/tmp" } } };
    assert.match((await refusal(h.admin.create({ version: "v1", plural: "persistentvolumes" }, pv))).message, /denied the request/);
  });

  it("a Namespace is matched by its own labels when written", async () => {
    h.caller.webhooks.set(DENY, () => ({ allowed: false, status: { message: "no" } }));
    await h.register(VALIDATING, "ns", [
      hook("ns.example.com", DENY, { namespaceSelector: { matchLabels: { guarded: "yes" } }, rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["namespaces"] }] }),
    ]);
    await h.admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "free" } });
    await refusal(h.admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "guarded", labels: { guarded: "yes" } } }));
  });

  it("DELETE: validating webhooks see the old object and can refuse; mutating webhooks are called too", async () => {
    await h.configMap("keep");
    h.caller.webhooks.set(DENY, () => ({ allowed: false, status: { message: "keep it" } }));
    h.caller.webhooks.set(MUTATE, () => ({ allowed: true }));
    const rules = [{ operations: ["DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }];
    await h.register(MUTATING, "m", [hook("m.example.com", MUTATE, { rules })]);
    await h.register(VALIDATING, "v", [hook("v.example.com", DENY, { rules })]);
    const error = await refusal(h.admin.delete({ ...CONFIGMAPS, name: "keep" }));
    assert.match(error.message, /admission webhook "v.example.com" denied the request: keep it/);
    const [review] = h.caller.requestsTo(DENY);
    assert.equal(review?.operation, "DELETE");
    assert.equal(review?.object, null);
    assert.equal((review?.oldObject as StoredObject).metadata.name, "keep");
    assert.equal(h.caller.requestsTo(MUTATE).length, 1);
    await h.admin.get({ ...CONFIGMAPS, name: "keep" });
  });

  it("a mutating webhook may not patch a DELETE", async () => {
    await h.configMap("keep");
    h.caller.webhooks.set(MUTATE, () => jsonPatch([{ op: "add", path: "/metadata/labels", value: {} }]));
    await h.register(MUTATING, "m", [hook("m.example.com", MUTATE, { rules: [{ operations: ["DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }] })]);
    const error = await refusal(h.admin.delete({ ...CONFIGMAPS, name: "keep" }));
    assert.equal(error.message, 'Internal error occurred: admission webhook "m.example.com" attempted to modify the object, which is not supported for this operation');
  });

  it("a webhook behind a Service is never reached: no endpoints, in upstream's words, then the failurePolicy", async () => {
    await h.admin.create({ version: "v1", plural: "services", namespace: "default" }, { metadata: { name: "hooks" }, spec: { ports: [{ port: 443, targetPort: 8443 }], selector: { app: "hooks" } } });
    await h.register(VALIDATING, "svc", [{ ...hook("svc.example.com", ""), clientConfig: { service: { namespace: "default", name: "hooks", path: "/validate" } } }]);
    const error = await refusal(h.configMap("x"));
    assert.equal(error.message, 'Internal error occurred: failed calling webhook "svc.example.com": failed to call webhook: Post "https://hooks.default.svc:443/validate?timeout=10s": endpoints "hooks" not found');
    await h.admin.create({ version: "v1", plural: "endpoints", namespace: "default" }, { metadata: { name: "hooks" } });
    const none = await refusal(h.configMap("y"));
    assert.match(none.message, /Post "https:\/\/hooks\.default\.svc:443\/validate\?timeout=10s": no endpoints available for service "hooks"$/);
    assert.equal(h.caller.calls.length, 0);
  });

  it("a URL in a simulated address range is not connected to", async () => {
    await h.register(VALIDATING, "sim", [hook("sim.example.com", "https://10.100.0.20/validate")]);
    const error = await refusal(h.configMap("x"));
    assert.match(error.message, /Post "https:\/\/10\.100\.0\.20\/validate\?timeout=10s": dial tcp 10\.100\.0\.20:443: simulated$/);
    assert.equal(h.caller.calls.length, 0);
  });

  it("configurations are exempt from webhooks, and matchConditions are refused rather than ignored", async () => {
    h.caller.webhooks.set(DENY, () => ({ allowed: false }));
    await h.register(VALIDATING, "all", [hook("all.example.com", DENY, { rules: [{ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"] }] })]);
    const withConditions = hook("cel.example.com", DENY, { matchConditions: [{ name: "x", expression: "true" }] });
    const error = await refusal(h.admin.create(VALIDATING, { metadata: { name: "cel" }, webhooks: [withConditions] }));
    assert.equal(error.code, 422);
    assert.match(error.message, /webhooks\[0\]\.matchConditions: Forbidden: matchConditions \(CEL\) are not supported by minieks/);
    await h.admin.create(MUTATING, { metadata: { name: "m" }, webhooks: [hook("m.example.com", MUTATE)] });
    assert.equal(h.caller.calls.length, 0);
  });

  it("matchPolicy Equivalent sends the webhook's version of the object; Exact does not match", async () => {
    const hpa = "https://127.0.0.1:9443/hpa";
    h.caller.webhooks.set(hpa, () => ({ allowed: true }));
    const rules = [{ operations: ["CREATE"], apiGroups: ["autoscaling"], apiVersions: ["v2"], resources: ["horizontalpodautoscalers"] }];
    await h.register(VALIDATING, "eq", [hook("eq.example.com", hpa, { rules })]);
    await h.register(VALIDATING, "exact", [hook("exact.example.com", "https://127.0.0.1:9443/exact", { rules, matchPolicy: "Exact" })]);
    await h.admin.create(
      { group: "autoscaling", version: "v1", plural: "horizontalpodautoscalers", namespace: "default" },
      { metadata: { name: "web" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } },
    );
    const [review] = h.caller.requestsTo(hpa);
    assert.deepEqual(review?.kind, { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler" });
    assert.deepEqual(review?.requestKind, { group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler" });
    assert.deepEqual(review?.resource, { group: "autoscaling", version: "v2", resource: "horizontalpodautoscalers" });
    const object = review?.object as StoredObject & { spec: { metrics?: unknown[] } };
    assert.equal(object.apiVersion, "autoscaling/v2");
    assert.ok(Array.isArray(object.spec.metrics), "the v2 object has metrics");
    assert.equal(h.caller.requestsTo("https://127.0.0.1:9443/exact").length, 0);
  });

  it("a request on a subresource matches only rules naming it", async () => {
    h.caller.webhooks.set(DENY, () => ({ allowed: true }));
    await h.register(VALIDATING, "status", [hook("status.example.com", DENY, { rules: [{ operations: ["UPDATE"], apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments/scale"] }] })]);
    const deployment = {
      metadata: { name: "web" },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
    };
    const apps = { group: "apps", version: "v1", plural: "deployments", namespace: "default" };
    await h.admin.create(apps, deployment);
    await h.admin.patch({ ...apps, name: "web" }, { spec: { replicas: 2 } });
    assert.equal(h.caller.calls.length, 0);
    await h.admin.patch({ ...apps, name: "web", subresource: "scale" }, { spec: { replicas: 3 } });
    const [review] = h.caller.requestsTo(DENY);
    assert.equal(review?.subResource, "scale");
    assert.deepEqual(review?.kind, { group: "autoscaling", version: "v1", kind: "Scale" });
    assert.equal((review?.object as { spec: { replicas: number } }).spec.replicas, 3);
  });
});

/** A create through the handler, returning the response's headers (the in-process client drops them). */
function rawCreate(h: WebhookHarness, body: unknown): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    void h.handler.handle(
      {
        method: "POST",
        path: "/api/v1/namespaces/default/configmaps",
        query: new URLSearchParams(),
        accept: "application/json",
        contentType: "application/json",
        body: Buffer.from(JSON.stringify(body)),
        user: h.admin.user,
        userAgent: "test",
      },
      {
        send: (status, _type, payload, headers) => (status >= 400 ? reject(new Error(String(payload))) : resolve(headers ?? {})),
        stream: () => {
          throw new Error("no streams");
        },
      },
    );
  });
}
