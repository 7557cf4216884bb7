import { createHash, randomInt } from "node:crypto";
import type { Storage } from "../../../storage/interface.js";
import { RecordStore, type Scope } from "../../records.js";
import { AwsError } from "../../protocol/operation.js";
import { availabilityZones } from "./regions.js";
import { formatCidr, formatIpv4, parseCidr, size, SUBNET_RESERVED_ADDRESSES, usableRange } from "./cidr.js";
import type { InstanceRecord, NetworkInterfaceRecord } from "./instance-record.js";

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

/** RunInstances' answer when the subnet is full. */
const subnetFullForInstances = (subnetId: string) =>
  new AwsError("InsufficientFreeAddressesInSubnet", `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of instances.`);

/**
 * EC2's VPCs, subnets, instances and network interfaces for every account and region. Each
 * region starts with AWS's default VPC, 172.31.0.0/16, with one /20 default subnet per zone.
 * Every address in use is an allocation on its subnet, so AvailableIpAddressCount is exact.
 */
export class Ec2State {
  readonly vpcs: RecordStore<VpcRecord>;
  readonly subnets: RecordStore<SubnetRecord>;
  readonly instances: RecordStore<InstanceRecord>;
  readonly networkInterfaces: RecordStore<NetworkInterfaceRecord>;
  private readonly defaultVpcReady = new Map<string, Promise<void>>();

  constructor(private readonly storage: Storage) {
    this.vpcs = new RecordStore(storage, "ec2", "vpcs");
    this.subnets = new RecordStore(storage, "ec2", "subnets");
    this.instances = new RecordStore(storage, "ec2", "instances");
    this.networkInterfaces = new RecordStore(storage, "ec2", "network-interfaces");
  }

  /** Every account and region that holds EC2 records of `kind` (start-up resumes them). */
  async scopesWith(kind: "instances" | "network-interfaces"): Promise<Scope[]> {
    const scopes = new Map<string, Scope>();
    const pattern = new RegExp(`^/aws/([^/]+)/([^/]+)/ec2/${kind}/`);
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.storage.list("/aws/", { limit: 1000, startAfter });
      for (const kv of page.items) {
        const m = pattern.exec(kv.key);
        if (m) scopes.set(`${m[1]}/${m[2]}`, { accountId: m[1] ?? "", region: m[2] ?? "" });
      }
      if (!page.more) return [...scopes.values()];
      startAfter = page.items[page.items.length - 1]?.key;
    }
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
    const [ip = ""] = await this.allocateIps(scope, subnetId, 1, owner, description, () => subnetFullForInstances(subnetId));
    return ip;
  }

  /**
   * Takes `count` free addresses from the subnet for `owner`, all or none; `whenFull` makes the
   * error of the calling operation (EC2 words it differently per API).
   */
  async allocateIps(
    scope: Scope,
    subnetId: string,
    count: number,
    owner: string,
    description: string,
    whenFull: () => AwsError,
  ): Promise<string[]> {
    let allocated: string[] = [];
    const updated = await this.subnets.update(scope, subnetId, (subnet) => {
      const cidr = parseCidr(subnet.cidrBlock);
      if (!cidr || availableIpCount(subnet) < count) throw whenFull();
      const used = new Set(subnet.allocations.map((a) => a.ip));
      allocated = [];
      for (let i = 0; i < count; i++) {
        const ip = pickFreeAddress(cidr, used);
        used.add(ip);
        allocated.push(ip);
      }
      return { ...subnet, allocations: [...subnet.allocations, ...allocated.map((ip) => ({ ip, owner, description }))] };
    });
    if (!updated) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
    return allocated;
  }

  /** Returns addresses to the subnet: the given ones, or every one `owner` holds there. */
  async releaseAddresses(scope: Scope, subnetId: string, which: { ips: string[] } | { owner: string }): Promise<void> {
    const drop = "ips" in which ? (a: IpAllocation) => which.ips.includes(a.ip) : (a: IpAllocation) => a.owner === which.owner;
    await this.subnets.update(scope, subnetId, (s) =>
      s.allocations.some(drop) ? { ...s, allocations: s.allocations.filter((a) => !drop(a)) } : s,
    );
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
