/**
 * What the endpoints and EndpointSlice controllers share: which pods a Service selects (through a
 * label index, so a sync costs the matching pods, not every pod), which Services select a pod,
 * how a service port maps onto a pod's container port, and which pods belong in endpoints
 * (k8s.io/kubernetes/pkg/controller/util/endpoint and pkg/api/v1/pod FindPort).
 */
import type { StoredObject } from "../../api/types.js";
import { objectKey } from "../../client/informer.js";
import type { SharedInformer } from "../common/shared-informers.js";
import { rec, recs, str, type Json } from "../common/controller-ref.js";
import { isPodReady } from "../common/pods.js";

/** Pods indexed by namespace and each label pair: a selector's candidates are the smallest such set. */
export const POD_LABEL_INDEX = "endpoints:namespace-label";
export const SERVICE_NAMESPACE_INDEX = "endpoints:namespace";

const labelKey = (namespace: string, key: string, value: string) => `${namespace}\u0000${key}=${value}`;

export function indexPodsByLabel(pods: SharedInformer): void {
  pods.addIndex(POD_LABEL_INDEX, (pod) => {
    const ns = pod.metadata.namespace ?? "";
    return Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => labelKey(ns, k, v));
  });
}

export function indexServicesByNamespace(services: SharedInformer): void {
  services.addIndex(SERVICE_NAMESPACE_INDEX, (svc) => [svc.metadata.namespace ?? ""]);
}

/** A Service's selector as a label map; undefined when it has none (its endpoints are managed by someone else). */
export function serviceSelector(svc: StoredObject): Record<string, string> | undefined {
  const selector = rec(svc.spec).selector;
  if (selector === undefined || selector === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(selector))) out[k] = String(v);
  return out;
}

const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** The pods a Service selects, from the smallest label bucket its selector names. */
export function podsForService(pods: SharedInformer, svc: StoredObject): StoredObject[] {
  const selector = serviceSelector(svc);
  if (!selector || Object.keys(selector).length === 0) return [];
  const ns = svc.metadata.namespace ?? "";
  let smallest: StoredObject[] | undefined;
  for (const [k, v] of Object.entries(selector)) {
    const bucket = pods.byIndex(POD_LABEL_INDEX, labelKey(ns, k, v));
    if (!smallest || bucket.length < smallest.length) smallest = bucket;
    if (bucket.length === 0) break;
  }
  return (smallest ?? []).filter((pod) => selects(selector, pod.metadata.labels));
}

/** Keys of the Services in the pod's namespace whose selector matches the pod now or before. */
export function servicesForPod(services: SharedInformer, pod: StoredObject, previous?: StoredObject): string[] {
  const keys: string[] = [];
  for (const svc of services.byIndex(SERVICE_NAMESPACE_INDEX, pod.metadata.namespace ?? "")) {
    const selector = serviceSelector(svc);
    if (!selector || Object.keys(selector).length === 0) continue;
    if (selects(selector, pod.metadata.labels) || (previous && selects(selector, previous.metadata.labels))) keys.push(objectKey(svc));
  }
  return keys;
}

/** The pod's address (its first pod IP), or "" before it has one. */
export function podIp(pod: StoredObject): string {
  const status = rec(pod.status);
  return str(status.podIP) || str(recs(status.podIPs)[0]?.ip);
}

const isTerminal = (pod: StoredObject): boolean => ["Succeeded", "Failed"].includes(str(rec(pod.status).phase));

/** ShouldPodBeInEndpoints: not finished, has an address, and (unless asked) not terminating. */
export function shouldPodBeInEndpoints(pod: StoredObject, includeTerminating: boolean): boolean {
  if (isTerminal(pod) || !podIp(pod)) return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/** The container port a service port reaches on this pod (podutil.FindPort), or undefined if the pod has no such named port. */
export function findPort(pod: StoredObject, servicePort: Json): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  if (typeof target === "string" && /^\d+$/.test(target)) return Number(target);
  const protocol = str(servicePort.protocol) || "TCP";
  for (const container of recs(rec(pod.spec).containers)) {
    for (const port of recs(container.ports)) {
      if (port.name === target && (str(port.protocol) || "TCP") === protocol) return Number(port.containerPort);
    }
  }
  return undefined;
}

/** An endpoint port for a service port served on `port` (endpointPortFromServicePort). */
export function endpointPort(servicePort: Json, port: number): Json {
  const out: Json = { name: str(servicePort.name), port, protocol: str(servicePort.protocol) || "TCP" };
  if (typeof servicePort.appProtocol === "string") out.appProtocol = servicePort.appProtocol;
  return out;
}

/** ShouldSetHostname: the pod names this Service as its subdomain and has a hostname. */
export function hostnameFor(pod: StoredObject, svc: StoredObject): string | undefined {
  const spec = rec(pod.spec);
  const hostname = str(spec.hostname);
  return hostname && str(spec.subdomain) === svc.metadata.name && svc.metadata.namespace === pod.metadata.namespace ? hostname : undefined;
}

export const podReady = isPodReady;

export const isHeadlessService = (svc: StoredObject): boolean => str(rec(svc.spec).clusterIP) === "None";

/** Labels both Endpoints and EndpointSlices copy from their Service (plus the headless marker). */
export function serviceLabels(svc: StoredObject): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (isHeadlessService(svc)) labels["service.kubernetes.io/headless"] = "";
  return labels;
}
