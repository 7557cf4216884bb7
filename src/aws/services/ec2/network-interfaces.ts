import type { Clock } from "../../../shared/clock.js";
import { ec2Id } from "../../../shared/ids.js";
import { AwsError } from "../../protocol/operation.js";
import type { Scope } from "../../records.js";
import type { Ec2State } from "./ec2-state.js";
import { instanceNotFound, randomMac } from "./instances.js";
import { findInstanceType } from "./instance-types.js";
import { addressesOf, type InstanceRecord, type NetworkInterfaceRecord } from "./instance-record.js";

/** EC2's errors for the ENI calls, worded as EC2 words them. */
const eniNotFound = (id: string) => new AwsError("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`);
const subnetFull = () => new AwsError("InsufficientFreeAddressesInSubnet", "The specified subnet does not have enough free addresses to satisfy the request.");
const addressLimit = () => new AwsError("PrivateIpAddressLimitExceeded", "Number of private addresses will exceed limit.");
const attachmentLimit = (count: number, type: string) => new AwsError("AttachmentLimitExceeded", `Interface count ${count} exceeds the limit for ${type}`);

export interface CreateNetworkInterfaceSpec {
  subnetId: string;
  description?: string;
  secondaryPrivateIpAddressCount?: number;
  securityGroups?: { groupId: string; groupName: string }[];
  tags?: Record<string, string>;
}

/**
 * Elastic network interfaces and their secondary addresses: the EC2 calls the VPC CNI's ipamd
 * makes. Every address is an allocation on the ENI's subnet; an attached ENI obeys its instance
 * type's limits (ENIs per instance, IPv4 addresses per ENI).
 */
export class Ec2Network {
  constructor(
    private readonly state: Ec2State,
    private readonly clock: Clock,
  ) {}

  async get(scope: Scope, networkInterfaceId: string): Promise<NetworkInterfaceRecord> {
    const eni = await this.state.networkInterfaces.get(scope, networkInterfaceId);
    if (!eni) throw eniNotFound(networkInterfaceId);
    return eni;
  }

  /** The instance's ENIs in device order (DescribeNetworkInterfaces attachment.instance-id=…). */
  async forInstance(scope: Scope, instanceId: string): Promise<NetworkInterfaceRecord[]> {
    const instance = await this.requireInstance(scope, instanceId);
    const enis: NetworkInterfaceRecord[] = [];
    for (const { networkInterfaceId } of instance.attachments) {
      const eni = await this.state.networkInterfaces.get(scope, networkInterfaceId);
      if (eni) enis.push(eni);
    }
    return enis.sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0));
  }

  async create(scope: Scope, spec: CreateNetworkInterfaceSpec): Promise<NetworkInterfaceRecord> {
    const subnet = await this.state.subnets.get(scope, spec.subnetId);
    if (!subnet) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${spec.subnetId}' does not exist`);
    const secondary = spec.secondaryPrivateIpAddressCount ?? 0;
    if (!Number.isInteger(secondary) || secondary < 0) {
      throw new AwsError("InvalidParameterValue", `Invalid value '${secondary}' for secondaryPrivateIpAddressCount.`);
    }
    const id = ec2Id("eni");
    const [primary = "", ...secondaries] = await this.state.allocateIps(scope, subnet.subnetId, 1 + secondary, id, spec.description ?? "", subnetFull);
    const eni: NetworkInterfaceRecord = {
      networkInterfaceId: id,
      ownerId: scope.accountId,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      availabilityZoneId: subnet.availabilityZoneId,
      description: spec.description ?? "",
      macAddress: randomMac(),
      privateIpAddress: primary,
      secondaryPrivateIpAddresses: secondaries,
      securityGroups: spec.securityGroups ?? [],
      tags: spec.tags ?? {},
    };
    await this.state.networkInterfaces.create(scope, id, eni);
    return eni;
  }

  /** AttachNetworkInterface. The ENI count is checked in one compare-and-swap on the instance. */
  async attach(scope: Scope, networkInterfaceId: string, instanceId: string, deviceIndex: number, deleteOnTermination = false): Promise<string> {
    const eni = await this.get(scope, networkInterfaceId);
    if (eni.attachment) throw new AwsError("InvalidNetworkInterface.InUse", `Interface: [${networkInterfaceId}] in use.`);
    const instance = await this.requireInstance(scope, instanceId);
    if (instance.state !== "pending" && instance.state !== "running") {
      throw new AwsError("IncorrectInstanceState", `The instance '${instanceId}' is not in a valid state for this operation.`);
    }
    if (instance.availabilityZone !== eni.availabilityZone) {
      throw new AwsError("InvalidParameterCombination", "You may not attach a network interface to an instance if they are not in the same availability zone");
    }
    if (!Number.isInteger(deviceIndex) || deviceIndex < 1) throw new AwsError("InvalidParameterValue", `Invalid value '${deviceIndex}' for deviceIndex.`);
    const type = findInstanceType(instance.instanceType);
    if (type && 1 + eni.secondaryPrivateIpAddresses.length > type.ipv4PerEni) throw addressLimit();

    await this.state.instances.update(scope, instanceId, (current) => {
      if (current.state !== "pending" && current.state !== "running") {
        throw new AwsError("IncorrectInstanceState", `The instance '${instanceId}' is not in a valid state for this operation.`);
      }
      if (type && current.attachments.length >= type.maxEnis) throw attachmentLimit(current.attachments.length + 1, type.name);
      if (current.attachments.some((a) => a.deviceIndex === deviceIndex)) {
        throw new AwsError("InvalidParameterValue", `Instance '${instanceId}' already has an interface attached at device index '${deviceIndex}'.`);
      }
      return { ...current, attachments: [...current.attachments, { networkInterfaceId, deviceIndex }] };
    });
    const attachmentId = ec2Id("eni-attach");
    let raced = false;
    await this.state.networkInterfaces.update(scope, networkInterfaceId, (current) => {
      raced = current.attachment !== undefined;
      if (raced) return current;
      return {
        ...current,
        attachment: { attachmentId, instanceId, instanceOwnerId: scope.accountId, deviceIndex, attachTime: this.clock.now().toISOString(), deleteOnTermination },
      };
    });
    if (raced) {
      await this.dropAttachment(scope, instanceId, networkInterfaceId);
      throw new AwsError("InvalidNetworkInterface.InUse", `Interface: [${networkInterfaceId}] in use.`);
    }
    return attachmentId;
  }

  /**
   * What ipamd does to grow a node's pool: create an ENI in the instance's subnet (described
   * `aws-K8S-<instance>`, tagged with the instance id), attach it at the next free device index,
   * delete on termination. Past the ENI limit nothing is created.
   */
  async attachNew(scope: Scope, instanceId: string): Promise<NetworkInterfaceRecord> {
    const instance = await this.requireInstance(scope, instanceId);
    const type = findInstanceType(instance.instanceType);
    if (type && instance.attachments.length >= type.maxEnis) throw attachmentLimit(instance.attachments.length + 1, type.name);
    const eni = await this.create(scope, {
      subnetId: instance.subnetId,
      description: `aws-K8S-${instanceId}`,
      securityGroups: instance.securityGroups,
      tags: { "node.k8s.amazonaws.com/instance_id": instanceId, "node.k8s.amazonaws.com/createdAt": this.clock.now().toISOString() },
    });
    const used = new Set(instance.attachments.map((a) => a.deviceIndex));
    let deviceIndex = 1;
    while (used.has(deviceIndex)) deviceIndex++;
    try {
      await this.attach(scope, eni.networkInterfaceId, instanceId, deviceIndex, true);
    } catch (error) {
      await this.delete(scope, eni.networkInterfaceId);
      throw error;
    }
    return this.get(scope, eni.networkInterfaceId);
  }

  /** DetachNetworkInterface; the primary ENI (device 0) stays. */
  async detach(scope: Scope, attachmentId: string): Promise<void> {
    const eni = (await this.state.networkInterfaces.list(scope)).find((e) => e.attachment?.attachmentId === attachmentId);
    if (!eni?.attachment) throw new AwsError("InvalidAttachmentID.NotFound", `The attachment ID '${attachmentId}' does not exist`);
    if (eni.attachment.deviceIndex === 0) {
      throw new AwsError("OperationNotPermitted", `The network interface at device index 0 cannot be detached.`);
    }
    const { instanceId } = eni.attachment;
    await this.state.networkInterfaces.update(scope, eni.networkInterfaceId, (current) =>
      current.attachment?.attachmentId === attachmentId ? { ...current, attachment: undefined } : current,
    );
    await this.dropAttachment(scope, instanceId, eni.networkInterfaceId);
  }

  /** DeleteNetworkInterface: only a detached ENI; its addresses go back to the subnet. */
  async delete(scope: Scope, networkInterfaceId: string): Promise<void> {
    const eni = await this.get(scope, networkInterfaceId);
    if (eni.attachment) {
      throw new AwsError("InvalidNetworkInterface.InUse", `The networkInterface ID '${networkInterfaceId}' is currently in use.`);
    }
    await this.state.networkInterfaces.delete(scope, networkInterfaceId);
    await this.state.releaseAddresses(scope, eni.subnetId, addressesOf(eni), networkInterfaceId);
  }

  /** AssignPrivateIpAddresses by count: all of them or an error, never part. */
  async assign(scope: Scope, networkInterfaceId: string, count: number): Promise<string[]> {
    if (!Number.isInteger(count) || count < 1) throw new AwsError("InvalidParameterValue", `Invalid value '${count}' for secondaryPrivateIpAddressCount.`);
    const eni = await this.get(scope, networkInterfaceId);
    const limit = await this.addressLimitOf(scope, eni);
    if (1 + eni.secondaryPrivateIpAddresses.length + count > limit) throw addressLimit();
    const ips = await this.state.allocateIps(scope, eni.subnetId, count, networkInterfaceId, "secondary", subnetFull);
    try {
      const updated = await this.state.networkInterfaces.update(scope, networkInterfaceId, (current) => {
        if (1 + current.secondaryPrivateIpAddresses.length + count > limit) throw addressLimit();
        return { ...current, secondaryPrivateIpAddresses: [...current.secondaryPrivateIpAddresses, ...ips] };
      });
      if (!updated) throw eniNotFound(networkInterfaceId);
    } catch (error) {
      await this.state.releaseAddresses(scope, eni.subnetId, ips, networkInterfaceId);
      throw error;
    }
    return ips;
  }

  /** UnassignPrivateIpAddresses: secondary addresses of this ENI only. */
  async unassign(scope: Scope, networkInterfaceId: string, ips: string[]): Promise<void> {
    const eni = await this.get(scope, networkInterfaceId);
    if (ips.includes(eni.privateIpAddress)) {
      throw new AwsError("InvalidParameterValue", "The primary IP address of an interface cannot be unassigned.");
    }
    await this.state.networkInterfaces.update(scope, networkInterfaceId, (current) => {
      if (!ips.every((ip) => current.secondaryPrivateIpAddresses.includes(ip))) {
        throw new AwsError("InvalidParameterValue", `Some of the specified addresses are not assigned to interface ${networkInterfaceId}`);
      }
      return { ...current, secondaryPrivateIpAddresses: current.secondaryPrivateIpAddresses.filter((ip) => !ips.includes(ip)) };
    });
    await this.state.releaseAddresses(scope, eni.subnetId, ips, networkInterfaceId);
  }

  /** An attached ENI holds at most the type's IPv4 addresses; a detached one is checked when attached. */
  private async addressLimitOf(scope: Scope, eni: NetworkInterfaceRecord): Promise<number> {
    if (!eni.attachment) return 50;
    const instance = await this.state.instances.get(scope, eni.attachment.instanceId);
    return (instance && findInstanceType(instance.instanceType)?.ipv4PerEni) ?? 50;
  }

  private async requireInstance(scope: Scope, instanceId: string): Promise<InstanceRecord> {
    const instance = await this.state.instances.get(scope, instanceId);
    if (!instance) throw instanceNotFound([instanceId]);
    return instance;
  }

  private async dropAttachment(scope: Scope, instanceId: string, networkInterfaceId: string): Promise<void> {
    await this.state.instances.update(scope, instanceId, (current) =>
      current.attachments.some((a) => a.networkInterfaceId === networkInterfaceId)
        ? { ...current, attachments: current.attachments.filter((a) => a.networkInterfaceId !== networkInterfaceId) }
        : current,
    );
  }
}
