import { z } from "zod";
import type {
  CreateNodegroupResponse,
  DeleteNodegroupResponse,
  DescribeNodegroupResponse,
  DescribeUpdateResponse,
  ListNodegroupsResponse,
  ListUpdatesResponse,
  UpdateNodegroupConfigResponse,
} from "@aws-sdk/client-eks";
import { uuid } from "../../../shared/ids.js";
import { AwsError, operation, type Operation, type RequestContext } from "../../protocol/operation.js";
import type { RecordStore, Scope } from "../../records.js";
import type { Ec2State } from "../ec2/ec2-state.js";
import type { ClusterRecord } from "./cluster-record.js";
import { clusterNotFound, invalid, ROLE_ARN, validateTags } from "./eks-validation.js";
import {
  eksOptimizedAmi,
  nodegroupKey,
  toNodegroup,
  toUpdate,
  type EksTaint,
  type NodegroupRecord,
  type NodegroupUpdateRecord,
} from "./nodegroup-record.js";
import type { NodegroupReconciler } from "./nodegroup-reconciler.js";
import {
  enumError,
  resolveAmiType,
  resolveInstanceTypes,
  validateCreateScaling,
  validateLabels,
  validateNodegroupName,
  validateTaints,
  validateUpdateConfig,
  validateUpdateScaling,
} from "./nodegroup-validation.js";
import { decodeNextToken, encodeNextToken } from "./pagination.js";
import { EKS_ROUTES } from "./routes.js";
import { findVersion } from "./versions.js";

/** The date of the EKS-optimized AMI release minieks reports (releaseVersion `<k8s patch>-<date>`). */
export const AMI_RELEASE_DATE = "20251120";

const maxResults = z.coerce.number().int().min(1).max(100).optional();
const sizes = z.object({ minSize: z.number().int().optional(), maxSize: z.number().int().optional(), desiredSize: z.number().int().optional() });
const taint = z.object({ key: z.string(), value: z.string().optional(), effect: z.string() });
const updateConfig = z.object({
  maxUnavailable: z.number().int().optional(),
  maxUnavailablePercentage: z.number().int().optional(),
  updateStrategy: z.string().optional(),
});

const nodegroupNotFound = (clusterName: string, nodegroupName: string) =>
  new AwsError("ResourceNotFoundException", `No node group found for name: ${nodegroupName}.`, 404, { clusterName, nodegroupName });
const notImplemented = (what: string) => new AwsError("NotImplemented", `minieks does not support ${what} yet`, 501);
/** The EKS wire form of taints in update params: keys in the order EKS prints them. */
const taintsParam = (taints: EksTaint[]) => JSON.stringify(taints.map((t) => ({ effect: t.effect, value: t.value, key: t.key })));
const asTaints = (taints: z.infer<typeof taint>[]): EksTaint[] =>
  taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect as EksTaint["effect"] }));

export interface NodegroupOperationDeps {
  ec2: Ec2State;
  clusters: RecordStore<ClusterRecord>;
  reconciler: NodegroupReconciler;
}

