/** A small API for admission tests: memory storage, core/v1 (with limitranges and quotas), a FakeClock, an admin client. */
import { FakeClock } from "../../../shared/clock.js";
import { silentLogger } from "../../../shared/logger.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { APPS_V1 } from "../../api/apps-v1.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { CORE_V1_MORE } from "../../api/core-v1-more.js";
import { CORE_V1 } from "../../api/core-v1.js";
import type { ResourceDescriptor } from "../../api/descriptor.js";
import type { KubeObject, StoredObject, UserInfo } from "../../api/types.js";
import { withWorkloadLifecycle } from "../../api/workload-lifecycle.js";
import { InProcessClient, type ResourceRef } from "../../client/in-process-client.js";
import { controllerContext, type ControllerContext } from "../../controllers/common/controller-context.js";
import { ApiHandler } from "../api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../auth/authorizer.js";
import type { AdmissionPlugin } from "./admission.js";
export { refusal } from "../refusal.case.js";

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
export const PODS: ResourceRef = { version: "v1", plural: "pods", namespace: "default" };

export const admissionDescriptors = (): ResourceDescriptor[] => withWorkloadLifecycle(withCoreLifecycle([...CORE_V1, ...CORE_V1_MORE, ...APPS_V1]));

export class AdmissionHarness {
  readonly clock = new FakeClock(new Date("2026-01-01T00:00:00Z"));
  readonly handler: ApiHandler;
  readonly admin: InProcessClient;
  readonly kcm: ControllerContext;

  constructor(plugins: (handler: ApiHandler, clock: FakeClock) => AdmissionPlugin[]) {
    this.handler = new ApiHandler({
      storage: new MemoryStorage(),
      registryRoot: "/k8s/t/registry",
      descriptors: admissionDescriptors(),
      clock: this.clock,
      authorizer: mastersOnlyAuthorizer,
      version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
      serverAddress: () => "127.0.0.1:443",
      admission: (h) => plugins(h, this.clock),
    });
    this.admin = new InProcessClient(this.handler, ADMIN);
    this.kcm = controllerContext({ handler: this.handler, clock: this.clock, logger: silentLogger, descriptors: admissionDescriptors() }, this.admin);
  }

  static async start(plugins: (handler: ApiHandler, clock: FakeClock) => AdmissionPlugin[]): Promise<AdmissionHarness> {
    const h = new AdmissionHarness(plugins);
    await h.admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
    return h;
  }

  create(plural: string, obj: KubeObject): Promise<StoredObject> {
    return this.admin.create({ version: "v1", plural, namespace: "default" }, obj);
  }

  pod(name: string, containers: Record<string, unknown>[], spec: Record<string, unknown> = {}): Promise<StoredObject> {
    return this.create("pods", { metadata: { name }, spec: { containers, ...spec } });
  }

  async settle(rounds = 30): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  async until(what: string, check: () => boolean | Promise<boolean>, rounds = 3000): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      if (await check()) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`timed out waiting until ${what}`);
  }
}

export const container = (name: string, requests?: Record<string, string>, limits?: Record<string, string>) => ({
  name,
  image: "nginx",
  ...(requests || limits ? { resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } } : {}),
});

