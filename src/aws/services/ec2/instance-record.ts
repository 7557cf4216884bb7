import type { NodeTaint } from "../../../kube/kubelet/node-source.js";

/** The instance states minieks drives (stop/start is not simulated). */
export type InstanceStateName = "pending" | "running" | "shutting-down" | "terminated";

/** EC2's numeric state codes (the low byte of InstanceState.Code). */
export const INSTANCE_STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
};

/**
 * What an instance's user data tells nodeadm and the kubelet: the cluster to join and the labels
 * and taints to register with. EKS writes it into the launch template of a node group.
 */
export interface NodeConfig {
  clusterName: string;
  /** Every label the node registers with: the node group's own plus EKS's eks.amazonaws.com/* ones. */
  labels: Record<string, string>;
  taints: NodeTaint[];
  nodegroupName?: string;
  amiType?: string;
  releaseVersion?: string;
}

/** An ENI attached to an instance, in device order (kept on the instance so the ENI limit is one CAS). */
export interface InstanceAttachment {
  networkInterfaceId: string;
  deviceIndex: number;
}

/** An EC2 instance as stored under /aws/<account>/<region>/ec2/instances/<id>. */
export interface InstanceRecord {
  instanceId: string;
  reservationId: string;
  ownerId: string;
  imageId: string;
  instanceType: string;
  state: InstanceStateName;
  /** When the current state began (drives pending → running and shutting-down → terminated). */
  stateSince: string;
  /** Set once termination was asked for, e.g. "User initiated (2026-01-01 00:00:00 GMT)". */
  stateTransitionReason: string;
  launchTime: string;
  availabilityZone: string;
  availabilityZoneId: string;
  subnetId: string;
  vpcId: string;
  privateIpAddress: string;
  privateDnsName: string;
  primaryNetworkInterfaceId: string;
  attachments: InstanceAttachment[];
  securityGroups: { groupId: string; groupName: string }[];
  iamInstanceProfileArn?: string;
  capacityType: "ON_DEMAND" | "SPOT";
  rootVolumeId: string;
  rootVolumeSizeGiB: number;
  clientToken: string;
  tags: Record<string, string>;
  nodeConfig?: NodeConfig;
  /** The Auto Scaling lifecycle state while a termination hook holds the instance (EKS's node drain). */
  lifecycleState?: "Terminating:Wait" | "Terminating:Proceed";
  /** When lifecycleState was entered. */
  lifecycleStateSince?: string;
  /** Until when whoever handles the hook (the node drain) may take before completing it. */
  lifecycleActionDeadline?: string;
}

export interface NetworkInterfaceAttachmentRecord {
  attachmentId: string;
  instanceId: string;
  instanceOwnerId: string;
  deviceIndex: number;
  attachTime: string;
  deleteOnTermination: boolean;
}

/** An ENI as stored under /aws/<account>/<region>/ec2/network-interfaces/<id>. */
export interface NetworkInterfaceRecord {
  networkInterfaceId: string;
  ownerId: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  availabilityZoneId: string;
  description: string;
  macAddress: string;
  privateIpAddress: string;
  /** Secondary private IPv4 addresses, in the order they were assigned. */
  secondaryPrivateIpAddresses: string[];
  securityGroups: { groupId: string; groupName: string }[];
  tags: Record<string, string>;
  attachment?: NetworkInterfaceAttachmentRecord;
}

/** Every address of an ENI: its primary and its secondaries. */
export const addressesOf = (eni: NetworkInterfaceRecord): string[] => [eni.privateIpAddress, ...eni.secondaryPrivateIpAddresses];
