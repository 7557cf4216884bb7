/**
 * A cluster's API for controller tests: memory storage, a real ApiHandler with every built-in
 * descriptor, a FakeClock, an admin client and kube-controller-manager's context. No sleeps:
 * `until` lets promises and watch events flow (setImmediate rounds) until a condition holds.
 */
import { FakeClock } from "../../../shared/clock.js";
import { silentLogger } from "../../../shared/logger.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { APPS_V1 } from "../../api/apps-v1.js";
import { BATCH_V1 } from "../../api/batch-v1.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { CORE_V1 } from "../../api/core-v1.js";
import { withWorkloadLifecycle } from "../../api/workload-lifecycle.js";
import type { KubeObject, StoredObject, UserInfo } from "../../api/types.js";
import { ApiHandler } from "../../apiserver/api-handler.js";
import type { AdmissionPlugin } from "../../apiserver/admission/admission.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../../apiserver/auth/authorizer.js";
import { InProcessClient, type ResourceRef } from "../../client/in-process-client.js";
import { controllerContext, type ControllerContext } from "./controller-context.js";

/** The built-in resources with their lifecycle rules (what a cluster serves, without the rest of the control plane). */
const clusterDescriptors = () => withWorkloadLifecycle(withCoreLifecycle([...CORE_V1, ...APPS_V1, ...BATCH_V1]));

const ADMIN: UserInfo = { username: "admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
const KCM: UserInfo = { username: "system:kube-controller-manager", groups: [SYSTEM_MASTERS, "system:authenticated"] };

export const PODS: ResourceRef = { version: "v1", plural: "pods", namespace: "default" };
export const EVENTS: ResourceRef = { version: "v1", plural: "events", namespace: "default" };
export const REPLICASETS: ResourceRef = { group: "apps", version: "v1", plural: "replicasets", namespace: "default" };
export const DEPLOYMENTS: ResourceRef = { group: "apps", version: "v1", plural: "deployments", namespace: "default" };
export const DAEMONSETS: ResourceRef = { group: "apps", version: "v1", plural: "daemonsets", namespace: "default" };
export const STATEFULSETS: ResourceRef = { group: "apps", version: "v1", plural: "statefulsets", namespace: "default" };
export const REVISIONS: ResourceRef = { group: "apps", version: "v1", plural: "controllerrevisions", namespace: "default" };
export const JOBS: ResourceRef = { group: "batch", version: "v1", plural: "jobs", namespace: "default" };
export const CRONJOBS: ResourceRef = { group: "batch", version: "v1", plural: "cronjobs", namespace: "default" };
export const NODES: ResourceRef = { version: "v1", plural: "nodes" };
export const CONFIGMAPS: ResourceRef = { version: "v1", plural: "configmaps", namespace: "default" };

export class TestCluster {
  readonly clock = new FakeClock();
  readonly storage = new MemoryStorage();
  readonly handler: ApiHandler;
  readonly admin: InProcessClient;
  readonly kcm: ControllerContext;

  constructor(admission?: (handler: ApiHandler) => AdmissionPlugin[]) {
    this.handler = new ApiHandler({
      storage: this.storage,
      registryRoot: "/k8s/test/registry",
      descriptors: clusterDescriptors(),
      clock: this.clock,
      authorizer: mastersOnlyAuthorizer,
      version: { major: "1", minor: "34", gitVersion: "v1.34.0-eks-0000000" },
      serverAddress: () => "127.0.0.1:6443",
      admission,
    });
    this.admin = new InProcessClient(this.handler, ADMIN);
    this.kcm = controllerContext({ handler: this.handler, clock: this.clock, logger: silentLogger, descriptors: clusterDescriptors() }, new InProcessClient(this.handler, KCM));
  }

  static async start(admission?: (handler: ApiHandler) => AdmissionPlugin[]): Promise<TestCluster> {
    const cluster = new TestCluster(admission);
    await cluster.admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "default" } });
    return cluster;
  }

  /** Lets queued work run: a few rounds of the event loop. */
  async settle(rounds = 20): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Waits (in event-loop rounds, never real time) until `check` holds; fails naming `what`. */
  async until(what: string, check: () => boolean | Promise<boolean>, rounds = 5000): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      if (await check()) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assertFail(`timed out waiting until ${what}`);
  }

  async list(ref: ResourceRef, labelSelector?: string): Promise<StoredObject[]> {
    return (await this.admin.list(ref, labelSelector ? { labelSelector } : {})).items;
  }

  create(ref: ResourceRef, obj: KubeObject): Promise<StoredObject> {
    return this.admin.create(ref, obj);
  }

  get(ref: ResourceRef, name: string): Promise<StoredObject> {
    return this.admin.get({ ...ref, name });
  }

  /** Plays the kubelet for one pod: Running, and Ready since now (or since `readyAt`). */
  async markReady(pod: StoredObject, options: { node?: string; readyAt?: Date } = {}): Promise<StoredObject> {
    const at = (options.readyAt ?? this.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
    const ref = { ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name };
    if (options.node) await this.admin.patch(ref, { spec: { nodeName: options.node } });
    return this.admin.patch(
      { ...ref, subresource: "status" },
      { status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: at }], startTime: at } },
    );
  }

  /** Plays the kubelet for a finished pod. */
  async finish(pod: StoredObject, phase: "Succeeded" | "Failed"): Promise<StoredObject> {
    const ref = { ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: "status" };
    return this.admin.patch(ref, { status: { phase, conditions: [{ type: "Ready", status: "False" }] } });
  }

  async events(reason?: string): Promise<StoredObject[]> {
    const all = await this.list(EVENTS);
    return reason ? all.filter((e) => e.reason === reason) : all;
  }
}

function assertFail(message: string): never {
  throw new Error(message);
}
