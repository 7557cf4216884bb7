import type { Logger } from "../../shared/logger.js";
import type { ClusterRecord } from "../../aws/services/eks/cluster-record.js";
import type { ResourceDescriptor } from "../../kube/api/descriptor.js";
import type { UserInfo } from "../../kube/api/types.js";
import { SYSTEM_MASTERS } from "../../kube/apiserver/auth/authorizer.js";
import { StatusError } from "../../kube/apiserver/status.js";
import type { InProcessClient } from "../../kube/client/in-process-client.js";
import { ADDON_KINDS, type AddonContext, type AddonObject } from "./addon-object.js";
import { corednsObjects } from "./coredns.js";
import { addonImageTags, ecrRegistry } from "./images.js";
import { kubeProxyObjects } from "./kube-proxy.js";
import { vpcCniObjects } from "./vpc-cni.js";

/** Who installs the self-managed add-ons (EKS's own bootstrap identity). */
export const EKS_ADDON_USER: UserInfo = { username: "eks:addon-manager", groups: [SYSTEM_MASTERS, "system:authenticated"] };

/** Every object of the three default add-ons for this cluster, in creation order. */
export function defaultAddonObjects(record: ClusterRecord, endpoint: string): AddonObject[] {
  const ctx: AddonContext = { record, registry: ecrRegistry(record.region), tags: addonImageTags(record.version), endpoint };
  const objects = [...vpcCniObjects(ctx), ...kubeProxyObjects(ctx), ...corednsObjects(ctx)];
  // Identities and configuration first, workloads after them, the budget last.
  const order: AddonObject["kind"][] = ["ServiceAccount", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "Service", "DaemonSet", "Deployment", "PodDisruptionBudget"];
  return order.flatMap((kind) => objects.filter((o) => o.kind === kind));
}

export interface InstallResult {
  created: string[];
  existing: string[];
  /** Kinds this cluster does not serve (yet), so their objects were left out. */
  skipped: string[];
}

/**
 * The self-managed add-ons EKS installs in kube-system when a cluster is created (vpc-cni,
 * kube-proxy, coredns), unless bootstrapSelfManagedAddons is false. Only at creation: EKS does not
 * put them back later, so a restarted ACTIVE cluster is left as its users made it. Objects that
 * already exist are kept as they are, which makes a creation interrupted half-way safe to redo.
 */
export async function installDefaultAddons(
  client: InProcessClient,
  record: ClusterRecord,
  descriptors: ResourceDescriptor[],
  endpoint: string,
  logger: Logger,
): Promise<InstallResult> {
  const result: InstallResult = { created: [], existing: [], skipped: [] };
  if (record.bootstrapSelfManagedAddons === false || record.status !== "CREATING") return result;
  for (const { kind, object } of defaultAddonObjects(record, endpoint)) {
    const where = ADDON_KINDS[kind];
    const label = `${kind}/${object.metadata.name}`;
    if (!descriptors.some((d) => d.group === where.group && d.version === where.version && d.plural === where.plural)) {
      result.skipped.push(label);
      continue;
    }
    try {
      await client.create({ ...where, namespace: object.metadata.namespace }, object);
      result.created.push(label);
    } catch (error) {
      if (error instanceof StatusError && error.code === 409) result.existing.push(label);
      else if (error instanceof StatusError && error.code === 404 && error.message === "the server could not find the requested resource") result.skipped.push(label);
      else throw error;
    }
  }
  if (result.skipped.length > 0) logger.warn("default add-on objects left out: their kinds are not served", { cluster: record.name, skipped: result.skipped });
  return result;
}
