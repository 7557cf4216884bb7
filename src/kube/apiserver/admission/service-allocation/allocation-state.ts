import type { Clock } from "../../../../shared/clock.js";
import type { StoredObject } from "../../../api/types.js";
import { objectKey } from "../../../client/informer.js";
import type { ResourceStore } from "../../registry/resource-store.js";
import type { IpAddressMirror } from "./ip-address-mirror.js";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]).filter((x) => x !== null && typeof x === "object") : []);

/** What one Service holds: its ClusterIPs and node ports (nodePorts and healthCheckNodePort). */
export interface Holdings {
  ips: string[];
  ports: number[];
}

export function holdingsOf(svc: StoredObject): Holdings {
  const spec = rec(svc.spec);
  const ips = (Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [spec.clusterIP]).filter(
    (ip): ip is string => typeof ip === "string" && ip !== "" && ip !== "None",
  );
  const ports = list(spec.ports)
    .map((p) => p.nodePort)
    .filter((p): p is number => typeof p === "number" && p > 0);
  if (typeof spec.healthCheckNodePort === "number" && spec.healthCheckNodePort > 0) ports.push(spec.healthCheckNodePort);
  return { ips, ports: [...new Set(ports)] };
}

/** A reservation between admission and the write that makes it visible; it lapses if the write never lands. */
const PENDING_TTL_MS = 60_000;

/**
 * Which ClusterIPs and node ports are taken, derived from the stored Services (list, then watch
 * from that revision), so a restart rebuilds exactly what storage holds (DESIGN rule 1). Requests
 * in flight hold pending reservations keyed by their Service, replaced by that Service's next
 * attempt and dropped once the stored Service shows up. Several processes sharing one store would
 * still race between admission and write; upstream closes that gap with IPAddress objects.
 */
export class AllocationState {
  private readonly committed = new Map<string, Holdings>();
  private readonly ipOwner = new Map<string, string>();
  private readonly portOwner = new Map<number, string>();
  private readonly pending = new Map<string, Holdings & { at: number }>();
  private ready?: Promise<void>;
  private cancelWatch?: () => void;
  private closed = false;

  constructor(
    private readonly services: () => ResourceStore | undefined,
    private readonly clock: Clock,
    private readonly mirror?: IpAddressMirror,
  ) {}

  /** Lists the stored Services once and follows them from then on. */
  sync(): Promise<void> {
    this.ready ??= this.load().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  close(): void {
    this.closed = true;
    this.cancelWatch?.();
  }

  /** Free for `key`: nobody else holds it, neither stored nor pending. */
  ipFree(ip: string, key: string): boolean {
    const owner = this.ipOwner.get(ip);
    if (owner !== undefined && owner !== key) return false;
    return !this.pendingOwners(key).some((h) => h.ips.includes(ip));
  }

  portFree(port: number, key: string): boolean {
    const owner = this.portOwner.get(port);
    if (owner !== undefined && owner !== key) return false;
    return !this.pendingOwners(key).some((h) => h.ports.includes(port));
  }

  /** Holds `holdings` for `key` until its write is seen (or lapses). */
  reserve(key: string, holdings: Holdings): void {
    this.pending.set(key, { ...holdings, at: this.clock.now().getTime() });
  }

  private pendingOwners(key: string): Holdings[] {
    const now = this.clock.now().getTime();
    const out: Holdings[] = [];
    for (const [owner, h] of this.pending) {
      if (now - h.at > PENDING_TTL_MS) this.pending.delete(owner);
      else if (owner !== key) out.push(h);
    }
    return out;
  }

  private async load(): Promise<void> {
    const store = this.services();
    if (!store) return;
    const page = await store.list(undefined);
    this.committed.clear();
    this.ipOwner.clear();
    this.portOwner.clear();
    for (const svc of page.items) this.set(objectKey(svc), holdingsOf(svc));
    if (this.closed) return;
    void this.mirror?.repair(new Map(this.ipOwner)).catch(() => undefined);
    this.cancelWatch = store.watch(
      undefined,
      Number(page.resourceVersion),
      (type, obj) => {
        const key = objectKey(obj);
        this.pending.delete(key);
        const before = this.committed.get(key)?.ips ?? [];
        const after = type === "DELETED" ? undefined : holdingsOf(obj);
        this.set(key, after);
        this.mirror?.update(key, before, after?.ips ?? []);
      },
      () => {
        // Compacted or closed: rebuild from a fresh list on the next request.
        this.cancelWatch?.();
        this.ready = undefined;
      },
    );
  }

  private set(key: string, holdings: Holdings | undefined): void {
    const old = this.committed.get(key);
    for (const ip of old?.ips ?? []) if (this.ipOwner.get(ip) === key) this.ipOwner.delete(ip);
    for (const port of old?.ports ?? []) if (this.portOwner.get(port) === key) this.portOwner.delete(port);
    if (!holdings || (holdings.ips.length === 0 && holdings.ports.length === 0)) {
      this.committed.delete(key);
      return;
    }
    this.committed.set(key, holdings);
    for (const ip of holdings.ips) this.ipOwner.set(ip, key);
    for (const port of holdings.ports) this.portOwner.set(port, key);
  }
}
