import type { ClusterRecord } from "../aws/services/eks/cluster-record.js";
import type { ControlPlaneHost } from "../aws/services/eks/control-plane-host.js";
import { ControlPlane, clusterStorageRoot, type ControlPlaneDeps } from "./control-plane.js";

/** Runs the control planes of all clusters in this process (DESIGN.md §5 spreads them later). */
export class LocalControlPlaneHost implements ControlPlaneHost {
  private readonly running = new Map<string, Promise<ControlPlane>>();

  constructor(private readonly deps: ControlPlaneDeps) {}

  async start(record: ClusterRecord): Promise<{ port: number; caCertificatePem: string }> {
    let plane = this.running.get(record.id);
    if (!plane) {
      plane = ControlPlane.start(this.deps, record);
      this.running.set(record.id, plane);
      plane.catch(() => this.running.delete(record.id));
    }
    const { port, caCertificatePem } = await plane;
    return { port, caCertificatePem };
  }

  async stop(clusterId: string): Promise<void> {
    const plane = this.running.get(clusterId);
    this.running.delete(clusterId);
    if (plane) await (await plane).stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  async destroy(clusterId: string): Promise<void> {
    await this.stop(clusterId);
    const { storage } = this.deps;
    const prefix = `${clusterStorageRoot(clusterId)}/`;
    for (;;) {
      const page = await storage.list(prefix, { limit: 500 });
      if (page.items.length === 0) return;
      for (const kv of page.items) {
        try {
          await storage.delete(kv.key, kv.modRevision);
        } catch {
          // changed under us; the next pass sees it again
        }
      }
    }
  }
}
