import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { UserInfo } from "../api/types.js";
import type { ApiHandler } from "../apiserver/api-handler.js";
import type { InProcessClient } from "../client/in-process-client.js";
import { CLOUD_CONTROLLER_MANAGER_USER, KUBELET_FLEET_USER } from "./identities.js";
import { KubeletFleet, registerFleet, unregisterFleet } from "./kubelet-fleet.js";
import type { ClusterFacts } from "./node-object.js";
import type { ClusterNodeSource } from "./node-source.js";

export interface KubeletFleetContext {
  handler: ApiHandler;
  nodeSource: ClusterNodeSource;
  clock: Clock;
  logger: Logger;
  timeScale: number;
  cluster: ClusterFacts;
  clientAs(user: UserInfo): InProcessClient;
  /** A kubelet's identity (system:node:<name> in system:nodes). */
  nodeUser(nodeName: string): UserInfo;
}

/** Starts a cluster's kubelet fleet: its watches, its log provider for pods/log, and its usage query for metrics. */
export async function startKubeletFleet(ctx: KubeletFleetContext): Promise<{ stop(): void }> {
  const fleet = new KubeletFleet({
    nodeSource: ctx.nodeSource,
    clock: ctx.clock,
    logger: ctx.logger,
    timeScale: ctx.timeScale,
    cluster: ctx.cluster,
    reader: ctx.clientAs(KUBELET_FLEET_USER),
    kubeletClient: (name) => ctx.clientAs(ctx.nodeUser(name)),
    cloudController: ctx.clientAs(CLOUD_CONTROLLER_MANAGER_USER),
    setLogProvider: (provider) => ctx.handler.setPodLogProvider(provider),
  });
  registerFleet(ctx.handler, fleet);
  await fleet.start();
  return {
    stop() {
      unregisterFleet(ctx.handler);
      fleet.stop();
    },
  };
}
