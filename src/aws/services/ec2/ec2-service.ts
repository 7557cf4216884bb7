import { z } from "zod";
import { ec2Id } from "../../../shared/ids.js";
import { AwsError, operation, type AwsService, type RequestContext } from "../../protocol/operation.js";
import { availabilityZones } from "./regions.js";
import { contains, overlaps, parseCidr } from "./cidr.js";
import { availableIpCount, hasAllocations, type Ec2State, type SubnetRecord, type VpcRecord } from "./ec2-state.js";
import { filterList, matchesFilters, tagSet, tagSpecifications, tagsFor } from "./filters.js";
import { instanceOperations } from "./instance-operations.js";
import { instanceTypeOperations } from "./instance-type-operations.js";
import type { Ec2Instances } from "./instances.js";
import type { Ec2Network } from "./network-interfaces.js";
import { networkInterfaceOperations } from "./network-interface-operations.js";

function vpcWire(vpc: VpcRecord) {
  return {
    vpcId: vpc.vpcId,
    ownerId: vpc.ownerId,
    state: "available",
    cidrBlock: vpc.cidrBlock,
    cidrBlockAssociationSet: [
      { associationId: vpc.vpcId.replace("vpc-", "vpc-cidr-assoc-"), cidrBlock: vpc.cidrBlock, cidrBlockState: { state: "associated" } },
    ],
    instanceTenancy: "default",
    isDefault: vpc.isDefault,
    tagSet: tagSet(vpc.tags),
  };
}

function subnetWire(subnet: SubnetRecord, region: string) {
  return {
    subnetId: subnet.subnetId,
    subnetArn: `arn:aws:ec2:${region}:${subnet.ownerId}:subnet/${subnet.subnetId}`,
    state: "available",
    vpcId: subnet.vpcId,
    ownerId: subnet.ownerId,
    cidrBlock: subnet.cidrBlock,
    availableIpAddressCount: availableIpCount(subnet),
    availabilityZone: subnet.availabilityZone,
    availabilityZoneId: subnet.availabilityZoneId,
    defaultForAz: subnet.defaultForAz,
    mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: [],
    tagSet: tagSet(subnet.tags),
  };
}

