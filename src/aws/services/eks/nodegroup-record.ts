import { createHash } from "node:crypto";
import type { ErrorCode, Nodegroup, NodegroupIssueCode, Update, UpdateParamType } from "@aws-sdk/client-eks";

export type NodegroupStatus = "CREATING" | "ACTIVE" | "UPDATING" | "DELETING" | "CREATE_FAILED" | "DELETE_FAILED" | "DEGRADED";
export type TaintEffect = "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";

export interface EksTaint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

export interface NodegroupIssue {
  code: NodegroupIssueCode;
  message: string;
  resourceIds: string[];
}

export interface NodegroupUpdateRecord {
  id: string;
  status: "InProgress" | "Successful" | "Failed" | "Cancelled";
  type: "ConfigUpdate";
  params: { type: UpdateParamType; value: string }[];
  createdAt: string;
  errors: { errorCode: ErrorCode; errorMessage: string; resourceIds: string[] }[];
}

export interface ScalingConfig {
  minSize: number;
  maxSize: number;
  desiredSize: number;
}

export interface UpdateConfig {
  maxUnavailable?: number;
  maxUnavailablePercentage?: number;
  updateStrategy?: "DEFAULT" | "MINIMAL";
}

/** A managed node group as stored under /aws/<account>/<region>/eks/nodegroups/<cluster>/<name>. */
export interface NodegroupRecord {
  /** The uuid in the ARN, the Auto Scaling group name and the launch template. */
  id: string;
  nodegroupName: string;
  nodegroupArn: string;
  clusterName: string;
  accountId: string;
  region: string;
  version: string;
  releaseVersion: string;
  amiType: string;
  /** The EKS-optimized AMI of amiType and releaseVersion in this region. */
  imageId: string;
  createdAt: string;
  modifiedAt: string;
  status: NodegroupStatus;
  capacityType: "ON_DEMAND" | "SPOT";
  scalingConfig: ScalingConfig;
  instanceTypes: string[];
  subnets: string[];
  nodeRole: string;
  labels: Record<string, string>;
  taints: EksTaint[];
  diskSize: number;
  health: { issues: NodegroupIssue[] };
  updateConfig: UpdateConfig;
  tags: Record<string, string>;
  clientRequestToken?: string;
  /** The cluster security group EKS puts on node-group instances. */
  securityGroup: { groupId: string; groupName: string };
  /** Set once the Auto Scaling group exists (DescribeNodegroup shows resources from then on). */
  autoScalingGroupCreated: boolean;
  updates: NodegroupUpdateRecord[];
}

export const nodegroupKey = (clusterName: string, nodegroupName: string): string => `${clusterName}/${nodegroupName}`;
export const autoScalingGroupName = (ng: Pick<NodegroupRecord, "nodegroupName" | "id">): string => `eks-${ng.nodegroupName}-${ng.id}`;
/** EKS names the launch template it generates after the node group's uuid; this is its id. */
export const launchTemplateId = (ng: Pick<NodegroupRecord, "id">): string =>
  `lt-${createHash("sha256").update(ng.id).digest("hex").slice(0, 17)}`;

/** A stable AMI id per region, AMI type and release (what SSM's recommended image_id would answer). */
export const eksOptimizedAmi = (region: string, amiType: string, releaseVersion: string): string =>
  `ami-${createHash("sha256").update(`${region}/${amiType}/${releaseVersion}`).digest("hex").slice(0, 17)}`;

/** The EKS form of a taint effect and the Kubernetes one. */
export const KUBERNETES_EFFECT: Record<TaintEffect, "NoSchedule" | "NoExecute" | "PreferNoSchedule"> = {
  NO_SCHEDULE: "NoSchedule",
  NO_EXECUTE: "NoExecute",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

export function toNodegroup(record: NodegroupRecord): Nodegroup {
  return {
    nodegroupName: record.nodegroupName,
    nodegroupArn: record.nodegroupArn,
    clusterName: record.clusterName,
    version: record.version,
    releaseVersion: record.releaseVersion,
    createdAt: new Date(record.createdAt),
    modifiedAt: new Date(record.modifiedAt),
    status: record.status,
    capacityType: record.capacityType,
    scalingConfig: record.scalingConfig,
    instanceTypes: record.instanceTypes,
    subnets: record.subnets,
    amiType: record.amiType as Nodegroup["amiType"],
    nodeRole: record.nodeRole,
    labels: record.labels,
    ...(record.taints.length > 0 ? { taints: record.taints } : {}),
    ...(record.autoScalingGroupCreated && record.status !== "DELETING"
      ? { resources: { autoScalingGroups: [{ name: autoScalingGroupName(record) }] } }
      : {}),
    diskSize: record.diskSize,
    health: record.health,
    updateConfig: record.updateConfig,
    tags: record.tags,
  };
}

export const toUpdate = (u: NodegroupUpdateRecord): Update => ({
  id: u.id,
  status: u.status,
  type: u.type,
  params: u.params,
  createdAt: new Date(u.createdAt),
  errors: u.errors,
});
