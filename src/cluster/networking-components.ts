/**
 * Cluster components for Services, identities, node health and disruption: the API server's
 * `kubernetes` Service, the endpoint, EndpointSlice, service-account and root-CA controllers, node
 * lifecycle with taint-based eviction and pod GC, PodDisruptionBudget status, and EKS's default
 * add-ons.
 * Each starts only if the resources it needs are served.
 */
import type { UserInfo } from "../kube/api/types.js";
import { SYSTEM_MASTERS } from "../kube/apiserver/auth/authorizer.js";
import { controllerContext } from "../kube/controllers/common/controller-context.js";
import { DisruptionController } from "../kube/controllers/disruption/disruption-controller.js";
import { EndpointsController } from "../kube/controllers/endpoints/endpoints-controller.js";
import { EndpointSliceController } from "../kube/controllers/endpointslice/endpointslice-controller.js";
import { KubernetesService } from "../kube/controllers/kubernetes-service/kubernetes-service.js";
import { NodeLifecycleController } from "../kube/controllers/node-lifecycle/node-lifecycle-controller.js";
import { PodGarbageCollector } from "../kube/controllers/pod-gc/pod-gc-controller.js";
import { RootCaPublisher } from "../kube/controllers/root-ca-publisher/root-ca-publisher.js";
import { ServiceAccountController } from "../kube/controllers/serviceaccount/serviceaccount-controller.js";
import { TaintEvictionController } from "../kube/controllers/taint-eviction/taint-eviction-controller.js";
import { EKS_ADDON_USER, installDefaultAddons } from "./addons/addon-installer.js";
import { CONTROLLER_MANAGER_USER, type ClusterContext, type ComponentSpec } from "./cluster-components.js";

/** kube-apiserver's loopback identity, which maintains its own `kubernetes` Service. */
const APISERVER_USER: UserInfo = { username: "system:apiserver", groups: [SYSTEM_MASTERS, "system:authenticated"] };

const serves = (ctx: ClusterContext, group: string, plural: string): boolean => ctx.descriptors.some((d) => d.group === group && d.plural === plural);
const kcm = (ctx: ClusterContext) => controllerContext(ctx, ctx.clientAs(CONTROLLER_MANAGER_USER));
const idle = { stop() {} };

export const SERVICE_NETWORKING_COMPONENTS: ComponentSpec[] = [
  {
    name: "kubernetes-service",
    start: (ctx) => {
      if (!ctx.controlPlaneAddresses?.length) ctx.logger.warn("control-plane ENI addresses unknown: the kubernetes endpoints list no addresses", { cluster: ctx.record.name });
      return new KubernetesService(
        ctx.clientAs(APISERVER_USER),
        {
          serviceCidr: ctx.record.kubernetesNetworkConfig.serviceIpv4Cidr,
          addresses: ctx.controlPlaneAddresses ?? [],
          endpointSlices: serves(ctx, "discovery.k8s.io", "endpointslices"),
          serviceCidrs: serves(ctx, "networking.k8s.io", "servicecidrs"),
        },
        ctx.clock,
        ctx.logger,
      ).start();
    },
  },
  {
    name: "endpoint-controller",
    start: (ctx) => {
      if (!serves(ctx, "", "endpoints")) return idle;
      const k = kcm(ctx);
      return new EndpointsController(k.client, k.informers, k.clock, k.logger).start();
    },
  },
  {
    name: "endpointslice-controller",
    start: (ctx) => {
      if (!serves(ctx, "discovery.k8s.io", "endpointslices")) return idle;
      const k = kcm(ctx);
      return new EndpointSliceController(k.client, k.informers, k.clock, k.logger).start();
    },
  },
  {
    name: "serviceaccount-controller",
    start: (ctx) => {
      const k = kcm(ctx);
      return new ServiceAccountController(k.client, k.informers, k.clock, k.logger).start();
    },
  },
  {
    name: "root-ca-cert-publisher",
    start: (ctx) => {
      if (!ctx.caCertificatePem) return idle;
      const k = kcm(ctx);
      return new RootCaPublisher(k.client, k.informers, ctx.caCertificatePem, k.clock, k.logger).start();
    },
  },
];

export const NODE_AND_DISRUPTION_COMPONENTS: ComponentSpec[] = [
  {
    name: "node-lifecycle-controller",
    start: (ctx) => {
      if (!serves(ctx, "coordination.k8s.io", "leases")) return idle;
      const k = kcm(ctx);
      return new NodeLifecycleController(k.client, k.informers, k.clock, k.logger).start();
    },
  },
  {
    name: "taint-eviction-controller",
    start: (ctx) => {
      const k = kcm(ctx);
      return new TaintEvictionController(k.client, k.informers, k.clock, k.logger).start();
    },
  },
  {
    name: "pod-garbage-collector",
    start: (ctx) => {
      const k = kcm(ctx);
      return new PodGarbageCollector(k.client, k.informers, k.clock, k.logger).start();
    },
  },
  {
    name: "disruption-controller",
    start: (ctx) => {
      if (!serves(ctx, "policy", "poddisruptionbudgets")) return idle;
      const k = kcm(ctx);
      return new DisruptionController(k.client, k.informers, ctx.descriptors, k.clock, k.logger).start();
    },
  },
  {
    name: "default-addons",
    start: async (ctx) => {
      await installDefaultAddons(ctx.clientAs(EKS_ADDON_USER), ctx.record, ctx.descriptors, ctx.endpoint ?? "", ctx.logger);
      return idle;
    },
  },
];
