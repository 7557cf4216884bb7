import type { Clock } from "../shared/clock.js";
import type { Logger } from "../shared/logger.js";
import type { ClusterRecord } from "../aws/services/eks/cluster-record.js";
import type { ResourceDescriptor } from "../kube/api/descriptor.js";
import type { UserInfo } from "../kube/api/types.js";
import type { ApiHandler } from "../kube/apiserver/api-handler.js";
import type { LegacyTokenGenerator } from "../kube/apiserver/auth/legacy-service-account-token.js";
import { SYSTEM_MASTERS } from "../kube/apiserver/auth/authorizer.js";
import { ensureEksStorageClass, ensureSystemPriorityClasses } from "../kube/api/builtin-resources.js";
import { InProcessClient } from "../kube/client/in-process-client.js";
import { NamespaceController } from "../kube/controllers/namespace/namespace-controller.js";
import { CrdController } from "../kube/controllers/crd/crd-controller.js";
import { AGGREGATION_CONTROLLER_USER, ClusterRoleAggregationController } from "../kube/controllers/clusterrole-aggregation/clusterrole-aggregation-controller.js";
import { Scheduler } from "../kube/scheduler/scheduler.js";
import { controllerContext, serves } from "../kube/controllers/common/controller-context.js";
import { REPLICATION_CONTROLLERS, ReplicaSetController } from "../kube/controllers/replicaset/replicaset-controller.js";
import { DeploymentController } from "../kube/controllers/deployment/deployment-controller.js";
import { GarbageCollector } from "../kube/controllers/garbage-collector/garbage-collector.js";
import { DaemonSetController } from "../kube/controllers/daemonset/daemonset-controller.js";
import { StatefulSetController } from "../kube/controllers/statefulset/statefulset-controller.js";
import { JobController } from "../kube/controllers/job/job-controller.js";
import { CronJobController } from "../kube/controllers/cronjob/cronjob-controller.js";
import { TtlAfterFinishedController } from "../kube/controllers/ttl-after-finished/ttl-after-finished-controller.js";
import { ResourceQuotaController } from "../kube/controllers/resourcequota/resourcequota-controller.js";
import { HorizontalPodAutoscalerController } from "../kube/controllers/hpa/hpa-controller.js";
import { ensureMetricsApiService } from "../kube/metrics/metrics-apiservice.js";
import type { ClusterNodeSource } from "../kube/kubelet/node-source.js";
import { startKubeletFleet } from "../kube/kubelet/kubelet-component.js";
import { EKS_NODE_MANAGER_USER, NodeDrainController } from "../kube/controllers/node-drain/node-drain-controller.js";
import { findVersion } from "../aws/services/eks/versions.js";
import { TokensController } from "../kube/controllers/serviceaccount-token/tokens-controller.js";
import { NODE_AND_DISRUPTION_COMPONENTS, SERVICE_NETWORKING_COMPONENTS } from "./networking-components.js";

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
  /** The cluster CA certificate (PEM), as kube-root-ca.crt publishes it. */
  caCertificatePem?: string;
  /** The control-plane ENI addresses in the cluster subnets, when the EKS side knows them (the `kubernetes` endpoints). */
  controlPlaneAddresses?: string[];
  /** The API server's URL (https://127.0.0.1:<port>), as in-cluster configuration names it. */
  endpoint?: string;
  /** Signs legacy service-account tokens with the cluster's key (kube-controller-manager's --service-account-private-key-file). */
  legacyTokens?: LegacyTokenGenerator;
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
/** kube-apiserver's own loopback identity (it creates the objects every cluster starts with). */
export const APISERVER_USER: UserInfo = { username: "system:apiserver", groups: [SYSTEM_MASTERS, "system:authenticated"] };
/** kube-scheduler's identity. */
export const SCHEDULER_USER: UserInfo = { username: "system:kube-scheduler", groups: [SYSTEM_MASTERS, "system:authenticated"] };
/** A kubelet's identity, as its client certificate names it. */
export const nodeUser = (nodeName: string): UserInfo => ({ username: `system:node:${nodeName}`, groups: ["system:nodes", "system:authenticated"] });

/** kube-controller-manager's controllers: its identity, and one set of shared informers per cluster. */
const kcm = (ctx: ClusterContext) => controllerContext(ctx, ctx.clientAs(CONTROLLER_MANAGER_USER));

/**
 * The components every cluster runs, started in this order after the API server serves and
 * stopped in reverse. Each is an ordinary API client of its cluster.
 */
