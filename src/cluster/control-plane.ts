import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Clock } from "../shared/clock.js";
import type { Logger } from "../shared/logger.js";
import type { Storage } from "../storage/interface.js";
import type { CredentialStore } from "../aws/gateway/credentials.js";
import type { ClusterRecord } from "../aws/services/eks/cluster-record.js";
import { findVersion } from "../aws/services/eks/versions.js";
import { CORE_V1 } from "../kube/api/core-v1.js";
import { withCoreLifecycle } from "../kube/api/core-lifecycle.js";
import { APPS_V1 } from "../kube/api/apps-v1.js";
import { BATCH_V1 } from "../kube/api/batch-v1.js";
import { withWorkloadLifecycle } from "../kube/api/workload-lifecycle.js";
import { ApiHandler } from "../kube/apiserver/api-handler.js";
import { defaultTolerationSeconds } from "../kube/apiserver/admission/default-toleration-seconds.js";
import { type PriorityAdmission, priorityAdmission } from "../kube/apiserver/admission/priority.js";
import { type LimitRanger, limitRanger } from "../kube/apiserver/admission/limit-ranger.js";
import { type ResourceQuotaAdmission, resourceQuotaAdmission } from "../kube/apiserver/admission/resource-quota.js";
import { WebhookAdmission } from "../kube/apiserver/admission/webhook/webhook-admission.js";
import { serviceRangeAddresses } from "../kube/apiserver/admission/webhook/client-config.js";
import { podSecurityAdmission } from "../kube/apiserver/admission/pod-security/pod-security.js";
import { metricsDescriptors } from "../kube/metrics/metrics-api.js";
import { kubeletFleetOf } from "../kube/kubelet/kubelet-fleet.js";
import type { FleetUsage } from "../kube/kubelet/usage.js";
import { ServiceAllocator } from "../kube/apiserver/admission/service-allocation/service-allocation.js";
import { ClusterAuth, EKS_API_AUDIENCES } from "../kube/apiserver/auth/cluster-auth.js";
import { eksOidcIssuer } from "../kube/apiserver/auth/service-account-token.js";
import type { IssuerDiscovery } from "../kube/apiserver/auth/oidc-discovery.js";
import { privateDnsName } from "../aws/services/ec2/instances.js";
import { RBAC_V1 } from "../kube/api/rbac-v1.js";
import { APIEXTENSIONS_V1 } from "../kube/api/apiextensions-v1.js";
import { unenforcedRulesWarning } from "../kube/api/custom-resources/unenforced-rules.js";
import { BUILTIN_EXTRA, csrRequesterAdmission } from "../kube/api/builtin-resources.js";
import { AUTHENTICATION_V1, AUTHORIZATION_V1, withServiceAccountToken } from "../kube/api/review-v1.js";
import { loadOrCreateServiceAccountKey } from "./service-account-key.js";
import { createApiHttpServer } from "../kube/apiserver/http-server.js";
import { StatusError } from "../kube/apiserver/status.js";
import { InProcessClient } from "../kube/client/in-process-client.js";
import type { ClusterNodeSource } from "../kube/kubelet/node-source.js";
import { APISERVER_USER, CLUSTER_COMPONENTS, clientFactory, type ClusterComponent } from "./cluster-components.js";
import type { ClusterPki } from "./pki.js";
import type { RsaKeyPool } from "./rsa-key-pool.js";

/** The namespaces every cluster has from the start. */
export const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

/** Built-in components act as these users (kube-apiserver's loopback client; kube-controller-manager). */

export interface ControlPlaneDeps {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  credentials: CredentialStore;
  /** Hosts an EKS token's presigned URL may name (the local gateway and STS's real names). */
  tokenHosts: (host: string) => boolean;
  keys: RsaKeyPool;
  timeScale: number;
  /** The EC2 instances behind a cluster's nodes (EC2 implements it). */
  nodeSource: (record: ClusterRecord) => ClusterNodeSource;
}

