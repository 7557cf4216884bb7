import type { Clock } from "../shared/clock.js";
import type { Logger } from "../shared/logger.js";
import type { ClusterRecord } from "../aws/services/eks/cluster-record.js";
import type { ResourceDescriptor } from "../kube/api/descriptor.js";
import type { UserInfo } from "../kube/api/types.js";
import type { ApiHandler } from "../kube/apiserver/api-handler.js";
import { SYSTEM_MASTERS } from "../kube/apiserver/auth/authorizer.js";
import { InProcessClient } from "../kube/client/in-process-client.js";
import { NamespaceController } from "../kube/controllers/namespace/namespace-controller.js";
import type { ClusterNodeSource } from "../kube/kubelet/node-source.js";

/** What a component of one cluster's control plane is given when it starts. */
export interface ClusterContext {
  record: ClusterRecord;
  handler: ApiHandler;
  /** Every resource the cluster serves (built-in ones; CRDs come and go at run time). */
  descriptors: ResourceDescriptor[];
  clock: Clock;
  logger: Logger;
  /** EKS's real durations are multiplied by this (0 = instant); see shared/clock.ts `scaled`. */
  timeScale: number;
  /** The EC2 instances of the cluster and the ENI operations ipamd uses. */
  nodeSource: ClusterNodeSource;
  /** An in-process API client acting as `user` (DESIGN.md rule 2). */
  clientAs(user: UserInfo): InProcessClient;
}

/** A started component: controllers, the scheduler, the kubelet fleet, add-on installers. */
export interface ClusterComponent {
  stop(): void | Promise<void>;
}

export interface ComponentSpec {
  name: string;
  start(ctx: ClusterContext): ClusterComponent | Promise<ClusterComponent>;
}

/** kube-controller-manager's identity. */
export const CONTROLLER_MANAGER_USER: UserInfo = { username: "system:kube-controller-manager", groups: [SYSTEM_MASTERS, "system:authenticated"] };
/** kube-scheduler's identity. */
export const SCHEDULER_USER: UserInfo = { username: "system:kube-scheduler", groups: [SYSTEM_MASTERS, "system:authenticated"] };
/** A kubelet's identity, as its client certificate names it. */
export const nodeUser = (nodeName: string): UserInfo => ({ username: `system:node:${nodeName}`, groups: ["system:nodes", "system:authenticated"] });

/**
 * The components every cluster runs, started in this order after the API server serves and
 * stopped in reverse. Each is an ordinary API client of its cluster.
 */
export const CLUSTER_COMPONENTS: ComponentSpec[] = [
  {
    name: "namespace-controller",
    start: (ctx) => {
      const controller = new NamespaceController(
        ctx.clientAs(CONTROLLER_MANAGER_USER),
        ctx.descriptors.filter((d) => d.namespaced),
        ctx.clock,
        ctx.logger,
      );
      controller.start();
      return controller;
    },
  },
];

export const clientFactory =
  (handler: ApiHandler) =>
  (user: UserInfo): InProcessClient =>
    new InProcessClient(handler, user);