/** Managed node groups and their updates (rest-json, bindings from routes.ts). */
export function nodegroupOperations(deps: NodegroupOperationDeps): Operation<never, unknown>[] {
  const { ec2, clusters, reconciler } = deps;
  const nodegroups = reconciler.nodegroups;

  const requireCluster = async (scope: Scope, name: string): Promise<ClusterRecord> => {
    const cluster = await clusters.get(scope, name);
    if (!cluster) throw clusterNotFound(name);
    return cluster;
  };
  const requireNodegroup = async (scope: Scope, clusterName: string, name: string): Promise<NodegroupRecord> => {
    await requireCluster(scope, clusterName);
    const ng = await nodegroups.get(scope, nodegroupKey(clusterName, name));
    if (!ng) throw nodegroupNotFound(clusterName, name);
    return ng;
  };

  /** Node-group subnets must exist and sit in the cluster's VPC. */
  async function checkSubnets(ctx: RequestContext, cluster: ClusterRecord, subnetIds: string[]): Promise<void> {
    if (subnetIds.length === 0) throw invalid("Subnets are required: give at least one subnet for the node group.");
    await ec2.ensureDefaultVpc(ctx);
    for (const id of new Set(subnetIds)) {
      const subnet = await ec2.subnets.get(ctx, id);
      if (!subnet) {
        throw invalid(`The subnet ID '${id}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)`);
      }
      if (subnet.vpcId !== cluster.resourcesVpcConfig.vpcId) {
        throw invalid(`Subnet ${id} is in VPC ${subnet.vpcId}, not in the cluster's VPC ${cluster.resourcesVpcConfig.vpcId}.`);
      }
    }
  }

  return [
    operation({
      name: "CreateNodegroup",
      rest: EKS_ROUTES.CreateNodegroup,
      input: z.object({
        name: z.string(),
        nodegroupName: z.string(),
        subnets: z.array(z.string()),
        nodeRole: z.string(),
        scalingConfig: sizes.optional(),
        diskSize: z.number().int().optional(),
        instanceTypes: z.array(z.string()).optional(),
        amiType: z.string().optional(),
        remoteAccess: z.unknown().optional(),
        labels: z.record(z.string(), z.string()).optional(),
        taints: z.array(taint).optional(),
        tags: z.record(z.string(), z.string()).optional(),
        clientRequestToken: z.string().optional(),
        launchTemplate: z.unknown().optional(),
        updateConfig: updateConfig.optional(),
        nodeRepairConfig: z.object({ enabled: z.boolean().optional() }).passthrough().optional(),
        capacityType: z.string().optional(),
        version: z.string().optional(),
        releaseVersion: z.string().optional(),
        warmPoolConfig: z.unknown().optional(),
      }),
      handler: async (input, ctx): Promise<CreateNodegroupResponse> => {
        if (input.launchTemplate !== undefined) throw notImplemented("launch templates for node groups (EC2 launch templates are not simulated)");
        if (input.remoteAccess !== undefined) throw notImplemented("remoteAccess for node groups (EC2 key pairs are not simulated)");
        if (input.warmPoolConfig !== undefined) throw notImplemented("warm pools for node groups");
        if (input.nodeRepairConfig?.enabled) throw notImplemented("node auto repair");
        const members = { clusterName: input.name, nodegroupName: input.nodegroupName };
        const cluster = await requireCluster(ctx, input.name);
        validateNodegroupName(input.nodegroupName);
        const key = nodegroupKey(cluster.name, input.nodegroupName);
        const existing = await nodegroups.get(ctx, key);
        if (existing && input.clientRequestToken && existing.clientRequestToken === input.clientRequestToken) {
          return { nodegroup: toNodegroup(existing) };
        }
        if (cluster.status !== "ACTIVE") {
          throw new AwsError("InvalidRequestException", `Cluster '${cluster.name}' is not in ACTIVE status`, 400, members);
        }
        const alreadyExists = () =>
          new AwsError("ResourceInUseException", `NodeGroup already exists with name ${input.nodegroupName} and cluster name ${cluster.name}`, 409, members);
        if (existing) throw alreadyExists();
        if (!ROLE_ARN.test(input.nodeRole)) throw invalid(`nodeRole '${input.nodeRole}' is not a valid IAM role ARN.`, members);
        await checkSubnets(ctx, cluster, input.subnets);

        const version = input.version ?? cluster.version;
        if (version !== cluster.version) {
          throw invalid(`Requested Nodegroup version ${version} is invalid. Allowed values: ${cluster.version}`, members);
        }
        const patch = findVersion(version)?.patch ?? `${version}.0`;
        const releaseVersion = input.releaseVersion ?? `${patch}-${AMI_RELEASE_DATE}`;
        if (!new RegExp(`^${version.replace(".", "\\.")}\\.\\d+-\\d{8}$`).test(releaseVersion)) {
          throw invalid(`Requested release version ${releaseVersion} is not valid for kubernetes version ${version}.`, members);
        }
        const scalingConfig = validateCreateScaling(input.scalingConfig);
        const types = resolveInstanceTypes(input.instanceTypes);
        const amiType = resolveAmiType(input.amiType, types, version);
        const capacityType = input.capacityType ?? "ON_DEMAND";
        if (capacityType === "CAPACITY_BLOCK") throw notImplemented("CAPACITY_BLOCK node groups");
        if (capacityType !== "ON_DEMAND" && capacityType !== "SPOT") throw enumError(capacityType, "capacityType", ["ON_DEMAND", "SPOT", "CAPACITY_BLOCK"]);
        const diskSize = input.diskSize ?? 20;
        if (diskSize < 1 || diskSize > 16384) throw invalid(`diskSize must be between 1 and 16384 GiB; got ${diskSize}`, members);
        const labels = input.labels ?? {};
        validateLabels(labels);
        const taints = asTaints(input.taints ?? []);
        validateTaints(taints, "taints");
        const update = validateUpdateConfig(input.updateConfig ?? { maxUnavailable: 1 }, scalingConfig.maxSize);
        validateTags(input.tags, (message) => invalid(message, members));

        const id = uuid();
        const now = ctx.now.toISOString();
        const record: NodegroupRecord = {
          id,
          nodegroupName: input.nodegroupName,
          nodegroupArn: `arn:aws:eks:${ctx.region}:${ctx.accountId}:nodegroup/${cluster.name}/${input.nodegroupName}/${id}`,
          clusterName: cluster.name,
          accountId: ctx.accountId,
          region: ctx.region,
          version,
          releaseVersion,
          amiType,
          imageId: eksOptimizedAmi(ctx.region, amiType, releaseVersion),
          createdAt: now,
          modifiedAt: now,
          status: "CREATING",
          capacityType,
          scalingConfig,
          instanceTypes: types.map((t) => t.name),
          subnets: input.subnets,
          nodeRole: input.nodeRole,
          labels,
          taints,
          diskSize,
          health: { issues: [] },
          updateConfig: update,
          tags: input.tags ?? {},
          clientRequestToken: input.clientRequestToken,
          securityGroup: {
            groupId: cluster.resourcesVpcConfig.clusterSecurityGroupId,
            groupName: `eks-cluster-sg-${cluster.name}-${cluster.id.replace(/-/g, "").slice(0, 10)}`,
          },
          autoScalingGroupCreated: false,
          updates: [],
        };
        if (!(await nodegroups.create(ctx, key, record))) throw alreadyExists();
        void reconciler.reconcile(ctx, key);
        return { nodegroup: toNodegroup(record) };
      },
    }),
    operation({
      name: "DescribeNodegroup",
      rest: EKS_ROUTES.DescribeNodegroup,
      input: z.object({ name: z.string(), nodegroupName: z.string() }),
      handler: async (input, ctx): Promise<DescribeNodegroupResponse> => ({
        nodegroup: toNodegroup(await requireNodegroup(ctx, input.name, input.nodegroupName)),
      }),
    }),
    operation({
      name: "ListNodegroups",
      rest: EKS_ROUTES.ListNodegroups,
      input: z.object({ name: z.string(), maxResults, nextToken: z.string().optional() }),
      handler: async (input, ctx): Promise<ListNodegroupsResponse> => {
        await requireCluster(ctx, input.name);
        const names = (await reconciler.clusterNodegroups(ctx, input.name)).map((ng) => ng.nodegroupName).sort();
        const start = input.nextToken ? decodeNextToken(input.nextToken) : 0;
        const size = input.maxResults ?? 100;
        return { nodegroups: names.slice(start, start + size), ...(start + size < names.length ? { nextToken: encodeNextToken(start + size) } : {}) };
      },
    }),
    operation({
      name: "UpdateNodegroupConfig",
      rest: EKS_ROUTES.UpdateNodegroupConfig,
      input: z.object({
        name: z.string(),
        nodegroupName: z.string(),
        labels: z.object({ addOrUpdateLabels: z.record(z.string(), z.string()).optional(), removeLabels: z.array(z.string()).optional() }).optional(),
        taints: z.object({ addOrUpdateTaints: z.array(taint).optional(), removeTaints: z.array(taint).optional() }).optional(),
        scalingConfig: sizes.optional(),
        updateConfig: updateConfig.optional(),
        nodeRepairConfig: z.unknown().optional(),
        warmPoolConfig: z.unknown().optional(),
        clientRequestToken: z.string().optional(),
      }),
      handler: async (input, ctx): Promise<UpdateNodegroupConfigResponse> => {
        if (input.nodeRepairConfig !== undefined) throw notImplemented("node auto repair");
        if (input.warmPoolConfig !== undefined) throw notImplemented("warm pools for node groups");
        const members = { clusterName: input.name, nodegroupName: input.nodegroupName };
        const ng = await requireNodegroup(ctx, input.name, input.nodegroupName);
        const key = nodegroupKey(ng.clusterName, ng.nodegroupName);
        const params: NodegroupUpdateRecord["params"] = [];

        const addLabels = input.labels?.addOrUpdateLabels ?? {};
        const removeLabels = (input.labels?.removeLabels ?? []).map((k) => k.trim());
        validateLabels(addLabels);
        const both = removeLabels.filter((k) => k in addLabels);
        if (both.length > 0) throw invalid(`Labels cannot be both added and removed in one update: ${both.join(", ")}`, members);
        if (Object.keys(addLabels).length > 0) params.push({ type: "LabelsToAdd", value: JSON.stringify(addLabels) });
        if (removeLabels.length > 0) params.push({ type: "LabelsToRemove", value: JSON.stringify(removeLabels) });

        const addTaints = asTaints(input.taints?.addOrUpdateTaints ?? []);
        const removeTaints = asTaints(input.taints?.removeTaints ?? []);
        validateTaints(addTaints, "taints.addOrUpdateTaints");
        if (addTaints.length > 0) params.push({ type: "TaintsToAdd", value: taintsParam(addTaints) });
        if (removeTaints.length > 0) params.push({ type: "TaintsToRemove", value: taintsParam(removeTaints) });

        const scalingConfig = input.scalingConfig ? validateUpdateScaling(ng.scalingConfig, input.scalingConfig) : ng.scalingConfig;
        if (input.scalingConfig?.minSize !== undefined) params.push({ type: "MinSize", value: String(input.scalingConfig.minSize) });
        if (input.scalingConfig?.maxSize !== undefined) params.push({ type: "MaxSize", value: String(input.scalingConfig.maxSize) });
        if (input.scalingConfig?.desiredSize !== undefined) params.push({ type: "DesiredSize", value: String(input.scalingConfig.desiredSize) });

        const newUpdateConfig = input.updateConfig
          ? validateUpdateConfig(input.updateConfig, scalingConfig.maxSize)
          : ng.updateConfig;
        if (input.updateConfig?.maxUnavailable !== undefined) params.push({ type: "MaxUnavailable", value: String(input.updateConfig.maxUnavailable) });
        if (input.updateConfig?.maxUnavailablePercentage !== undefined) {
          params.push({ type: "MaxUnavailablePercentage", value: String(input.updateConfig.maxUnavailablePercentage) });
        }
        if (input.updateConfig?.updateStrategy !== undefined) params.push({ type: "UpdateStrategy", value: input.updateConfig.updateStrategy });
        if (params.length === 0) throw invalid("The update changes nothing: give labels, taints, scalingConfig or updateConfig.", members);

        const update: NodegroupUpdateRecord = { id: uuid(), status: "InProgress", type: "ConfigUpdate", params, createdAt: ctx.now.toISOString(), errors: [] };
        const removed = (t: EksTaint) => removeTaints.some((r) => r.key === t.key && r.effect === t.effect);
        const replaced = (t: EksTaint) => addTaints.some((a) => a.key === t.key && a.effect === t.effect);
        await nodegroups.update(ctx, key, (current) => {
          if (current.status !== "ACTIVE" && current.status !== "DEGRADED") {
            throw new AwsError("ResourceInUseException", "Nodegroup cannot be updated as it is currently not in Active State", 409, members);
          }
          const labels = Object.fromEntries(Object.entries({ ...current.labels, ...addLabels }).filter(([k]) => !removeLabels.includes(k)));
          const taints = [...current.taints.filter((t) => !removed(t) && !replaced(t)), ...addTaints];
          validateTaints(taints, "taints");
          return {
            ...current,
            status: "UPDATING",
            modifiedAt: ctx.now.toISOString(),
            labels,
            taints,
            scalingConfig,
            updateConfig: newUpdateConfig,
            updates: [...current.updates, update],
          };
        });
        void reconciler.reconcile(ctx, key);
        return { update: toUpdate(update) };
      },
    }),
    operation({
      name: "DeleteNodegroup",
      rest: EKS_ROUTES.DeleteNodegroup,
      input: z.object({ name: z.string(), nodegroupName: z.string() }),
      handler: async (input, ctx): Promise<DeleteNodegroupResponse> => {
        const ng = await requireNodegroup(ctx, input.name, input.nodegroupName);
        const key = nodegroupKey(ng.clusterName, ng.nodegroupName);
        const updated = await nodegroups.update(ctx, key, (current) =>
          current.status === "DELETING" ? current : { ...current, status: "DELETING", modifiedAt: ctx.now.toISOString() },
        );
        if (!updated) throw nodegroupNotFound(input.name, input.nodegroupName);
        void reconciler.reconcile(ctx, key);
        return { nodegroup: toNodegroup(updated) };
      },
    }),
    operation({
      name: "DescribeUpdate",
      rest: EKS_ROUTES.DescribeUpdate,
      input: z.object({
        name: z.string(),
        updateId: z.string(),
        nodegroupName: z.string().optional(),
        addonName: z.string().optional(),
        capabilityName: z.string().optional(),
      }),
      handler: async (input, ctx): Promise<DescribeUpdateResponse> => {
        if (input.addonName !== undefined) throw notImplemented("add-ons");
        if (input.capabilityName !== undefined) throw notImplemented("capabilities");
        const notFoundUpdate = () =>
          new AwsError("ResourceNotFoundException", `No update found for ID: ${input.updateId}.`, 404, { clusterName: input.name });
        if (input.nodegroupName === undefined) {
          // Cluster updates arrive with UpdateClusterConfig/UpdateClusterVersion, which minieks does not implement yet.
          await requireCluster(ctx, input.name);
          throw notFoundUpdate();
        }
        const ng = await requireNodegroup(ctx, input.name, input.nodegroupName);
        const update = ng.updates.find((u) => u.id === input.updateId);
        if (!update) throw notFoundUpdate();
        return { update: toUpdate(update) };
      },
    }),
    operation({
      name: "ListUpdates",
      rest: EKS_ROUTES.ListUpdates,
      input: z.object({
        name: z.string(),
        nodegroupName: z.string().optional(),
        addonName: z.string().optional(),
        capabilityName: z.string().optional(),
        maxResults,
        nextToken: z.string().optional(),
      }),
      handler: async (input, ctx): Promise<ListUpdatesResponse> => {
        if (input.addonName !== undefined) throw notImplemented("add-ons");
        if (input.capabilityName !== undefined) throw notImplemented("capabilities");
        // Without a node group: the cluster's own updates, of which there are none until UpdateCluster* exist.
        const ids =
          input.nodegroupName === undefined
            ? (await requireCluster(ctx, input.name), [])
            : (await requireNodegroup(ctx, input.name, input.nodegroupName)).updates.map((u) => u.id);
        const start = input.nextToken ? decodeNextToken(input.nextToken) : 0;
        const size = input.maxResults ?? 100;
        return { updateIds: ids.slice(start, start + size), ...(start + size < ids.length ? { nextToken: encodeNextToken(start + size) } : {}) };
      },
    }),
  ];
}
