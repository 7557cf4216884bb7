/**
 * A cluster's API for controller tests: the real ApiHandler over memory storage with every
 * built-in resource, a FakeClock, an admin client and kube-controller-manager's controller
 * context. Shared by the tests of the endpoints, EndpointSlice, service-account, node lifecycle,
 * taint eviction and disruption controllers.
 */
import { FakeClock } from "../../../shared/clock.js";
import { silentLogger } from "../../../shared/logger.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { APPS_V1 } from "../../api/apps-v1.js";
import { BUILTIN_EXTRA } from "../../api/builtin-resources.js";
import { RBAC_V1 } from "../../api/rbac-v1.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { CORE_V1 } from "../../api/core-v1.js";
import type { KubeObject, StoredObject } from "../../api/types.js";
import { withWorkloadLifecycle } from "../../api/workload-lifecycle.js";
import type { AdmissionPlugin } from "../../apiserver/admission/admission.js";
import { ApiHandler } from "../../apiserver/api-handler.js";
import { mastersOnlyAuthorizer, SYSTEM_MASTERS } from "../../apiserver/auth/authorizer.js";
import { InProcessClient, type ResourceRef } from "../../client/in-process-client.js";
import { controllerContext } from "../common/controller-context.js";

export const settle = async (rounds = 20): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Waits (in event-loop turns, not time) until `check` passes; fails with its last error. */
export async function eventually<T>(check: () => Promise<T> | T, rounds = 200): Promise<T> {
  let last: unknown;
  for (let i = 0; i < rounds; i++) {
    try {
      return await check();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  throw last;
}

export const PODS = { version: "v1", plural: "pods" };
export const SERVICES = { version: "v1", plural: "services" };
export const NODES = { version: "v1", plural: "nodes" };

export async function testCluster(admission?: (handler: ApiHandler, clock: FakeClock) => AdmissionPlugin[]) {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const descriptors = withWorkloadLifecycle(withCoreLifecycle([...CORE_V1, ...APPS_V1, ...BUILTIN_EXTRA, ...RBAC_V1]));
  const handler = new ApiHandler({
    storage: new MemoryStorage(),
    registryRoot: "/k8s/test/registry",
    descriptors,
    clock,
    authorizer: mastersOnlyAuthorizer,
    version: { major: "1", minor: "34", gitVersion: "v1.34.1" },
    serverAddress: () => "127.0.0.1:6443",
    admission: admission && ((h) => admission(h, clock)),
  });
  const admin = new InProcessClient(handler, { username: "admin", groups: [SYSTEM_MASTERS] });
  for (const name of ["default", "kube-system", "kube-node-lease"]) await admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name } });
  const kcmClient = new InProcessClient(handler, { username: "system:kube-controller-manager", groups: [SYSTEM_MASTERS] });
  const ctx = controllerContext({ handler, clock, logger: silentLogger, descriptors }, kcmClient);

  const create = (ref: ResourceRef, obj: KubeObject) => admin.create(ref, obj);
  const get = (ref: ResourceRef) => admin.get(ref);
  const list = async (ref: ResourceRef, query: Record<string, string> = {}) => (await admin.list(ref, query)).items;

  /** A scheduled pod with a status as a kubelet would write it. */
  async function pod(name: string, opts: { labels?: Record<string, string>; ip?: string; ready?: boolean; node?: string; namespace?: string; spec?: Record<string, unknown>; owner?: StoredObject } = {}) {
    const namespace = opts.namespace ?? "default";
    const created = await admin.create(
      { ...PODS, namespace },
      {
        metadata: {
          name,
          labels: opts.labels ?? {},
          ...(opts.owner
            ? { ownerReferences: [{ apiVersion: opts.owner.apiVersion, kind: opts.owner.kind, name: opts.owner.metadata.name, uid: opts.owner.metadata.uid, controller: true }] }
            : {}),
        },
        spec: { containers: [{ name: "c", image: "nginx", ports: [{ name: "http", containerPort: 8080 }] }], nodeName: opts.node ?? "node-1", ...(opts.spec ?? {}) },
      },
    );
    return setPodStatus(created, { ip: opts.ip, ready: opts.ready ?? true });
  }

  async function setPodStatus(p: StoredObject, s: { ip?: string; ready: boolean; phase?: string }) {
    const status: Record<string, unknown> = {
      phase: s.phase ?? "Running",
      conditions: [
        { type: "Ready", status: s.ready ? "True" : "False", lastTransitionTime: "2026-01-01T00:00:00Z" },
        { type: "ContainersReady", status: s.ready ? "True" : "False" },
      ],
    };
    if (s.ip) {
      status.podIP = s.ip;
      status.podIPs = [{ ip: s.ip }];
    }
    return admin.update({ ...PODS, namespace: p.metadata.namespace, name: p.metadata.name, subresource: "status" }, { ...p, status: { ...(p.status as object), ...status } });
  }

  async function node(name: string, opts: { zone?: string; ready?: string; heartbeat?: string } = {}) {
    const created = await admin.create(NODES, { metadata: { name, labels: { "topology.kubernetes.io/zone": opts.zone ?? "us-west-2a", "kubernetes.io/hostname": name } } });
    const time = opts.heartbeat ?? clock.now().toISOString().replace(/\.\d{3}Z$/, "Z");
    return admin.update(
      { ...NODES, name, subresource: "status" },
      { ...created, status: { conditions: [{ type: "Ready", status: opts.ready ?? "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: time, lastTransitionTime: time }] } },
    );
  }

  return { clock, handler, admin, ctx, descriptors, create, get, list, pod, setPodStatus, node };
}
