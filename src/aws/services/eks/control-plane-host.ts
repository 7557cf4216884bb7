import type { ClusterRecord } from "./cluster-record.js";

/**
 * What the EKS reconciler needs from the machinery that runs Kubernetes control planes
 * (implemented in src/cluster). Keeping this an interface keeps `aws/` free of `kube/`.
 */
export interface ControlPlaneHost {
  /**
   * Starts (or resumes after a restart) the cluster's control plane and resolves once its API
   * server serves. Reuses `record.endpointPort` when set, so the endpoint survives restarts.
   */
  start(record: ClusterRecord): Promise<{ port: number; caCertificatePem: string }>;
  /** Stops serving; stored state stays (a restart resumes it). */
  stop(clusterId: string): Promise<void>;
  /** Stops and deletes everything the cluster stored. */
  destroy(clusterId: string): Promise<void>;
}