export const clusterStorageRoot = (clusterId: string): string => `/k8s/${clusterId}`;

/** Every resource a cluster serves, with its lifecycle rules. */
export const descriptors = () =>
  withServiceAccountToken(withWorkloadLifecycle(withCoreLifecycle([...CORE_V1, ...APPS_V1, ...BATCH_V1, ...BUILTIN_EXTRA, ...RBAC_V1, ...AUTHORIZATION_V1, ...AUTHENTICATION_V1, ...APIEXTENSIONS_V1])));

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * One cluster's control plane: its CA and serving certificate (kept in storage), the API server
 * on its own loopback HTTPS port, and the built-in controllers, which reach the API server
 * through the in-process client.
 */
export class ControlPlane {
  private constructor(
    private readonly server: Server,
    private readonly components: ClusterComponent[],
    readonly port: number,
    readonly caCertificatePem: string,
  ) {}

  static async start(deps: ControlPlaneDeps, record: ClusterRecord): Promise<ControlPlane> {
    const root = clusterStorageRoot(record.id);
    const pki = await loadOrCreatePki(deps, root);
    const facts = findVersion(record.version);
    const [major = "1", minor = "0"] = record.version.split(".");
    let port = 0;
    let serviceAllocator: ServiceAllocator | undefined;
    let priority: PriorityAdmission | undefined;
    let limits: LimitRanger | undefined;
    let quota: ResourceQuotaAdmission | undefined;
    let webhooks: WebhookAdmission | undefined;
    const auth = new ClusterAuth({
      clock: deps.clock,
      version: record.version,
      issuer: eksOidcIssuer(record.region, record.id),
      apiAudiences: EKS_API_AUDIENCES,
      serviceAccountKey: await loadOrCreateServiceAccountKey(deps.storage, root, deps.keys),
      eks: {
        clusterName: record.name,
        credentials: deps.credentials,
        clock: deps.clock,
        allowedHosts: deps.tokenHosts,
        creator: record.creator,
        bootstrapClusterCreatorAdminPermissions: record.accessConfig.bootstrapClusterCreatorAdminPermissions,
        authenticationMode: record.accessConfig.authenticationMode,
      },
    });
    // jwks_uri names the API server's external address: on EKS an instance's private DNS name, port 443.
    let discovery: IssuerDiscovery | undefined;
    const issuerDiscovery = () => {
      const address = record.controlPlaneAddresses?.[0];
      if (!address && !port) return undefined;
      discovery ??= auth.issuerDiscovery(address ? `${privateDnsName(address, record.region)}:443` : `127.0.0.1:${port}`);
      return discovery;
    };
    const handler: ApiHandler = new ApiHandler({
      storage: deps.storage,
      registryRoot: `${root}/registry`,
      // metrics.k8s.io is computed from the kubelet fleet's simulated usage (metrics-server's role).
      descriptors: [...descriptors(), ...metricsDescriptors((): FleetUsage | undefined => kubeletFleetOf(handler)?.usage())],
      clock: deps.clock,
      authorizer: auth.authorizer,
      virtualCreates: (h) => auth.virtualCreates(h),
      issuerDiscovery,
      version: { major, minor, gitVersion: `v${facts?.patch ?? `${record.version}.0`}-eks-0000000` },
      serverAddress: () => `127.0.0.1:${port}`,
      admission: (h) => {
        // ClusterIPs and node ports are allocated by the service storage upstream; here, the admission chain.
        serviceAllocator = new ServiceAllocator(h, record.kubernetesNetworkConfig.serviceIpv4Cidr, deps.clock);
        priority = priorityAdmission(h);
        limits = limitRanger(h);
        quota = resourceQuotaAdmission(h, deps.clock);
        const [serviceAccount, rbacEscalation] = auth.admission(h);
        webhooks = new WebhookAdmission({
          client: new InProcessClient(h, APISERVER_USER),
          clock: deps.clock,
          descriptors: () => h.descriptors(),
          serves: (plural) => h.store("admissionregistration.k8s.io", "v1", plural) !== undefined,
          simulated: serviceRangeAddresses(record.kubernetesNetworkConfig.serviceIpv4Cidr),
          logger: deps.logger,
        });
        // Upstream's order: LimitRanger before ServiceAccount; the webhooks, then ResourceQuota, last.
        return [serviceAllocator.plugin(), limits.plugin(), serviceAccount, podSecurityAdmission(h).plugin(), priority.plugin(), defaultTolerationSeconds(), rbacEscalation, csrRequesterAdmission, unenforcedRulesWarning, ...webhooks.plugins(), quota.plugin()].filter(
          (p) => p !== undefined,
        );
      },
    });

    const apiserver = new InProcessClient(handler, APISERVER_USER);
    for (const name of SYSTEM_NAMESPACES) {
      try {
        await apiserver.create({ version: "v1", plural: "namespaces" }, { metadata: { name } });
      } catch (error) {
        if (!(error instanceof StatusError && error.code === 409)) throw error;
      }
    }
    // Default roles and bindings, then RBAC's caches: RBAC is in force from the first request served.
    await auth.start(apiserver);


    const server = createApiHttpServer({
      key: pki.servingKey,
      cert: pki.servingCertificate,
      handler,
      logger: deps.logger,
      authenticate: auth.authenticate,
      authorizer: auth.authorizer,
      clientCa: pki.caCertificate,
    });
    port = await listen(server, record.endpointPort);
    deps.logger.info("cluster API server serving", { cluster: record.name, port });

    const context = {
      record,
      handler,
      descriptors: descriptors(),
      clock: deps.clock,
      logger: deps.logger,
      timeScale: deps.timeScale,
      nodeSource: deps.nodeSource(record),
      clientAs: clientFactory(handler),
      caCertificatePem: pki.caCertificate,
      endpoint: `https://127.0.0.1:${port}`,
      controlPlaneAddresses: record.controlPlaneAddresses,
      legacyTokens: auth.legacyTokens,
    };
    // Stopped last: the allocator follows stored Services for as long as the API serves.
    const components: ClusterComponent[] = [
      {
        stop: () => {
          auth.stop();
          serviceAllocator?.close();
          priority?.close();
          limits?.close();
          quota?.close();
          webhooks?.close();
        },
      },
    ];
    for (const spec of CLUSTER_COMPONENTS) {
      try {
        components.push(await spec.start(context));
      } catch (error) {
        deps.logger.error("cluster component failed to start", { cluster: record.name, component: spec.name, error: (error as Error).message });
      }
    }
    return new ControlPlane(server, components, port, pki.caCertificate);
  }

  async stop(): Promise<void> {
    for (const component of [...this.components].reverse()) await component.stop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function loadOrCreatePki(deps: ControlPlaneDeps, root: string): Promise<ClusterPki> {
  const key = `${root}/pki`;
  const existing = await deps.storage.get(key);
  if (existing) return JSON.parse(decoder.decode(existing.value)) as ClusterPki;
  // Loaded on first use: the X.509 library is a large share of start-up time.
  const { createClusterPki } = await import("./pki.js");
  const pki = await createClusterPki(deps.clock.now(), deps.keys);
  try {
    await deps.storage.create(key, encoder.encode(JSON.stringify(pki)));
    return pki;
  } catch {
    const raced = await deps.storage.get(key);
    if (!raced) throw new Error(`cannot store the cluster PKI at ${key}`);
    return JSON.parse(decoder.decode(raced.value)) as ClusterPki;
  }
}

/** Listens on the wanted port (to keep a stored endpoint after a restart), else on a free one. */
function listen(server: Server, wanted?: number): Promise<number> {
  const attempt = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", onError);
        resolve((server.address() as AddressInfo).port);
      });
    });
  return wanted ? attempt(wanted).catch(() => attempt(0)) : attempt(0);
}