/** The EC2 slice EKS work touches: VPCs, subnets, instances, ENIs and instance types, in EC2's query/XML protocol. */
export function createEc2Service(state: Ec2State, compute: { instances: Ec2Instances; network: Ec2Network }): AwsService {
  const ready = async (ctx: RequestContext) => {
    await state.ensureDefaultVpc(ctx);
    return ctx;
  };
  const requireVpc = async (ctx: RequestContext, vpcId: string) => {
    const vpc = await state.vpcs.get(ctx, vpcId);
    if (!vpc) throw new AwsError("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
    return vpc;
  };

  return {
    signingName: "ec2",
    protocol: "ec2",
    xmlNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
    validationErrorCode: "InvalidParameterValue",
    unknownKeyErrorCode: "AuthFailure",
    operations: [
      operation({
        name: "DescribeVpcs",
        input: z.object({ VpcId: z.array(z.string()).optional(), Filter: filterList }),
        handler: async (input, ctx) => {
          await ready(ctx);
          const all = await state.vpcs.list(ctx);
          for (const id of input.VpcId ?? []) {
            if (!all.some((v) => v.vpcId === id)) throw new AwsError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`);
          }
          const vpcs = all
            .filter((v) => !input.VpcId || input.VpcId.includes(v.vpcId))
            .filter((v) =>
              matchesFilters(v, input.Filter, {
                "vpc-id": (r) => [r.vpcId],
                "is-default": (r) => [String(r.isDefault)],
                "cidr": (r) => [r.cidrBlock],
                "cidr-block-association.cidr-block": (r) => [r.cidrBlock],
                "state": () => ["available"],
                "owner-id": (r) => [r.ownerId],
              }),
            );
          return { vpcSet: vpcs.map(vpcWire) };
        },
      }),
      operation({
        name: "CreateVpc",
        input: z.object({ CidrBlock: z.string(), TagSpecification: tagSpecifications }),
        handler: async (input, ctx) => {
          await ready(ctx);
          const cidr = parseCidr(input.CidrBlock);
          if (!cidr || cidr.prefix < 16 || cidr.prefix > 28) {
            throw new AwsError("InvalidVpc.Range", `The CIDR '${input.CidrBlock}' is invalid.`);
          }
          const vpc: VpcRecord = {
            vpcId: ec2Id("vpc"),
            ownerId: ctx.accountId,
            cidrBlock: input.CidrBlock,
            isDefault: false,
            tags: tagsFor("vpc", input.TagSpecification),
          };
          await state.vpcs.create(ctx, vpc.vpcId, vpc);
          return { vpc: { ...vpcWire(vpc), state: "pending" } };
        },
      }),
      operation({
        name: "DeleteVpc",
        input: z.object({ VpcId: z.string() }),
        handler: async (input, ctx) => {
          await ready(ctx);
          await requireVpc(ctx, input.VpcId);
          const subnets = await state.subnets.list(ctx);
          if (subnets.some((s) => s.vpcId === input.VpcId)) {
            throw new AwsError("DependencyViolation", `The vpc '${input.VpcId}' has dependencies and cannot be deleted.`);
          }
          await state.vpcs.delete(ctx, input.VpcId);
          return { return: true };
        },
      }),
      operation({
        name: "DescribeSubnets",
        input: z.object({ SubnetId: z.array(z.string()).optional(), Filter: filterList }),
        handler: async (input, ctx) => {
          await ready(ctx);
          const all = await state.subnets.list(ctx);
          for (const id of input.SubnetId ?? []) {
            if (!all.some((s) => s.subnetId === id)) {
              throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`);
            }
          }
          const subnets = all
            .filter((s) => !input.SubnetId || input.SubnetId.includes(s.subnetId))
            .filter((s) =>
              matchesFilters(s, input.Filter, {
                "subnet-id": (r) => [r.subnetId],
                "vpc-id": (r) => [r.vpcId],
                "availability-zone": (r) => [r.availabilityZone],
                "availability-zone-id": (r) => [r.availabilityZoneId],
                "default-for-az": (r) => [String(r.defaultForAz)],
                "cidr-block": (r) => [r.cidrBlock],
                "state": () => ["available"],
                "owner-id": (r) => [r.ownerId],
                "available-ip-address-count": (r) => [String(availableIpCount(r))],
              }),
            )
            .sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.cidrBlock.localeCompare(b.cidrBlock));
          return { subnetSet: subnets.map((s) => subnetWire(s, ctx.region)) };
        },
      }),
      operation({
        name: "CreateSubnet",
        input: z.object({
          VpcId: z.string(),
          CidrBlock: z.string(),
          AvailabilityZone: z.string().optional(),
          AvailabilityZoneId: z.string().optional(),
          TagSpecification: tagSpecifications,
        }),
        handler: async (input, ctx) => {
          await ready(ctx);
          const vpc = await requireVpc(ctx, input.VpcId);
          const cidr = parseCidr(input.CidrBlock);
          const vpcCidr = parseCidr(vpc.cidrBlock);
          if (!cidr || !vpcCidr || cidr.prefix < 16 || cidr.prefix > 28 || !contains(vpcCidr, cidr)) {
            throw new AwsError("InvalidSubnet.Range", `The CIDR '${input.CidrBlock}' is invalid.`);
          }
          const siblings = (await state.subnets.list(ctx)).filter((s) => s.vpcId === vpc.vpcId);
          if (siblings.some((s) => overlaps(parseCidr(s.cidrBlock) ?? cidr, cidr))) {
            throw new AwsError("InvalidSubnet.Conflict", `The CIDR '${input.CidrBlock}' conflicts with another subnet`);
          }
          const zones = availabilityZones(ctx.region);
          const zone = input.AvailabilityZone || input.AvailabilityZoneId
            ? zones.find((z) => z.zoneName === input.AvailabilityZone || z.zoneId === input.AvailabilityZoneId)
            : zones[0];
          if (!zone) {
            throw new AwsError(
              "InvalidParameterValue",
              `Value (${input.AvailabilityZone ?? input.AvailabilityZoneId}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.zoneName).join(", ")}.`,
            );
          }
          const subnet: SubnetRecord = {
            subnetId: ec2Id("subnet"),
            vpcId: vpc.vpcId,
            ownerId: ctx.accountId,
            cidrBlock: input.CidrBlock,
            availabilityZone: zone.zoneName,
            availabilityZoneId: zone.zoneId,
            defaultForAz: false,
            mapPublicIpOnLaunch: false,
            tags: tagsFor("subnet", input.TagSpecification),
            allocatedCount: 0,
          };
          await state.subnets.create(ctx, subnet.subnetId, subnet);
          return { subnet: subnetWire(subnet, ctx.region) };
        },
      }),
      operation({
        name: "DeleteSubnet",
        input: z.object({ SubnetId: z.string() }),
        handler: async (input, ctx) => {
          await ready(ctx);
          const subnet = await state.subnets.get(ctx, input.SubnetId);
          if (!subnet) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${input.SubnetId}' does not exist`);
          if (hasAllocations(subnet)) {
            throw new AwsError("DependencyViolation", `The subnet '${input.SubnetId}' has dependencies and cannot be deleted.`);
          }
          await state.subnets.delete(ctx, input.SubnetId);
          return { return: true };
        },
      }),
      ...instanceOperations(state, compute.instances),
      ...networkInterfaceOperations(state, compute.network),
      ...instanceTypeOperations(),
    ],
  };
}
