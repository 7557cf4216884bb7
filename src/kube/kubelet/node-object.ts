import { createHash } from "node:crypto";
import type { KubeObject } from "../api/types.js";
import { kubeTime } from "../apiserver/registry/resource-store.js";
import { nodeResources } from "./node-resources.js";
import type { NodeInstance } from "./node-source.js";

/** What every node of a cluster shares: the cluster and the kubelet build its AMI carries. */
export interface ClusterFacts {
  clusterName: string;
  region: string;
  /** The cluster's patch release, e.g. "1.34.1" (a node group's release version wins when it has one). */
  kubernetesPatch: string;
}

export const KUBELET_PORT = 10250;
const CONTAINERD_VERSION = "containerd://1.7.27";
const OS_IMAGE = "Amazon Linux 2023.9.20251117";
const KERNEL = "6.12.55-74.119.amzn2023";

const hex = (seed: string, length: number): string => {
  let out = "";
  for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  return out.slice(0, length);
};
const uuidOf = (h: string): string => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;

/** `v1.34.1-eks-1a2b3c4`: the kubelet the EKS AMI ships for the node group's (or cluster's) version. */
export function kubeletVersion(instance: NodeInstance, facts: ClusterFacts): string {
  const patch = /^(\d+\.\d+\.\d+)/.exec(instance.releaseVersion ?? "")?.[1] ?? facts.kubernetesPatch;
  return `v${patch}-eks-${hex(`kubelet-${patch}`, 7)}`;
}

/** The labels the kubelet and the AWS cloud controller manager put on an EKS node, plus the instance's own. */
export function nodeLabels(instance: NodeInstance, facts: ClusterFacts): Record<string, string> {
  const arch = instance.instanceType.architecture;
  const type = instance.instanceType.name;
  return {
    "beta.kubernetes.io/arch": arch,
    "beta.kubernetes.io/instance-type": type,
    "beta.kubernetes.io/os": "linux",
    "failure-domain.beta.kubernetes.io/region": instance.region,
    "failure-domain.beta.kubernetes.io/zone": instance.availabilityZone,
    "k8s.io/cloud-provider-aws": hex(`cloud-provider-aws/${facts.clusterName}`, 32),
    "kubernetes.io/arch": arch,
    "kubernetes.io/hostname": instance.privateDnsName,
    "kubernetes.io/os": "linux",
    "node.kubernetes.io/instance-type": type,
    "topology.k8s.aws/zone-id": instance.availabilityZoneId,
    "topology.kubernetes.io/region": instance.region,
    "topology.kubernetes.io/zone": instance.availabilityZone,
    ...instance.labels,
  };
}

type Condition = Record<string, string>;

/** The four node conditions a healthy kubelet posts, with upstream's reasons and messages. */
export function healthyConditions(now: Date, previous: Condition[] = []): Condition[] {
  const t = kubeTime(now);
  const make = (type: string, status: string, reason: string, message: string): Condition => {
    const before = previous.find((c) => c.type === type);
    const since = before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : t;
    return { type, status, lastHeartbeatTime: t, lastTransitionTime: since, reason, message };
  };
  return [
    make("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    make("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    make("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    make("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
  ];
}

/** The node's status as its kubelet reports it (capacity, addresses, versions, conditions). */
export function nodeStatus(instance: NodeInstance, facts: ClusterFacts, now: Date, previousConditions: Condition[] = []): Record<string, unknown> {
  const { capacity, allocatable } = nodeResources(instance.instanceType);
  const arch = instance.instanceType.architecture;
  const machine = hex(`machine/${instance.instanceId}`, 32);
  return {
    capacity,
    allocatable,
    conditions: healthyConditions(now, previousConditions),
    addresses: [
      { type: "InternalIP", address: instance.privateIpAddress },
      { type: "InternalDNS", address: instance.privateDnsName },
      { type: "Hostname", address: instance.privateDnsName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: machine,
      systemUUID: `ec2${uuidOf(hex(`uuid/${instance.instanceId}`, 32)).slice(3)}`,
      bootID: uuidOf(hex(`boot/${instance.instanceId}/${instance.launchTime}`, 32)),
      kernelVersion: `${KERNEL}.${arch === "arm64" ? "aarch64" : "x86_64"}`,
      osImage: OS_IMAGE,
      containerRuntimeVersion: CONTAINERD_VERSION,
      kubeletVersion: kubeletVersion(instance, facts),
      operatingSystem: "linux",
      architecture: arch,
    },
    runtimeHandlers: [
      { name: "runc", features: { recursiveReadOnlyMounts: true, userNamespaces: true } },
      { name: "", features: { recursiveReadOnlyMounts: true, userNamespaces: true } },
    ],
    features: { supplementalGroupsPolicy: true },
  };
}

/** The Node a kubelet registers for an instance (`--hostname-override=<PrivateDnsName>`, external cloud provider). */
export function nodeObject(instance: NodeInstance, facts: ClusterFacts, now: Date): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: instance.privateDnsName,
      labels: nodeLabels(instance, facts),
      annotations: {
        "alpha.kubernetes.io/provided-node-ip": instance.privateIpAddress,
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: {
      providerID: `aws:///${instance.availabilityZone}/${instance.instanceId}`,
      ...(instance.taints.length > 0 ? { taints: instance.taints.map((t) => ({ ...t })) } : {}),
    },
    status: nodeStatus(instance, facts, now),
  };
}
