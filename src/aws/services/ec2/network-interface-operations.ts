import { z } from "zod";
import { AwsError, operation, type Operation } from "../../protocol/operation.js";
import type { Ec2State } from "./ec2-state.js";
import { ec2Page, filterList, matchesFilters, tagSet, tagSpecifications, tagsFor } from "./filters.js";
import type { NetworkInterfaceRecord } from "./instance-record.js";
import { privateDnsName } from "./instances.js";
import type { Ec2Network } from "./network-interfaces.js";

/** One ENI as EC2's DescribeNetworkInterfaces writes it. */
export function networkInterfaceWire(eni: NetworkInterfaceRecord, region?: string) {
  const dns = (ip: string) => (region ? privateDnsName(ip, region) : undefined);
  return {
    networkInterfaceId: eni.networkInterfaceId,
    subnetId: eni.subnetId,
    vpcId: eni.vpcId,
    availabilityZone: eni.availabilityZone,
    availabilityZoneId: eni.availabilityZoneId,
    description: eni.description,
    ownerId: eni.ownerId,
    requesterManaged: false,
    status: eni.attachment ? "in-use" : "available",
    macAddress: eni.macAddress,
    privateIpAddress: eni.privateIpAddress,
    privateDnsName: dns(eni.privateIpAddress),
    sourceDestCheck: true,
    interfaceType: "interface",
    groupSet: eni.securityGroups,
    ...(eni.attachment
      ? {
          attachment: {
            attachmentId: eni.attachment.attachmentId,
            deviceIndex: eni.attachment.deviceIndex,
            networkCardIndex: 0,
            instanceId: eni.attachment.instanceId,
            instanceOwnerId: eni.attachment.instanceOwnerId,
            status: "attached",
            attachTime: eni.attachment.attachTime,
            deleteOnTermination: eni.attachment.deleteOnTermination,
          },
        }
      : {}),
    tagSet: tagSet(eni.tags),
    privateIpAddressesSet: [
      { privateIpAddress: eni.privateIpAddress, privateDnsName: dns(eni.privateIpAddress), primary: true },
      ...eni.secondaryPrivateIpAddresses.map((ip) => ({ privateIpAddress: ip, privateDnsName: dns(ip), primary: false })),
    ],
    ipv6AddressesSet: [],
  };
}

const eniFilters: Record<string, (e: NetworkInterfaceRecord) => string[]> = {
  "network-interface-id": (e) => [e.networkInterfaceId],
  "attachment.instance-id": (e) => (e.attachment ? [e.attachment.instanceId] : []),
  "attachment.attachment-id": (e) => (e.attachment ? [e.attachment.attachmentId] : []),
  "attachment.device-index": (e) => (e.attachment ? [String(e.attachment.deviceIndex)] : []),
  "attachment.status": (e) => (e.attachment ? ["attached"] : []),
  "attachment.delete-on-termination": (e) => (e.attachment ? [String(e.attachment.deleteOnTermination)] : []),
  "subnet-id": (e) => [e.subnetId],
  "vpc-id": (e) => [e.vpcId],
  "availability-zone": (e) => [e.availabilityZone],
  "status": (e) => [e.attachment ? "in-use" : "available"],
  "private-ip-address": (e) => [e.privateIpAddress, ...e.secondaryPrivateIpAddresses],
  "addresses.private-ip-address": (e) => [e.privateIpAddress, ...e.secondaryPrivateIpAddresses],
  "addresses.primary": (e) => ["true", ...(e.secondaryPrivateIpAddresses.length > 0 ? ["false"] : [])],
  "description": (e) => [e.description],
  "owner-id": (e) => [e.ownerId],
  "interface-type": () => ["interface"],
  "requester-managed": () => ["false"],
  "mac-address": (e) => [e.macAddress],
  "group-id": (e) => e.securityGroups.map((g) => g.groupId),
};

