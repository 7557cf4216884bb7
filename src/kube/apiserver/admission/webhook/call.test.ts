import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../../shared/clock.js";
import { CORE_V1 } from "../../../api/core-v1.js";
import type { ResourceDescriptor } from "../../../api/descriptor.js";
import { StatusError } from "../../status.js";
import { deniedByWebhook, verifyAdmissionResponse } from "./admission-review.js";
import { callWebhook, CallingWebhookError, type CallContext } from "./call.js";
import type { WebhookReply } from "./caller.js";
import type { Invocation } from "./matcher.js";
import { webhooksOf } from "./webhook-config.js";
import { webhookRequestOf } from "./webhook-request.js";
import { versionedObject } from "./versioned.js";

const CONFIGMAPS = CORE_V1.find((d) => d.plural === "configmaps") as ResourceDescriptor;

function setup(hook: Record<string, unknown>, reply: (body: Record<string, unknown>) => WebhookReply, dryRun = false) {
  const [webhook] = webhooksOf([{ metadata: { name: "c" }, webhooks: [{ name: "w.example.com", clientConfig: { url: "https://127.0.0.1:8443/v" }, sideEffects: "None", admissionReviewVersions: ["v1"], ...hook }] }]);
  if (!webhook) throw new Error("no webhook");
  const sent: Record<string, unknown>[] = [];
  const ctx: CallContext = {
    clock: new FakeClock(),
    newUid: () => "u-1",
    services: { service: async () => undefined, endpoints: async () => undefined },
    caller: {
      call: async ({ body }) => {
        const review = JSON.parse(body) as Record<string, unknown>;
        sent.push(review);
        return reply(review);
      },
    },
  };
  const req = webhookRequestOf({ operation: "CREATE", descriptor: CONFIGMAPS, namespace: "default", name: "cm", object: { metadata: { name: "cm" } }, user: { username: "u", groups: ["g"] }, dryRun });
  const invocation: Invocation = { webhook, resource: req.resource, subresource: "", kind: req.kind, descriptor: CONFIGMAPS };
  return { ctx, req, invocation, sent, call: () => callWebhook(ctx, invocation, req, versionedObject(req, invocation, req.object), undefined, false) };
}

const json = (body: unknown, status = 200): WebhookReply => ({ status, contentType: "application/json", body: JSON.stringify(body) });

describe("calling a webhook", () => {
  it("dry run: a webhook with side effects is refused with upstream's 400 whatever the failurePolicy", async () => {
    const { call, sent } = setup({ sideEffects: "Some", failurePolicy: "Ignore" }, () => json({}), true);
    await assert.rejects(call(), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'admission webhook "w.example.com" does not support dry run');
    assert.equal(sent.length, 0);
  });

  it("v1beta1 webhooks get a v1beta1 review and their answer's uid and kind are not checked", async () => {
    const { call, sent } = setup({ admissionReviewVersions: ["v1beta1"] }, () => json({ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview", response: { allowed: true } }));
    assert.equal((await call()).allowed, true);
    assert.equal(sent[0]?.apiVersion, "admission.k8s.io/v1beta1");
  });

  it("a v1 answer of another kind, without a response, or not JSON fails the call", async () => {
    const cases: [WebhookReply, string][] = [
      [json({ apiVersion: "admission.k8s.io/v1beta1", kind: "AdmissionReview", response: { uid: "u-1", allowed: true } }), "received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview"],
      [json({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }), "received invalid webhook response: webhook response was absent"],
      [json({ response: {} }), `failed to call webhook: Object 'Kind' is missing in '{"response":{}}'`],
      [{ status: 200, contentType: "text/html", body: "<html>" }, "failed to call webhook: couldn't get version/kind; json parse error: "],
      [json({ kind: "Status", apiVersion: "v1", message: "nope" }, 403), "failed to call webhook: nope"],
      [{ status: 404, contentType: "text/plain", body: "404 page not found" }, "failed to call webhook: the server could not find the requested resource"],
    ];
    for (const [reply, message] of cases) {
      const { call } = setup({}, () => reply);
      await assert.rejects(call(), (e: unknown) => e instanceof CallingWebhookError && e.reason.startsWith(message), message);
    }
  });

  it("the review names the request: kinds, resource, user, options", async () => {
    const { call, sent } = setup({}, (r) => json({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: (r.request as { uid: string }).uid, allowed: true } }));
    await call();
    assert.deepEqual(sent[0], {
      kind: "AdmissionReview",
      apiVersion: "admission.k8s.io/v1",
      request: {
        uid: "u-1",
        kind: { group: "", version: "v1", kind: "ConfigMap" },
        resource: { group: "", version: "v1", resource: "configmaps" },
        requestKind: { group: "", version: "v1", kind: "ConfigMap" },
        requestResource: { group: "", version: "v1", resource: "configmaps" },
        name: "cm",
        namespace: "default",
        operation: "CREATE",
        userInfo: { username: "u", groups: ["g"] },
        object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } },
        oldObject: null,
        dryRun: false,
        options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" },
      },
    });
  });

  it("a caBundle that is not PEM fails building the client", async () => {
    const { call } = setup({ clientConfig: { url: "https://127.0.0.1/", caBundle: Buffer.from("junk").toString("base64") } }, () => json({}));
    await assert.rejects(call(), (e: unknown) => e instanceof CallingWebhookError && e.message === 'failed calling webhook "w.example.com": could not get REST client: unable to load root certificates: unable to parse bytes as PEM block');
  });
});

describe("answers", () => {
  it("ToStatusErr keeps the webhook's code, reason and details, at least 400", () => {
    const e = deniedByWebhook("x.example.com", { code: 422, reason: "Invalid", message: "bad", details: { causes: [{ field: "a", reason: "r", message: "m" }] } });
    assert.equal(e.code, 422);
    assert.equal(e.reason, "Invalid");
    assert.equal(e.message, 'admission webhook "x.example.com" denied the request: bad');
    assert.deepEqual(e.details?.causes, [{ field: "a", reason: "r", message: "m" }]);
    assert.equal(deniedByWebhook("x", { code: 200, reason: "Nope" }).code, 400);
    assert.equal(deniedByWebhook("x", { reason: "Nope" }).message, 'admission webhook "x" denied the request: Nope');
  });

  it("a patch without a patchType, or a patchType without a patch, is invalid", () => {
    const review = (response: Record<string, unknown>) => ({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "u", allowed: true, ...response } });
    assert.throws(() => verifyAdmissionResponse("u", "v1", true, review({ patch: "W10=" })), /webhook returned response.patch but not response.patchType/);
    assert.throws(() => verifyAdmissionResponse("u", "v1", true, review({ patchType: "JSONPatch" })), /webhook returned response.patchType but not response.patch/);
    assert.deepEqual(verifyAdmissionResponse("u", "v1", true, review({ patch: "W10=", patchType: "JSONPatch", warnings: ["w"] })), { allowed: true, patch: "W10=", patchType: "JSONPatch", warnings: ["w"] });
  });
});
