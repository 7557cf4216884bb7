import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { InstanceNetwork, NetworkInterfaceFacts, NodeInstance } from "./node-source.js";

/** ipamd's WARM_ENI_TARGET default: keep one whole ENI's worth of secondary IPs free. */
export const WARM_ENI_TARGET = 1;
/** ipamd's IP_COOLDOWN_PERIOD: a freed address is not handed out again for 30 s (× time scale). */
export const IP_COOLDOWN_MS = 30_000;

export interface IpamStats {
  enis: number;
  totalIps: number;
  assigned: number;
  available: number;
}

/**
 * One node's VPC CNI address pool (aws-node's ipamd), over the node's ENIs in EC2.
 * Secondary-IP mode with ipamd's defaults: each ENI holds ipv4PerEni − 1 secondary addresses;
 * the pool grows (more IPs on an ENI with room, else a new ENI, up to the type's limit) whenever
 * fewer than WARM_ENI_TARGET × that many are free, and stops once it holds max-pods addresses.
 * Which pod holds which address lives in the pods (status.podIP) and the ENIs in EC2, so `start`
 * rebuilds the pool from them after a restart; nothing here is the only copy. ENIs are not given
 * back when pods go away (ipamd's shrink path needs a detach call the node source does not offer).
 */
export class NodeIpam {
  private enis: NetworkInterfaceFacts[] = [];
  private readonly byIp = new Map<string, string>();
  private readonly byPod = new Map<string, string>();
  private readonly cooling = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private started = false;

  constructor(
    private readonly instance: NodeInstance,
    private readonly network: InstanceNetwork,
    private readonly clock: Clock,
    private readonly cooldownMs: number,
    private readonly logger: Logger,
  ) {}

  /** ipamd's maxIPsPerENI: every address of an ENI but its primary. */
  get ipsPerEni(): number {
    return this.instance.instanceType.ipv4PerEni - 1;
  }

  /** Loads the ENIs from EC2, claims the addresses pods already hold, and warms the pool. */
  start(inUse: Map<string, string>): Promise<void> {
    return this.serial(async () => {
      this.enis = await this.network.networkInterfaces(this.instance.instanceId);
      const known = new Set(this.enis.flatMap((e) => e.secondaryIps));
      for (const [pod, ip] of inUse) {
        if (!known.has(ip)) continue;
        this.byIp.set(ip, pod);
        this.byPod.set(pod, ip);
      }
      this.started = true;
      await this.grow(false);
    });
  }

  /** The address for a pod: the one it has, else a free one (growing the pool first if needed). Undefined when none is left. */
  assign(podKey: string): Promise<string | undefined> {
    return this.serial(async () => {
      const held = this.byPod.get(podKey);
      if (held) return held;
      let ip = this.freeIp();
      if (!ip) {
        await this.grow(true);
        ip = this.freeIp();
      }
      if (!ip) return undefined;
      this.byIp.set(ip, podKey);
      this.byPod.set(podKey, ip);
      await this.grow(false);
      return ip;
    });
  }

  /** Gives the pod's address back to the pool (after the cooldown). */
  release(podKey: string): boolean {
    const ip = this.byPod.get(podKey);
    if (!ip) return false;
    this.byPod.delete(podKey);
    this.byIp.delete(ip);
    if (this.cooldownMs > 0) this.cooling.set(ip, this.clock.now().getTime() + this.cooldownMs);
    return true;
  }

  addressOf(podKey: string): string | undefined {
    return this.byPod.get(podKey);
  }

  get ready(): boolean {
    return this.started;
  }

  stats(): IpamStats {
    const totalIps = this.enis.reduce((n, e) => n + e.secondaryIps.length, 0);
    return { enis: this.enis.length, totalIps, assigned: this.byIp.size, available: totalIps - this.byIp.size };
  }

  /** ENI and address layout, e.g. for tests and diagnostics. */
  interfaces(): NetworkInterfaceFacts[] {
    return this.enis.map((e) => ({ ...e, secondaryIps: [...e.secondaryIps] }));
  }

  private freeIp(): string | undefined {
    const now = this.clock.now().getTime();
    const ordered = [...this.enis].sort((a, b) => a.deviceIndex - b.deviceIndex);
    for (const eni of ordered) {
      for (const ip of eni.secondaryIps) {
        if (this.byIp.has(ip)) continue;
        const until = this.cooling.get(ip);
        if (until !== undefined) {
          if (until > now) continue;
          this.cooling.delete(ip);
        }
        return ip;
      }
    }
    return undefined;
  }

  /**
   * ipamd's increaseDatastorePool loop: while the pool is low, add secondary IPs to an ENI with
   * room, else attach a new ENI (up to the instance type's limit). `needOne` also grows a pool
   * that is not "low" by the warm target but has no usable address (all cooling down).
   */
  private async grow(needOne: boolean): Promise<void> {
    const maxPods = this.instance.instanceType.maxPods;
    for (let round = 0; round < 2 * this.instance.instanceType.maxEnis + 2; round++) {
      const { totalIps, available } = this.stats();
      if (totalIps >= maxPods) return;
      const low = available < this.ipsPerEni * WARM_ENI_TARGET || available === 0;
      if (!low && !(needOne && !this.freeIp())) return;
      try {
        const withRoom = this.enis.find((e) => e.secondaryIps.length < this.ipsPerEni);
        if (withRoom) {
          const ips = await this.network.assignPrivateIps(withRoom.networkInterfaceId, this.ipsPerEni - withRoom.secondaryIps.length);
          if (ips.length === 0) return;
          withRoom.secondaryIps.push(...ips);
          continue;
        }
        if (this.enis.length >= this.instance.instanceType.maxEnis) return;
        const eni = await this.network.attachNetworkInterface(this.instance.instanceId);
        this.enis.push({ ...eni, secondaryIps: [...eni.secondaryIps] });
      } catch (error) {
        // EC2 refused (subnet out of addresses, ENI limit): ipamd logs and tries again later.
        this.logger.warn("ipamd could not grow the address pool", { instance: this.instance.instanceId, error: (error as Error).message });
        return;
      }
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