/** The ENI calls of EC2 that ipamd makes, in EC2's query dialect. */
export function networkInterfaceOperations(state: Ec2State, network: Ec2Network): Operation<never, unknown>[] {
  const count = z.coerce.number().int();
  return [
    operation({
      name: "DescribeNetworkInterfaces",
      input: z.object({
        NetworkInterfaceId: z.array(z.string()).optional(),
        Filter: filterList,
        MaxResults: z.coerce.number().int().min(5).max(1000).optional(),
        NextToken: z.string().optional(),
      }),
      handler: async (input, ctx) => {
        const all = await state.networkInterfaces.list(ctx);
        for (const id of input.NetworkInterfaceId ?? []) {
          if (!all.some((e) => e.networkInterfaceId === id)) {
            throw new AwsError("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`);
          }
        }
        const matching = all
          .filter((e) => !input.NetworkInterfaceId || input.NetworkInterfaceId.includes(e.networkInterfaceId))
          .filter((e) => matchesFilters(e, input.Filter, eniFilters));
        const { page, nextToken } = ec2Page(matching, input.NextToken, input.MaxResults);
        return { networkInterfaceSet: page.map((e) => networkInterfaceWire(e, ctx.region)), ...(nextToken ? { nextToken } : {}) };
      },
    }),
    operation({
      name: "CreateNetworkInterface",
      input: z.object({
        SubnetId: z.string(),
        Description: z.string().optional(),
        SecondaryPrivateIpAddressCount: count.optional(),
        PrivateIpAddress: z.string().optional(),
        PrivateIpAddresses: z.array(z.unknown()).optional(),
        SecurityGroupId: z.array(z.string()).optional(),
        TagSpecification: tagSpecifications,
      }),
      handler: async (input, ctx) => {
        if (input.PrivateIpAddress || input.PrivateIpAddresses) {
          throw new AwsError("NotImplemented", "minieks picks ENI addresses itself; use SecondaryPrivateIpAddressCount instead of PrivateIpAddress(es)", 501);
        }
        const eni = await network.create(ctx, {
          subnetId: input.SubnetId,
          description: input.Description,
          secondaryPrivateIpAddressCount: input.SecondaryPrivateIpAddressCount,
          securityGroups: (input.SecurityGroupId ?? []).map((groupId) => ({ groupId, groupName: groupId })),
          tags: tagsFor("network-interface", input.TagSpecification),
        });
        return { networkInterface: networkInterfaceWire(eni, ctx.region) };
      },
    }),
    operation({
      name: "AttachNetworkInterface",
      input: z.object({ NetworkInterfaceId: z.string(), InstanceId: z.string(), DeviceIndex: count, NetworkCardIndex: count.optional() }),
      handler: async (input, ctx) => {
        if (input.NetworkCardIndex !== undefined && input.NetworkCardIndex !== 0) {
          throw new AwsError("InvalidParameterValue", `Invalid value '${input.NetworkCardIndex}' for networkCardIndex: the instance has one network card.`);
        }
        const attachmentId = await network.attach(ctx, input.NetworkInterfaceId, input.InstanceId, input.DeviceIndex);
        return { attachmentId, networkCardIndex: 0 };
      },
    }),
    operation({
      name: "DetachNetworkInterface",
      input: z.object({ AttachmentId: z.string(), Force: z.string().optional() }),
      handler: async (input, ctx) => {
        await network.detach(ctx, input.AttachmentId);
        return { return: true };
      },
    }),
    operation({
      name: "DeleteNetworkInterface",
      input: z.object({ NetworkInterfaceId: z.string() }),
      handler: async (input, ctx) => {
        await network.delete(ctx, input.NetworkInterfaceId);
        return { return: true };
      },
    }),
    operation({
      name: "AssignPrivateIpAddresses",
      input: z.object({
        NetworkInterfaceId: z.string(),
        SecondaryPrivateIpAddressCount: count.optional(),
        PrivateIpAddress: z.array(z.string()).optional(),
        Ipv4Prefix: z.array(z.string()).optional(),
        Ipv4PrefixCount: count.optional(),
      }),
      handler: async (input, ctx) => {
        if (input.PrivateIpAddress || input.Ipv4Prefix || input.Ipv4PrefixCount !== undefined) {
          throw new AwsError("NotImplemented", "minieks assigns secondary addresses by count only (no chosen addresses, no /28 prefixes yet)", 501);
        }
        if (input.SecondaryPrivateIpAddressCount === undefined) {
          throw new AwsError("MissingParameter", "Either 'secondaryPrivateIpAddressCount' or 'privateIpAddress' must be specified.");
        }
        const ips = await network.assign(ctx, input.NetworkInterfaceId, input.SecondaryPrivateIpAddressCount);
        return {
          networkInterfaceId: input.NetworkInterfaceId,
          assignedPrivateIpAddressesSet: ips.map((privateIpAddress) => ({ privateIpAddress })),
          assignedIpv4PrefixSet: [],
        };
      },
    }),
    operation({
      name: "UnassignPrivateIpAddresses",
      input: z.object({ NetworkInterfaceId: z.string(), PrivateIpAddress: z.array(z.string()).min(1) }),
      handler: async (input, ctx) => {
        await network.unassign(ctx, input.NetworkInterfaceId, input.PrivateIpAddress);
        return { return: true };
      },
    }),
  ];
}
