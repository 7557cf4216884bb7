import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject } from "../../api/types.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer, objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { canonicalJson, rec, recs, str, type Json } from "../common/controller-ref.js";
import type { SharedInformer, SharedInformerFactory } from "../common/shared-informers.js";
import {
  endpointPort,
  findPort,
  hostnameFor,
  indexPodsByLabel,
  indexServicesByNamespace,
  podIp,
  podReady,
  podsForService,
  serviceLabels,
  serviceSelector,
  servicesForPod,
  shouldPodBeInEndpoints,
} from "./service-pods.js";

/** Upstream truncates an Endpoints object past this many addresses (maxCapacity). */
export const MAX_ENDPOINTS_ADDRESSES = 1000;
const TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
const OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";

/**
 * kube-controller-manager's endpoint-controller: keeps a core/v1 Endpoints object beside every
 * Service with a selector, listing the selected pods' addresses (ready ones in `addresses`, the
 * others in `notReadyAddresses`, every address once per port set) and deleting it with the
 * Service. Services without a selector are left to whoever manages their Endpoints.
 */
export class EndpointsController {
  private readonly services: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly endpoints: Informer;
  private readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly client: InProcessClient,
    informers: SharedInformerFactory,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.services = informers.informer({ version: "v1", plural: "services" });
    this.pods = informers.informer({ version: "v1", plural: "pods" });
    indexPodsByLabel(this.pods);
    indexServicesByNamespace(this.services);
    this.queue = new WorkQueue(clock, (key) => this.sync(key), {
      concurrency: 4,
      onError: (key, error) => this.logger.warn("endpoints sync failed; retrying", { service: key, error: String(error) }),
    });
    // Someone else deleting or editing an Endpoints object brings it back in line.
    this.endpoints = new Informer(client, { version: "v1", plural: "endpoints" }, clock, {
      onChange: (ep) => this.queue.add(objectKey(ep)),
      onDelete: (ep) => this.queue.add(objectKey(ep)),
    });
  }

  start(): this {
    this.unsubscribe.push(
      this.services.subscribe({ onChange: (svc) => this.queue.add(objectKey(svc)), onDelete: (svc) => this.queue.add(objectKey(svc)) }),
      this.pods.subscribe({
        onChange: (pod, previous) => this.enqueueFor(pod, previous),
        onDelete: (pod) => this.enqueueFor(pod),
      }),
    );
    this.endpoints.start();
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    this.endpoints.stop();
    this.queue.stop();
  }

  private enqueueFor(pod: StoredObject, previous?: StoredObject): void {
    for (const key of servicesForPod(this.services, pod, previous)) this.queue.add(key);
  }

  private async sync(key: string): Promise<void> {
    await Promise.all([this.services.synced(), this.pods.synced(), this.endpoints.synced()]);
    const [namespace = "", name = ""] = key.split("/");
    const ref = { version: "v1", plural: "endpoints", namespace, name };
    const svc = this.services.get(key);
    const current = this.endpoints.get(key);
    if (!svc) {
      if (current) await this.client.delete(ref).catch(ignoreNotFound);
      return;
    }
    if (!serviceSelector(svc)) return;
    const { subsets, truncated } = endpointSubsets(svc, podsForService(this.pods, svc));
    const labels = serviceLabels(svc);
    const annotations = { ...(current?.metadata.annotations ?? {}) };
    if (truncated) annotations[OVER_CAPACITY] = "truncated";
    else delete annotations[OVER_CAPACITY];
    const unchanged =
      current &&
      canonicalJson(current.subsets ?? []) === canonicalJson(subsets) &&
      canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels) &&
      current.metadata.annotations?.[OVER_CAPACITY] === annotations[OVER_CAPACITY];
    if (unchanged) return;
    annotations[TRIGGER_TIME] = kubeTime(this.clock.now());
    const body: StoredObject = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { ...(current?.metadata ?? {}), name, namespace, labels, annotations },
      subsets,
    };
    if (current) await this.client.update(ref, body);
    else await this.client.create({ version: "v1", plural: "endpoints", namespace }, body);
  }
}

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof StatusError && error.code === 404)) throw error;
}

type Address = Json & { ip: string };

/**
 * The subsets of a Service's Endpoints (syncService + RepackSubsets): one address per pod,
 * grouped by the exact set of ports it serves, ready or not; sorted so equal inputs print equal.
 */
export function endpointSubsets(svc: StoredObject, pods: StoredObject[]): { subsets: Json[]; truncated: boolean } {
  const spec = rec(svc.spec);
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const ports = recs(spec.ports);
  const groups = new Map<string, { ports: Json[]; ready: Address[]; notReady: Address[] }>();
  let total = 0;
  const sorted = [...pods].sort((a, b) => compareIp(podIp(a), podIp(b)));
  for (const pod of sorted) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address: Address = { ip: podIp(pod) };
    const hostname = hostnameFor(pod, svc);
    if (hostname) address.hostname = hostname;
    const nodeName = str(rec(pod.spec).nodeName);
    if (nodeName) address.nodeName = nodeName;
    address.targetRef = { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
    let served: Json[] = [];
    if (ports.length > 0) {
      for (const servicePort of ports) {
        const port = findPort(pod, servicePort);
        if (port === undefined) continue;
        // Endpoints omit an empty port name (omitempty); EndpointSlices keep it.
        const ep = endpointPort(servicePort, port);
        if (ep.name === "") delete ep.name;
        served.push(ep);
      }
      if (served.length === 0) continue;
    } else if (str(spec.clusterIP) !== "None") {
      continue;
    }
    served = served.sort((a, b) => str(a.name).localeCompare(str(b.name)) || Number(a.port) - Number(b.port));
    const groupKey = canonicalJson(served);
    let group = groups.get(groupKey);
    if (!group) groups.set(groupKey, (group = { ports: served, ready: [], notReady: [] }));
    if (publishNotReady || podReady(pod)) group.ready.push(address);
    else group.notReady.push(address);
    total++;
  }
  // Past the capacity, ready addresses are kept first (upstream truncates the same way).
  let budget = MAX_ENDPOINTS_ADDRESSES;
  const subsets: Json[] = [];
  for (const group of [...groups.values()].sort((a, b) => compareIp(firstIp(a), firstIp(b)))) {
    const ready = group.ready.slice(0, budget);
    budget -= ready.length;
    const notReady = group.notReady.slice(0, budget);
    budget -= notReady.length;
    if (ready.length === 0 && notReady.length === 0) continue;
    const subset: Json = {};
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (group.ports.length) subset.ports = group.ports;
    subsets.push(subset);
  }
  return { subsets, truncated: total > MAX_ENDPOINTS_ADDRESSES };
}

const firstIp = (g: { ready: Address[]; notReady: Address[] }): string => (g.ready[0] ?? g.notReady[0])?.ip ?? "";

/** Orders dotted quads numerically (and anything else as text). */
export function compareIp(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  if (pa.length === 4 && pb.length === 4 && [...pa, ...pb].every((n) => Number.isInteger(n))) {
    for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
