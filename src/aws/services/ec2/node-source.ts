import type {
  ClusterNodeSource,
  InstanceNetwork,
  NetworkInterfaceFacts,
  NodeInstance,
} from "../../../kube/kubelet/node-source.js";
import type { Logger } from "../../../shared/logger.js";
import type { Scope } from "../../records.js";
import type { Ec2State } from "./ec2-state.js";
import { EC2_DURATIONS, type Ec2Instances } from "./instances.js";
import { findInstanceType } from "./instance-types.js";
import type { InstanceRecord, NetworkInterfaceRecord } from "./instance-record.js";
import type { Ec2Network } from "./network-interfaces.js";

export interface Ec2NodeSourceDeps {
  ec2: Ec2State;
  network: Ec2Network;
  logger: Logger;
  /** Completes termination lifecycle actions (node drains); without it, held instances wait for the hook's timeout. */
  instances?: Ec2Instances;
}

export interface Ec2NodeSourceOptions {
  accountId: string;
  region: string;
  clusterName: string;
}

/** The tag that makes an instance a node of the cluster (EKS puts it on node-group instances). */
export const clusterOwnershipTag = (clusterName: string): string => `kubernetes.io/cluster/${clusterName}`;

function toNodeInstance(record: InstanceRecord, region: string): NodeInstance | undefined {
  const instanceType = findInstanceType(record.instanceType);
  if (!instanceType) return undefined;
  const config = record.nodeConfig;
  return {
    instanceId: record.instanceId,
    state: record.state,
    launchTime: record.launchTime,
    instanceType,
    region,
    availabilityZone: record.availabilityZone,
    availabilityZoneId: record.availabilityZoneId,
    subnetId: record.subnetId,
    vpcId: record.vpcId,
    privateIpAddress: record.privateIpAddress,
    privateDnsName: record.privateDnsName,
    primaryNetworkInterfaceId: record.primaryNetworkInterfaceId,
    ...(config?.nodegroupName ? { nodegroupName: config.nodegroupName } : {}),
    labels: { ...(config?.labels ?? {}) },
    taints: [...(config?.taints ?? [])],
    capacityType: record.capacityType,
    ...(config?.amiType ? { amiType: config.amiType } : {}),
    ...(config?.releaseVersion ? { releaseVersion: config.releaseVersion } : {}),
    bootDelayMs: EC2_DURATIONS.bootMs,
    ...(record.lifecycleState === "Terminating:Wait" ? { draining: true, ...(record.lifecycleActionDeadline ? { drainDeadline: record.lifecycleActionDeadline } : {}) } : {}),
  };
}

const toInterfaceFacts = (eni: NetworkInterfaceRecord): NetworkInterfaceFacts => ({
  networkInterfaceId: eni.networkInterfaceId,
  deviceIndex: eni.attachment?.deviceIndex ?? -1,
  subnetId: eni.subnetId,
  primaryIp: eni.privateIpAddress,
  secondaryIps: [...eni.secondaryPrivateIpAddresses],
});

/**
 * One cluster's machines for its simulated kubelets: the account/region's EC2 instances tagged
 * kubernetes.io/cluster/<name>=owned, read by list + watch from storage (so a restart or another
 * process sees the same), and the ENI calls ipamd makes, answered by EC2.
 */
export function ec2NodeSource(deps: Ec2NodeSourceDeps, options: Ec2NodeSourceOptions): ClusterNodeSource {
  const scope: Scope = { accountId: options.accountId, region: options.region };
  const tag = clusterOwnershipTag(options.clusterName);
  const belongs = (r: InstanceRecord) => r.tags[tag] === "owned";

  const network: InstanceNetwork = {
    networkInterfaces: async (instanceId) => (await deps.network.forInstance(scope, instanceId)).map(toInterfaceFacts),
    attachNetworkInterface: async (instanceId) => toInterfaceFacts(await deps.network.attachNew(scope, instanceId)),
    assignPrivateIps: (networkInterfaceId, count) => deps.network.assign(scope, networkInterfaceId, count),
    unassignPrivateIps: (networkInterfaceId, ips) => deps.network.unassign(scope, networkInterfaceId, ips),
  };

  return {
    network,
    async completeLifecycleAction(instanceId) {
      const record = await deps.ec2.instances.get(scope, instanceId);
      if (record && belongs(record)) await deps.instances?.completeLifecycleAction(scope, instanceId);
    },
    watchInstances(onChange) {
      // Writes that do not change what a node sees (ENI attachments, say) are not passed on.
      const lastSeen = new Map<string, string>();
      const emit = (instance: NodeInstance) => {
        const json = JSON.stringify(instance);
        if (lastSeen.get(instance.instanceId) === json) return;
        lastSeen.set(instance.instanceId, json);
        try {
          onChange(instance);
        } catch (error) {
          deps.logger.error("node source listener failed", { instance: instance.instanceId, error: String(error) });
        }
      };
      return deps.ec2.instances.watch(scope, {
        onPut: (record) => {
          const node = belongs(record) ? toNodeInstance(record, options.region) : undefined;
          if (node) emit(node);
        },
        onDelete: (record) => {
          // Records go an hour after termination; a record removed any other way is gone just the same.
          const node = belongs(record) ? toNodeInstance(record, options.region) : undefined;
          if (node) emit({ ...node, state: "terminated" });
          lastSeen.delete(record.instanceId);
        },
        onError: (error) => {
          if (error.code !== "Unavailable") deps.logger.error("node source watch ended", { cluster: options.clusterName, error: String(error) });
        },
      });
    },
  };
}
