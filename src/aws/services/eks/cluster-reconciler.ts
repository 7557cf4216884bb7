import { scaled, type Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { Storage } from "../../../storage/interface.js";
import { RecordStore, type Scope } from "../../records.js";
import type { Ec2State } from "../ec2/ec2-state.js";
import type { ClusterRecord } from "./cluster-record.js";
import type { ControlPlaneHost } from "./control-plane-host.js";

/** EKS's real durations, scaled by the time-scale setting (0 = instant). */
export const EKS_DURATIONS = {
  /** CREATING → ACTIVE: "typically takes about 15 minutes"; about 10 on recent versions. */
  createMs: 10 * 60_000,
  /** DELETING → gone. */
  deleteMs: 4 * 60_000,
};

export const eniOwner = (record: ClusterRecord): string => `eks-cluster:${record.arn}`;

/**
 * Drives clusters through their lifecycle: CREATING until the API server serves and the
 * simulated provisioning time has passed, then ACTIVE; DELETING until the control plane and its
 * state are gone, then the record goes. Also resumes every stored cluster after a restart.
 */
export class ClusterReconciler {
  readonly clusters: RecordStore<ClusterRecord>;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Simulated waits in progress; stopping ends them (the stored state resumes on the next start). */
  private readonly waits = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly ec2: Ec2State,
    private readonly host: ControlPlaneHost,
    private readonly clock: Clock,
    private readonly timeScale: number,
    private readonly logger: Logger,
  ) {
    this.clusters = new RecordStore(storage, "eks", "clusters");
  }

  /** Reconciles one cluster in the background; a second call while one runs waits for it. */
  reconcile(scope: Scope, name: string): Promise<void> {
    const key = `${scope.accountId}/${scope.region}/${name}`;
    const running = this.inFlight.get(key);
    if (running) return running.then(() => this.reconcile(scope, name));
    const work = this.reconcileOnce(scope, name)
      .catch((error: unknown) => {
        if (!(error instanceof ReconcilerStopped)) this.logger.error("cluster reconcile failed", { cluster: name, error: String(error) });
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  /** Every cluster in storage, in any account and region (used at start-up). */
  async resumeAll(): Promise<void> {
    const all = await this.storage.list("/aws/");
    const decoder = new TextDecoder();
    const resumed: Promise<void>[] = [];
    for (const kv of all.items) {
      if (!/^\/aws\/[^/]+\/[^/]+\/eks\/clusters\/[^/]+$/.test(kv.key)) continue;
      const record = JSON.parse(decoder.decode(kv.value)) as ClusterRecord;
      resumed.push(this.reconcile(record, record.name));
    }
    await Promise.all(resumed);
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const stop of [...this.waits]) stop();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async reconcileOnce(scope: Scope, name: string): Promise<void> {
    const record = await this.clusters.get(scope, name);
    if (!record) return;
    if (record.status === "DELETING") return this.finishDelete(scope, record);
    if (record.status === "FAILED") return;

    const started = await this.host.start(record);
    if (record.status === "ACTIVE") {
      // After a restart the old port may be taken; the endpoint follows the server.
      if (started.port !== record.endpointPort) {
        await this.clusters.update(scope, name, (current) => ({ ...current, endpointPort: started.port }));
      }
      return;
    }
    const readyAt = Date.parse(record.createdAt) + scaled(EKS_DURATIONS.createMs, this.timeScale);
    await this.waitUntil(readyAt);
    await this.clusters.update(scope, name, (current) =>
      current.status === "CREATING"
        ? { ...current, status: "ACTIVE", endpointPort: started.port, caCertificatePem: started.caCertificatePem }
        : current,
    );
  }

  private async finishDelete(scope: Scope, record: ClusterRecord): Promise<void> {
    await this.host.destroy(record.id);
    await this.ec2.releaseIps(scope, eniOwner(record));
    await this.waitUntil(this.clock.now().getTime() + scaled(EKS_DURATIONS.deleteMs, this.timeScale));
    await this.clusters.update(scope, record.name, (current) => (current.status === "DELETING" ? undefined : current));
  }

  private waitUntil(epochMs: number): Promise<void> {
    if (this.stopped) return Promise.reject(new ReconcilerStopped());
    const delay = epochMs - this.clock.now().getTime();
    if (delay <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const stop = () => {
        cancel();
        this.waits.delete(stop);
        reject(new ReconcilerStopped());
      };
      const cancel = this.clock.setTimer(delay, () => {
        this.waits.delete(stop);
        resolve();
      });
      this.waits.add(stop);
    });
  }
}

/** Ends a reconcile that was waiting when minieks stopped. */
class ReconcilerStopped extends Error {}
