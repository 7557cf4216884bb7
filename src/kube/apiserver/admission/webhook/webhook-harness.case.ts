/**
 * An API server for webhook admission tests: memory storage, the built-in resources (webhook
 * configurations, HPAs in two versions), a FakeClock, an admin client, and a fake caller that
 * answers AdmissionReviews in-process by webhook URL.
 */
import { FakeClock } from "../../../../shared/clock.js";
import { MemoryStorage } from "../../../../storage/memory/memory-storage.js";
import { APPS_V1 } from "../../../api/apps-v1.js";
import { BUILTIN_EXTRA } from "../../../api/builtin-resources.js";
import { withCoreLifecycle } from "../../../api/core-lifecycle.js";
import { CORE_V1 } from "../../../api/core-v1.js";
import type { KubeObject, StoredObject, UserInfo } from "../../../api/types.js";
import { withWorkloadLifecycle } from "../../../api/workload-lifecycle.js";
import { InProcessClient, type ResourceRef } from "../../../client/in-process-client.js";
import { ApiHandler } from "../../api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../../auth/authorizer.js";
import { TransportError, type WebhookCall, type WebhookCaller, type WebhookReply } from "./caller.js";
import { WebhookAdmission } from "./webhook-admission.js";
export { refusal } from "../../refusal.case.js";

export const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
export const CONFIGMAPS: ResourceRef = { version: "v1", plural: "configmaps", namespace: "default" };
export const VALIDATING: ResourceRef = { group: "admissionregistration.k8s.io", version: "v1", plural: "validatingwebhookconfigurations" };
export const MUTATING: ResourceRef = { group: "admissionregistration.k8s.io", version: "v1", plural: "mutatingwebhookconfigurations" };

/** What a fake webhook does with one review: answer a response (uid filled in), a raw reply, or fail. */
export type FakeWebhook = (request: Record<string, unknown>, call: WebhookCall) => Record<string, unknown> | WebhookReply | Promise<Record<string, unknown> | WebhookReply>;

/** Webhooks by URL; an unknown URL is refused like a closed port. */
export class FakeCaller implements WebhookCaller {
  readonly webhooks = new Map<string, FakeWebhook>();
  readonly calls: { url: string; review: Record<string, unknown> }[] = [];

  async call(call: WebhookCall): Promise<WebhookReply> {
    const url = call.url.replace(/\?timeout=\d+s$/, "");
    const review = JSON.parse(call.body) as Record<string, unknown>;
    this.calls.push({ url: call.url, review });
    const hook = this.webhooks.get(url);
    if (!hook) throw new TransportError(`dial tcp ${new URL(url).host}: connect: connection refused`);
    const request = review.request as Record<string, unknown>;
    const answer = await hook(request, call);
    if (typeof answer.status === "number" && typeof answer.body === "string") return answer as unknown as WebhookReply;
    const body = { apiVersion: review.apiVersion, kind: "AdmissionReview", response: { uid: request.uid, ...answer } };
    return { status: 200, contentType: "application/json", body: JSON.stringify(body) };
  }

  requestsTo(url: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.url.startsWith(url)).map((c) => c.review.request as Record<string, unknown>);
  }
}

export const jsonPatch = (ops: unknown[]) => ({ allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(ops)).toString("base64") });

/** One webhook entry of a configuration, with sensible defaults. */
export const hook = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
  name,
  clientConfig: { url },
  rules: [{ operations: ["CREATE", "UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }],
  sideEffects: "None",
  admissionReviewVersions: ["v1"],
  ...extra,
});

export class WebhookHarness {
  readonly clock = new FakeClock(new Date("2026-01-01T00:00:00Z"));
  readonly caller = new FakeCaller();
  readonly handler: ApiHandler;
  readonly admin: InProcessClient;
  webhooks?: WebhookAdmission;

  constructor() {
    this.handler = new ApiHandler({
      storage: new MemoryStorage(),
      registryRoot: "/k8s/t/registry",
      descriptors: withWorkloadLifecycle(withCoreLifecycle([...CORE_V1, ...APPS_V1, ...BUILTIN_EXTRA])),
      clock: this.clock,
      authorizer: mastersOnlyAuthorizer,
      version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
      serverAddress: () => "127.0.0.1:443",
      admission: (h) => {
        this.webhooks = new WebhookAdmission({
          client: new InProcessClient(h, ADMIN),
          clock: this.clock,
          descriptors: () => h.descriptors(),
          serves: (plural) => h.store("admissionregistration.k8s.io", "v1", plural) !== undefined,
          caller: this.caller,
          simulated: (host) => (host.startsWith("10.100.") ? "simulated" : undefined),
          newUid: () => "uid-1",
        });
        return this.webhooks.plugins();
      },
    });
    this.admin = new InProcessClient(this.handler, ADMIN);
  }

  static async start(): Promise<WebhookHarness> {
    const h = new WebhookHarness();
    await h.admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
    return h;
  }

  /** Registers a configuration and waits until the admission plugins' cache has it. */
  async register(ref: ResourceRef, name: string, webhooks: unknown[]): Promise<StoredObject> {
    const created = await this.admin.create(ref, { metadata: { name }, webhooks });
    await this.settle();
    return created;
  }

  configMap(name: string, labels: Record<string, string> = {}, namespace = "default"): Promise<StoredObject> {
    return this.admin.create({ ...CONFIGMAPS, namespace }, { metadata: { name, labels }, data: { k: "v" } } as KubeObject);
  }

  async settle(rounds = 50): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  close(): void {
    this.webhooks?.close();
  }
}

