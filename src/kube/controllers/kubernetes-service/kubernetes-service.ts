import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject } from "../../api/types.js";
import { formatIpv4, serviceIpRange } from "../../apiserver/admission/service-allocation/ranges.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { canonicalJson, recs, type Json } from "../common/controller-ref.js";

/** kube-apiserver reconciles its Service and endpoints this often (--endpoint-reconciler interval). */
export const RECONCILE_INTERVAL_MS = 10_000;
const HTTPS_PORT = { name: "https", port: 443, protocol: "TCP" };
const NAMESPACE = "default";
const NAME = "kubernetes";

export interface KubernetesServiceOptions {
  serviceCidr: string;
  /** Where the API server is reached in the VPC: on EKS, the control-plane ENIs in the cluster subnets. */
  addresses: string[];
  /** Whether discovery.k8s.io EndpointSlices are served. */
  endpointSlices: boolean;
  /** Whether networking.k8s.io ServiceCIDRs are served. */
  serviceCidrs?: boolean;
}

/**
 * The API server's own `kubernetes` Service in `default`: the first address of the service CIDR,
 * port 443 (https), with Endpoints and an EndpointSlice that list the addresses the API server
 * answers on, and the default ServiceCIDR `kubernetes`. Kept that way: recreated or corrected
 * every ten seconds, as kube-apiserver does.
 */
export class KubernetesService {
  private cancelTimer?: () => void;
  private stopped = false;

  constructor(
    private readonly client: InProcessClient,
    private readonly options: KubernetesServiceOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<this> {
    await this.reconcile();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  async reconcile(): Promise<void> {
    try {
      await this.ensureService();
      await this.ensureEndpoints();
      if (this.options.endpointSlices) await this.ensureEndpointSlice();
      if (this.options.serviceCidrs) await this.ensureServiceCidr();
    } catch (error) {
      this.logger.warn("kubernetes service reconcile failed", { error: String(error) });
    }
    if (!this.stopped) this.cancelTimer = this.clock.setTimer(RECONCILE_INTERVAL_MS, () => void this.reconcile());
  }

  private async ensureService(): Promise<void> {
    const ref = { version: "v1", plural: "services", namespace: NAMESPACE };
    const ports = [{ ...HTTPS_PORT, targetPort: 443 }];
    const current = await this.get({ ...ref, name: NAME });
    if (!current) {
      const clusterIP = formatIpv4(serviceIpRange(this.options.serviceCidr).first);
      await this.create(ref, {
        metadata: { name: NAME, labels: { component: "apiserver", provider: "kubernetes" } },
        spec: { type: "ClusterIP", clusterIP, ports, sessionAffinity: "None" },
      });
      return;
    }
    const spec = (current.spec ?? {}) as Json;
    if (spec.type === "ClusterIP" && canonicalJson(recs(spec.ports)) === canonicalJson(ports)) return;
    await this.client.update({ ...ref, name: NAME }, { ...current, spec: { ...spec, type: "ClusterIP", ports } });
  }

  private async ensureEndpoints(): Promise<void> {
    const ref = { version: "v1", plural: "endpoints", namespace: NAMESPACE };
    const addresses = this.options.addresses.map((ip) => ({ ip }));
    const subsets = addresses.length ? [{ addresses, ports: [HTTPS_PORT] }] : [];
    const labels = { "endpointslice.kubernetes.io/skip-mirror": "true" };
    const current = await this.get({ ...ref, name: NAME });
    if (!current) return void (await this.create(ref, { metadata: { name: NAME, labels }, subsets }));
    if (canonicalJson(current.subsets ?? []) === canonicalJson(subsets) && canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels)) return;
    await this.client.update({ ...ref, name: NAME }, { ...current, metadata: { ...current.metadata, labels }, subsets });
  }

  private async ensureEndpointSlice(): Promise<void> {
    const ref = { group: "discovery.k8s.io", version: "v1", plural: "endpointslices", namespace: NAMESPACE };
    const labels = { "kubernetes.io/service-name": NAME };
    const endpoints = this.options.addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } }));
    const body = { addressType: "IPv4", endpoints, ports: [HTTPS_PORT] };
    const current = await this.get({ ...ref, name: NAME });
    if (!current) return void (await this.create(ref, { metadata: { name: NAME, labels }, ...body }));
    const same = canonicalJson({ addressType: current.addressType, endpoints: current.endpoints ?? [], ports: current.ports }) === canonicalJson(body);
    if (same && canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels)) return;
    await this.client.update({ ...ref, name: NAME }, { ...current, metadata: { ...current.metadata, labels }, ...body });
  }

  /**
   * The default ServiceCIDR `kubernetes` (the service range as an object, 1.33+), in the state
   * kube-apiserver and the servicecidrs controller leave it: finalizer, Ready condition.
   */
  private async ensureServiceCidr(): Promise<void> {
    const ref = { group: "networking.k8s.io", version: "v1", plural: "servicecidrs", name: NAME };
    const cidr = serviceIpRange(this.options.serviceCidr).cidr;
    let current = await this.get(ref);
    if (!current) {
      await this.create({ group: ref.group, version: ref.version, plural: ref.plural }, { metadata: { name: NAME, finalizers: ["networking.k8s.io/service-cidr-finalizer"] }, spec: { cidrs: [cidr] } });
      current = await this.get(ref);
      if (!current) return;
    }
    const conditions = recs((current.status as Json | undefined)?.conditions);
    if (conditions.some((c) => c.type === "Ready" && c.status === "True")) return;
    const ready = { type: "Ready", status: "True", lastTransitionTime: kubeTime(this.clock.now()), reason: "", message: "Kubernetes Service CIDR is ready" };
    await this.client.update({ ...ref, subresource: "status" }, { ...current, status: { conditions: [...conditions.filter((c) => c.type !== "Ready"), ready] } });
  }

  private async get(ref: { group?: string; version: string; plural: string; namespace?: string; name: string }): Promise<StoredObject | undefined> {
    try {
      return await this.client.get(ref);
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined;
      throw error;
    }
  }

  private async create(ref: { group?: string; version: string; plural: string; namespace?: string }, body: StoredObject | Json): Promise<void> {
    try {
      await this.client.create(ref, body);
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 409)) throw error;
    }
  }
}
