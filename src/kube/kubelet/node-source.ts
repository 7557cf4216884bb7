/**
 * What a cluster's simulated kubelets need from the machines under them: the EC2 instances
 * launched for the cluster (by node groups, or by hand with the cluster's tags), and the ENI and
 * secondary-IP operations the VPC CNI's ipamd calls on EC2. EC2 implements this
 * (src/aws/services/ec2); kube/ only sees this interface, so `kube/` stays free of `aws/`.
 */

/** The facts of an instance type a kubelet and the VPC CNI need. */
export interface InstanceTypeFacts {
  name: string;
  vCpus: number;
  memoryMiB: number;
  /** "x86_64" or "arm64". */
  architecture: "amd64" | "arm64";
  maxEnis: number;
  ipv4PerEni: number;
  /** The VPC CNI max-pods formula: maxEnis × (ipv4PerEni − 1) + 2. */
  maxPods: number;
}

export interface NodeTaint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** One EC2 instance as a node sees it. */
export interface NodeInstance {
  instanceId: string;
  /** "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped" */
  state: string;
  launchTime: string;
  instanceType: InstanceTypeFacts;
  region: string;
  availabilityZone: string;
  availabilityZoneId: string;
  subnetId: string;
  vpcId: string;
  privateIpAddress: string;
  /** ip-172-31-5-12.ap-northeast-2.compute.internal (ec2.internal in us-east-1). */
  privateDnsName: string;
  /** The primary ENI (device index 0), whose primary address is privateIpAddress. */
  primaryNetworkInterfaceId: string;
  /** Set for node-group instances. */
  nodegroupName?: string;
  /** Labels and taints the node registers with (node group labels/taints plus EKS's own labels). */
  labels: Record<string, string>;
  taints: NodeTaint[];
  capacityType: "ON_DEMAND" | "SPOT";
  amiType?: string;
  /** The node group's AMI release version, e.g. 1.34.0-20251120. */
  releaseVersion?: string;
  /** Simulated boot time before the kubelet registers, in (unscaled) milliseconds. */
  bootDelayMs: number;
  /**
   * Set while the instance waits in its Auto Scaling group's termination lifecycle hook
   * (Terminating:Wait, on scale-in or node-group deletion): the node is to be cordoned and
   * drained, then `completeLifecycleAction` lets the termination proceed.
   */
  draining?: boolean;
  /** When the drain gives up (ISO time; EKS: 15 minutes after a scale-in, 5 after DeleteNodegroup), stored, so a restart keeps it. */
  drainDeadline?: string;
}

export interface NetworkInterfaceFacts {
  networkInterfaceId: string;
  deviceIndex: number;
  subnetId: string;
  primaryIp: string;
  /** Secondary private IPv4 addresses assigned to the interface (what ipamd hands to pods). */
  secondaryIps: string[];
}

/** The EC2 calls ipamd makes: DescribeNetworkInterfaces, Create/AttachNetworkInterface, Assign/UnassignPrivateIpAddresses. */
export interface InstanceNetwork {
  networkInterfaces(instanceId: string): Promise<NetworkInterfaceFacts[]>;
  /** Creates an ENI in the instance's subnet and attaches it at the next device index; refused past the type's ENI limit or without free addresses. */
  attachNetworkInterface(instanceId: string): Promise<NetworkInterfaceFacts>;
  /** Assigns `count` secondary IPs from the ENI's subnet (fewer or an error if the subnet or the ENI is full). */
  assignPrivateIps(networkInterfaceId: string, count: number): Promise<string[]>;
  unassignPrivateIps(networkInterfaceId: string, ips: string[]): Promise<void>;
}

/** A cluster's instances, live. */
export interface ClusterNodeSource {
  /** Calls `onChange` with every instance of the cluster now, then again with each one that changes. Returns a cancel function. */
  watchInstances(onChange: (instance: NodeInstance) => void): () => void;
  network: InstanceNetwork;
  /** CompleteLifecycleAction(CONTINUE) for a draining instance: its drain is over (or gave up), terminate it. No-op otherwise. */
  completeLifecycleAction(instanceId: string): Promise<void>;
}
