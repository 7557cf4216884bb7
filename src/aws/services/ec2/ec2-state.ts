import { createHash, randomInt } from "node:crypto";
import type { Storage } from "../../../storage/interface.js";
import { RecordStore, type Scope } from "../../records.js";
import { AwsError } from "../../protocol/operation.js";
import { availabilityZones } from "./regions.js";
import { formatCidr, formatIpv4, parseCidr, size, SUBNET_RESERVED_ADDRESSES, usableRange } from "./cidr.js";

export interface VpcRecord {
  vpcId: string;
  ownerId: string;
  cidrBlock: string;
  isDefault: boolean;
  tags: Record<string, string>;
}

/** An address taken from a subnet, and by what (e.g. an EKS control-plane ENI). */
export interface IpAllocation {
  ip: string;
  owner: string;
  description: string;
}

export interface SubnetRecord {
  subnetId: string;
  vpcId: string;
  ownerId: string;
  cidrBlock: string;
  availabilityZone: string;
  availabilityZoneId: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  tags: Record<string, string>;
  allocations: IpAllocation[];
}

export const availableIpCount = (subnet: SubnetRecord): number => {
  const cidr = parseCidr(subnet.cidrBlock);
  return cidr ? size(cidr) - SUBNET_RESERVED_ADDRESSES - subnet.allocations.length : 0;
};

/** Deterministic ids for the default VPC, so creating it twice (or from two processes) is harmless. */
const stableId = (prefix: string, ...parts: string[]): string =>
  `${prefix}-${createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 17)}`;

/**
 * EC2's VPCs and subnets for every account and region. Each region starts with AWS's default
 * VPC, 172.31.0.0/16, with one /20 default subnet per availability zone.
 */
export class Ec2State {
  readonly vpcs: RecordStore<VpcRecord>;
  readonly subnets: RecordStore<SubnetRecord>;
  private readonly defaultVpcReady = new Map<string, Promise<void>>();

  constructor(storage: Storage) {
    this.vpcs = new RecordStore(storage, "ec2", "vpcs");
    this.subnets = new RecordStore(storage, "ec2", "subnets");
  }

  ensureDefaultVpc(scope: Scope): Promise<void> {
    const key = `${scope.accountId}/${scope.region}`;
    let ready = this.defaultVpcReady.get(key);
    if (!ready) {
      ready = this.createDefaultVpc(scope);
      this.defaultVpcReady.set(key, ready);
      ready.catch(() => this.defaultVpcReady.delete(key));
    }
    return ready;
  }

  private async createDefaultVpc(scope: Scope): Promise<void> {
    const vpcId = stableId("vpc", scope.accountId, scope.region, "default");
    await this.vpcs.create(scope, vpcId, {
      vpcId,
      ownerId: scope.accountId,
      cidrBlock: "172.31.0.0/16",
      isDefault: true,
      tags: {},
    });
    const base = parseCidr("172.31.0.0/16")?.base ?? 0;
    for (const [i, zone] of availabilityZones(scope.region).entries()) {
      const subnetId = stableId("subnet", scope.accountId, scope.region, zone.zoneName);
      await this.subnets.create(scope, subnetId, {
        subnetId,
        vpcId,
        ownerId: scope.accountId,
        cidrBlock: formatCidr({ base: base + i * 4096, prefix: 20 }),
        availabilityZone: zone.zoneName,
        availabilityZoneId: zone.zoneId,
        defaultForAz: true,
        mapPublicIpOnLaunch: true,
        tags: {},
        allocations: [],
      });
    }
  }

  /** Takes one free address from the subnet for `owner`; InsufficientFreeAddressesInSubnet when full. */
  async allocateIp(scope: Scope, subnetId: string, owner: string, description: string): Promise<string> {
    let allocated = "";
    const updated = await this.subnets.update(scope, subnetId, (subnet) => {
      const cidr = parseCidr(subnet.cidrBlock);
      if (!cidr || availableIpCount(subnet) <= 0) {
        throw new AwsError("InsufficientFreeAddressesInSubnet", `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of instances.`);
      }
      allocated = pickFreeAddress(cidr, new Set(subnet.allocations.map((a) => a.ip)));
      return { ...subnet, allocations: [...subnet.allocations, { ip: allocated, owner, description }] };
    });
    if (!updated) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
    return allocated;
  }

  /** Returns every address `owner` holds in the scope's subnets. */
  async releaseIps(scope: Scope, owner: string): Promise<void> {
    for (const subnet of await this.subnets.list(scope)) {
      if (!subnet.allocations.some((a) => a.owner === owner)) continue;
      await this.subnets.update(scope, subnet.subnetId, (s) => ({
        ...s,
        allocations: s.allocations.filter((a) => a.owner !== owner),
      }));
    }
  }
}

/** AWS hands out addresses from anywhere in the usable range, not in order. */
function pickFreeAddress(cidr: { base: number; prefix: number }, used: Set<string>): string {
  const { first, last } = usableRange(cidr);
  for (let attempt = 0; attempt < 32; attempt++) {
    const candidate = formatIpv4(randomInt(first, last + 1));
    if (!used.has(candidate)) return candidate;
  }
  for (let n = first; n <= last; n++) {
    const candidate = formatIpv4(n);
    if (!used.has(candidate)) return candidate;
  }
  throw new Error("no free address although the count said there was one");
}
