/**
 * The empty object of a kind as Go serializes it (`scope.Creater.New(kind)`): struct fields without a
 * pointer always appear (`spec: {}`), lists without omitempty appear as null (`containers: null`).
 * Upstream compares every update against objects of this shape, so a container that exists in the
 * empty object is never "added" and gets no `.` in managedFields, while one that does not exist is.
 * Only containers matter here; scalar fields are leaves either way.
 */
import type { KubeObject } from "../../api/types.js";

type Json = Record<string, unknown>;

const podSpec = (): Json => ({ containers: null });
/** An empty metav1.Time marshals as null, so every ObjectMeta carries `creationTimestamp: null`. */
const objectMeta = (): Json => ({ creationTimestamp: null });
const podTemplate = (): Json => ({ metadata: objectMeta(), spec: podSpec() });
const workload = (extra: Json = {}): Json => ({ spec: { selector: null, template: podTemplate(), ...extra }, status: {} });

const ZERO: Record<string, () => Json> = {
  "/Pod": () => ({ spec: podSpec(), status: {} }),
  "/PodTemplate": () => ({ template: podTemplate() }),
  "/ReplicationController": () => ({ spec: {}, status: {} }),
  "/Service": () => ({ spec: {}, status: { loadBalancer: {} } }),
  "/Namespace": () => ({ spec: {}, status: {} }),
  "/Node": () => ({ spec: {}, status: { daemonEndpoints: { kubeletEndpoint: {} }, nodeInfo: {} } }),
  "/PersistentVolume": () => ({ spec: {}, status: {} }),
  "/PersistentVolumeClaim": () => ({ spec: { resources: {} }, status: {} }),
  "/ResourceQuota": () => ({ spec: {}, status: {} }),
  "/LimitRange": () => ({ spec: { limits: null } }),
  "/Event": () => ({ involvedObject: {}, source: {} }),
  "apps/Deployment": () => workload({ strategy: {} }),
  "apps/ReplicaSet": () => workload(),
  "apps/StatefulSet": () => workload({ updateStrategy: {} }),
  "apps/DaemonSet": () => workload({ updateStrategy: {} }),
  "batch/Job": () => ({ spec: { template: podTemplate() }, status: {} }),
  "batch/CronJob": () => ({ spec: { jobTemplate: { metadata: objectMeta(), spec: { template: podTemplate() } } }, status: {} }),
  "autoscaling/HorizontalPodAutoscaler": () => ({ spec: { scaleTargetRef: {} }, status: {} }),
  "policy/PodDisruptionBudget": () => ({ spec: {}, status: {} }),
  "networking.k8s.io/Ingress": () => ({ spec: {}, status: { loadBalancer: {} } }),
  "networking.k8s.io/NetworkPolicy": () => ({ spec: { podSelector: {} } }),
  "discovery.k8s.io/EndpointSlice": () => ({ endpoints: null, ports: null }),
  "coordination.k8s.io/Lease": () => ({ spec: {} }),
};

/** The empty object of a kind; kinds without a Go type (custom resources) start from nothing. */
export function zeroObject(group: string, kind: string, builtIn: boolean): KubeObject {
  if (!builtIn) return {};
  const make = ZERO[`${group}/${kind}`];
  return { metadata: objectMeta(), ...(make ? make() : {}) };
}

/** `obj` with the containers of `zero` filled in where it lacks them (a typed object always has them). */
export function withZeroFields(obj: unknown, zero: unknown): unknown {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return obj;
  if (typeof zero !== "object" || zero === null || Array.isArray(zero)) return obj;
  const out: Json = { ...(obj as Json) };
  for (const [k, z] of Object.entries(zero as Json)) {
    out[k] = Object.hasOwn(out, k) ? withZeroFields(out[k], z) : z;
  }
  return out;
}