export const CLUSTER_COMPONENTS: ComponentSpec[] = [
  {
    // apiextensions-apiserver's part of kube-apiserver: serves the stored CRDs' custom resources.
    name: "crd-controller",
    start: (ctx) => new CrdController(ctx.clientAs(APISERVER_USER), ctx.handler, ctx.clock, ctx.logger).start(),
  },
  {
    name: "namespace-controller",
    start: (ctx) => {
      const controller = new NamespaceController(
        ctx.clientAs(CONTROLLER_MANAGER_USER),
        // Only what can be listed: create-only kinds (LocalSubjectAccessReview) hold nothing to delete.
        () => ctx.handler.descriptors().filter((d) => d.namespaced && d.verbs.includes("list")),
        ctx.clock,
        ctx.logger,
      );
      controller.start();
      return controller;
    },
  },
  {
    // Objects every EKS cluster has from the start: the system priority classes and the gp2 StorageClass.
    name: "cluster-defaults",
    start: async (ctx) => {
      const apiserver = ctx.clientAs(APISERVER_USER);
      await ensureSystemPriorityClasses(apiserver);
      await ensureEksStorageClass(apiserver);
      return { stop() {} };
    },
  },
  { name: "garbage-collector", start: (ctx) => new GarbageCollector(kcm(ctx)).start() },
  {
    name: "clusterrole-aggregation-controller",
    start: (ctx) => new ClusterRoleAggregationController(ctx.clientAs(AGGREGATION_CONTROLLER_USER), ctx.clock, ctx.logger).start(),
  },
  { name: "replicaset-controller", start: (ctx) => new ReplicaSetController(kcm(ctx)).start() },
  {
    name: "replication-controller",
    start: (ctx) => (serves(kcm(ctx), "", "replicationcontrollers") ? new ReplicaSetController(kcm(ctx), REPLICATION_CONTROLLERS).start() : { stop() {} }),
  },
  { name: "deployment-controller", start: (ctx) => new DeploymentController(kcm(ctx)).start() },
  { name: "daemonset-controller", start: (ctx) => new DaemonSetController(kcm(ctx)).start() },
  { name: "statefulset-controller", start: (ctx) => new StatefulSetController(kcm(ctx)).start() },
  { name: "job-controller", start: (ctx) => new JobController(kcm(ctx)).start() },
  { name: "cronjob-controller", start: (ctx) => new CronJobController(kcm(ctx)).start() },
  { name: "ttl-after-finished-controller", start: (ctx) => new TtlAfterFinishedController(kcm(ctx)).start() },
  { name: "resourcequota-controller", start: (ctx) => new ResourceQuotaController(kcm(ctx)).start() },
  {
    name: "horizontal-pod-autoscaler-controller",
    start: (ctx) => (serves(kcm(ctx), "autoscaling", "horizontalpodautoscalers") ? new HorizontalPodAutoscalerController(kcm(ctx)).start() : { stop() {} }),
  },
  {
    // The APIService that announces metrics.k8s.io (served in-process, so Local), as installing metrics-server registers it.
    name: "metrics-apiservice",
    start: async (ctx) => {
      await ensureMetricsApiService(ctx.clientAs(APISERVER_USER), ctx.descriptors);
      return { stop() {} };
    },
  },
  {
    name: "kubelet-fleet",
    start: (ctx) =>
      startKubeletFleet({
        ...ctx,
        cluster: { clusterName: ctx.record.name, region: ctx.record.region, kubernetesPatch: findVersion(ctx.record.version)?.patch ?? `${ctx.record.version}.0` },
        nodeUser,
      }),
  },
  {
    name: "default-scheduler",
    start: (ctx) =>
      new Scheduler(ctx.clientAs(SCHEDULER_USER), {
        clock: ctx.clock,
        logger: ctx.logger,
        serves: (group, version, plural) => ctx.descriptors.some((d) => d.group === group && d.version === version && d.plural === plural),
      }).start(),
  },
  ...SERVICE_NETWORKING_COMPONENTS,
  {
    // Legacy secret-based tokens, signed with the key the API server verifies them with.
    name: "serviceaccount-token-controller",
    start: (ctx) => (ctx.legacyTokens ? new TokensController(kcm(ctx), ctx.legacyTokens, ctx.caCertificatePem).start() : { stop() {} }),
  },
  ...NODE_AND_DISRUPTION_COMPONENTS,
  {
    // EKS's node manager: cordons and drains the nodes of instances a node group is terminating (scale-in, deletion).
    name: "node-drain",
    start: (ctx) => new NodeDrainController(ctx.clientAs(EKS_NODE_MANAGER_USER), ctx.nodeSource, ctx.clock, ctx.logger).start(),
  },
];

export const clientFactory =
  (handler: ApiHandler) =>
  (user: UserInfo): InProcessClient =>
    new InProcessClient(handler, user);
