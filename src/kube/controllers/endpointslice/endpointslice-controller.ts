import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject } from "../../api/types.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer, objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { canonicalJson, newControllerRef, rec, recs, str, type Json } from "../common/controller-ref.js";
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
} from "../endpoints/service-pods.js";
import { planSlices, portsKey, type DesiredGroup } from "./slice-plan.js";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
export const CONTROLLER_NAME = "endpointslice-controller.k8s.io";
const TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
const ZONE_LABEL = "topology.kubernetes.io/zone";
const SLICES = { group: "discovery.k8s.io", version: "v1", plural: "endpointslices" };

/**
 * kube-controller-manager's endpointslice-controller: the EndpointSlices of every Service with a
 * selector — one endpoint per selected pod with its ready/serving/terminating conditions, node,
 * zone and pod reference, at most 100 per slice, labelled with the Service name and this
 * controller as manager, owned by the Service.
 */
export class EndpointSliceController {
  private readonly services: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly nodes: SharedInformer;
  private readonly slices: Informer;
  /** Service key → keys of its slices (the slice informer's index, plus this controller's own writes). */
  private readonly slicesByService = new Map<string, Set<string>>();
  /**
   * Slices this controller wrote that the informer has not shown yet (null = deleted), so a sync
   * right after a write does not work from a stale cache and create a duplicate (upstream's
   * endpointSliceTracker).
   */
  private readonly written = new Map<string, StoredObject | null>();
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
    this.nodes = informers.informer({ version: "v1", plural: "nodes" });
    indexPodsByLabel(this.pods);
    indexServicesByNamespace(this.services);
    this.queue = new WorkQueue(clock, (key) => this.sync(key), {
      concurrency: 4,
      onError: (key, error) => this.logger.warn("endpointslice sync failed; retrying", { service: key, error: String(error) }),
    });
    this.slices = new Informer(
      client,
      SLICES,
      clock,
      {
        onChange: (slice, previous) => {
          if (previous) this.unindex(previous);
          this.index(slice);
          const mine = this.written.get(objectKey(slice));
          if (mine && Number(mine.metadata.resourceVersion) <= Number(slice.metadata.resourceVersion)) this.written.delete(objectKey(slice));
          this.queue.add(serviceKeyOf(slice));
        },
        onDelete: (slice) => {
          this.unindex(slice);
          if (this.written.get(objectKey(slice)) === null) this.written.delete(objectKey(slice));
          this.queue.add(serviceKeyOf(slice));
        },
      },
      { labelSelector: `${MANAGED_BY_LABEL}=${CONTROLLER_NAME}` },
    );
  }

  start(): this {
    this.unsubscribe.push(
      this.services.subscribe({ onChange: (svc) => this.queue.add(objectKey(svc)), onDelete: (svc) => this.queue.add(objectKey(svc)) }),
      this.pods.subscribe({
        onChange: (pod, previous) => this.enqueueFor(pod, previous),
        onDelete: (pod) => this.enqueueFor(pod),
      }),
      this.nodes.subscribe({}),
    );
    this.slices.start();
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    this.slices.stop();
    this.queue.stop();
  }

  private index(slice: StoredObject): void {
    const svc = serviceKeyOf(slice);
    let set = this.slicesByService.get(svc);
    if (!set) this.slicesByService.set(svc, (set = new Set()));
    set.add(objectKey(slice));
  }

  /** The service's slices as this controller last knows them: its own writes over the informer's cache. */
  private slicesOf(svcKey: string): StoredObject[] {
    const out: StoredObject[] = [];
    for (const key of this.slicesByService.get(svcKey) ?? []) {
      const mine = this.written.get(key);
      if (mine === null) continue;
      const slice = mine ?? this.slices.get(key);
      if (slice) out.push(slice);
    }
    return out;
  }

  private unindex(slice: StoredObject): void {
    if (this.written.get(objectKey(slice))) return;
    const svc = serviceKeyOf(slice);
    const set = this.slicesByService.get(svc);
    set?.delete(objectKey(slice));
    if (set?.size === 0) this.slicesByService.delete(svc);
  }

  private enqueueFor(pod: StoredObject, previous?: StoredObject): void {
    for (const key of servicesForPod(this.services, pod, previous)) this.queue.add(key);
  }

  private async sync(key: string): Promise<void> {
    await Promise.all([this.services.synced(), this.pods.synced(), this.nodes.synced(), this.slices.synced()]);
    const [namespace = ""] = key.split("/");
    const svc = this.services.get(key);
    const existing = this.slicesOf(key);
    if (!svc || !serviceSelector(svc) || rec(svc.spec).type === "ExternalName") {
      // Owned by the Service, so garbage collection would remove them too; deleting them now is quicker.
      for (const slice of existing) await this.remove(slice);
      return;
    }
    const labels = { ...serviceLabels(svc), [SERVICE_NAME_LABEL]: svc.metadata.name ?? "", [MANAGED_BY_LABEL]: CONTROLLER_NAME };
    const owner = newControllerRef(svc);
    const metadataChanged = (slice: StoredObject) =>
      canonicalJson(slice.metadata.labels ?? {}) !== canonicalJson(labels) || canonicalJson(slice.metadata.ownerReferences ?? []) !== canonicalJson([owner]);
    const plan = planSlices(this.desired(svc), existing, metadataChanged);
    const now = kubeTime(this.clock.now());
    const sliceBody = (ports: Json[], endpoints: Json[], base?: StoredObject): StoredObject => ({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        ...(base?.metadata ?? { generateName: `${svc.metadata.name ?? ""}-` }),
        namespace,
        labels,
        annotations: { ...(base?.metadata.annotations ?? {}), [TRIGGER_TIME]: now },
        ownerReferences: [{ ...owner }],
      },
      addressType: "IPv4",
      endpoints,
      ports,
    });
    for (const u of plan.update) this.remember(await this.client.update({ ...SLICES, namespace, name: u.slice.metadata.name }, sliceBody(u.ports, u.endpoints, u.slice)));
    for (const c of plan.create) this.remember(await this.client.create({ ...SLICES, namespace }, sliceBody(c.ports, c.endpoints)));
    for (const slice of plan.delete) await this.remove(slice);
  }

  private remember(slice: StoredObject): void {
    this.written.set(objectKey(slice), slice);
    this.index(slice);
  }

  private async remove(slice: StoredObject): Promise<void> {
    await this.client.delete({ ...SLICES, namespace: slice.metadata.namespace, name: slice.metadata.name }).catch(ignoreNotFound);
    // Forgotten at once if the informer never had it; otherwise when it reports the deletion.
    if (this.slices.get(objectKey(slice))) this.written.set(objectKey(slice), null);
    else {
      this.written.delete(objectKey(slice));
      this.unindex(slice);
    }
  }

  /** The endpoints each set of ports should have (podToEndpoint for every selected pod, terminating ones included). */
  private desired(svc: StoredObject): Map<string, DesiredGroup> {
    const spec = rec(svc.spec);
    const publishNotReady = spec.publishNotReadyAddresses === true;
    const servicePorts = recs(spec.ports);
    const groups = new Map<string, DesiredGroup>();
    for (const pod of podsForService(this.pods, svc)) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ports: Json[] = [];
      for (const servicePort of servicePorts) {
        const port = findPort(pod, servicePort);
        if (port !== undefined) ports.push(endpointPort(servicePort, port));
      }
      const key = portsKey(ports);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { ports: [...ports].sort((a, b) => str(a.name).localeCompare(str(b.name))), endpoints: new Map() }));
      const ip = podIp(pod);
      group.endpoints.set(ip, this.endpointFor(pod, svc, ip, publishNotReady));
    }
    return groups;
  }

  private endpointFor(pod: StoredObject, svc: StoredObject, ip: string, publishNotReady: boolean): Json {
    const serving = podReady(pod);
    const terminating = Boolean(pod.metadata.deletionTimestamp);
    // "ready" is never true for a terminating pod unless the Service publishes not-ready addresses.
    const ready = publishNotReady || (serving && !terminating);
    const endpoint: Json = { addresses: [ip], conditions: { ready, serving, terminating } };
    const hostname = hostnameFor(pod, svc);
    if (hostname) endpoint.hostname = hostname;
    endpoint.targetRef = { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
    const nodeName = str(rec(pod.spec).nodeName);
    if (nodeName) {
      endpoint.nodeName = nodeName;
      const zone = this.nodes.get(nodeName)?.metadata.labels?.[ZONE_LABEL];
      if (zone) endpoint.zone = zone;
    }
    return endpoint;
  }
}

const serviceKeyOf = (slice: StoredObject): string => `${slice.metadata.namespace ?? ""}/${slice.metadata.labels?.[SERVICE_NAME_LABEL] ?? ""}`;

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof StatusError && error.code === 404)) throw error;
}
