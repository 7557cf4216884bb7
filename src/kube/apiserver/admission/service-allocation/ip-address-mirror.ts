import type { ResourceStore } from "../../registry/resource-store.js";
import { StatusError } from "../../status.js";

export const IP_FAMILY_LABEL = "ipaddress.kubernetes.io/ip-family";
export const MANAGED_BY_LABEL = "ipaddress.kubernetes.io/managed-by";
export const IP_ALLOCATOR = "ipallocator.k8s.io";

const ignore = (codes: number[]) => (error: unknown) => {
  if (!(error instanceof StatusError && codes.includes(error.code))) throw error;
};

/**
 * The networking.k8s.io/v1 IPAddress objects kube-apiserver 1.33+ keeps for every ClusterIP (one
 * per address, named after it, pointing at its Service), so `kubectl get ipaddresses` shows what
 * is allocated. Here they follow the stored Services — written after the Service, and repaired
 * from the Services on start (as the ipallocator repair loop does) — rather than being the lock.
 */
export class IpAddressMirror {
  /** Writes run one after another, in the order the Services changed. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: () => ResourceStore | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Makes the IPAddresses match `owners` (ip → "namespace/name"). */
  repair(owners: Map<string, string>): Promise<void> {
    this.chain = this.chain.then(() => this.repairNow(owners)).catch(this.onError);
    return this.chain;
  }

  private async repairNow(owners: Map<string, string>): Promise<void> {
    const store = this.store();
    if (!store) return;
    const existing = await store.list(undefined);
    const seen = new Set<string>();
    for (const ip of existing.items) {
      const name = ip.metadata.name ?? "";
      if (ip.metadata.labels?.[MANAGED_BY_LABEL] !== IP_ALLOCATOR) continue;
      seen.add(name);
      if (!owners.has(name)) await store.delete(undefined, name).catch(ignore([404]));
    }
    for (const [ip, owner] of owners) if (!seen.has(ip)) await this.create(store, ip, owner);
  }

  /** A Service's addresses changed from `before` to `after`. */
  update(owner: string, before: string[], after: string[]): void {
    const store = this.store();
    if (!store) return;
    const work = async () => {
      for (const ip of before) if (!after.includes(ip)) await store.delete(undefined, ip).catch(ignore([404]));
      for (const ip of after) if (!before.includes(ip)) await this.create(store, ip, owner);
    };
    this.chain = this.chain.then(work).catch(this.onError);
  }

  private async create(store: ResourceStore, ip: string, owner: string): Promise<void> {
    const [namespace = "", name = ""] = owner.split("/");
    await store
      .create(undefined, {
        metadata: { name: ip, labels: { [IP_FAMILY_LABEL]: "IPv4", [MANAGED_BY_LABEL]: IP_ALLOCATOR } },
        spec: { parentRef: { group: "", resource: "services", namespace, name } },
      })
      .catch(ignore([409]));
  }
}
