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

/** One taken address, its own record (`<subnetId>/<ip>`): creating it is what claims the address. */
interface AddressRecord extends IpAllocation {
  subnetId: string;
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
  /** How many of its addresses are taken: each one is an address record. */
  allocatedCount: number;
  /** Data directories from before address records kept the addresses here (moved out on first use). */
  allocations?: IpAllocation[];
}

const takenCount = (subnet: SubnetRecord): number => subnet.allocatedCount ?? subnet.allocations?.length ?? 0;

export const availableIpCount = (subnet: SubnetRecord): number => {
  const cidr = parseCidr(subnet.cidrBlock);
  return cidr ? size(cidr) - SUBNET_RESERVED_ADDRESSES - takenCount(subnet) : 0;
};

/** Whether any address of the subnet is in use (DeleteSubnet refuses then). */
export const hasAllocations = (subnet: SubnetRecord): boolean => takenCount(subnet) > 0;

/** Deterministic ids for the default VPC, so creating it twice (or from two processes) is harmless. */
const stableId = (prefix: string, ...parts: string[]): string =>
  `${prefix}-${createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 17)}`;

/** RunInstances' answer when the subnet is full. */
const subnetFullForInstances = (subnetId: string) =>
  new AwsError("InsufficientFreeAddressesInSubnet", `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of instances.`);

/**
 * EC2's VPCs, subnets, instances and network interfaces for every account and region. Each
 * region starts with AWS's default VPC, 172.31.0.0/16, with one /20 default subnet per zone.
 * Every address in use is a record of its own (created to claim it, so two writers never take the
 * same one) and counted on its subnet, so AvailableIpAddressCount is exact and cheap.
 */
export class Ec2State {
  readonly vpcs: RecordStore<VpcRecord>;
  readonly subnets: RecordStore<SubnetRecord>;
  readonly instances: RecordStore<InstanceRecord>;
  readonly networkInterfaces: RecordStore<NetworkInterfaceRecord>;
  private readonly addresses: RecordStore<AddressRecord>;
  private readonly defaultVpcReady = new Map<string, Promise<void>>();

  constructor(private readonly storage: Storage) {
    this.vpcs = new RecordStore(storage, "ec2", "vpcs");
    this.subnets = new RecordStore(storage, "ec2", "subnets");
    this.instances = new RecordStore(storage, "ec2", "instances");
    this.networkInterfaces = new RecordStore(storage, "ec2", "network-interfaces");
    this.addresses = new RecordStore(storage, "ec2", "subnet-addresses");
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
        allocatedCount: 0,
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
   * error of the calling operation (EC2 words it differently per API). The subnet's count is
   * reserved first, then each address is claimed by creating its record.
   */
  async allocateIps(
    scope: Scope,
    subnetId: string,
    count: number,
    owner: string,
    description: string,
    whenFull: () => AwsError,
  ): Promise<string[]> {
    await this.moveLegacyAllocations(scope, subnetId);
    let cidr: { base: number; prefix: number } | undefined;
    const reserved = await this.subnets.update(scope, subnetId, (subnet) => {
      cidr = parseCidr(subnet.cidrBlock);
      if (!cidr || availableIpCount(subnet) < count) throw whenFull();
      return { ...subnet, allocatedCount: takenCount(subnet) + count };
    });
    if (!reserved || !cidr) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
    const allocated: string[] = [];
    try {
      for (let i = 0; i < count; i++) allocated.push(await this.claimAddress(scope, subnetId, cidr, { ip: "", owner, description }));
    } catch (error) {
      await this.releaseAddresses(scope, subnetId, allocated, owner);
      await this.uncount(scope, subnetId, count - allocated.length);
      throw error;
    }
    return allocated;
  }

  /** Claims one free address of the range (the count says there is one): random ones first, as AWS, then the first free. */
  private async claimAddress(scope: Scope, subnetId: string, cidr: { base: number; prefix: number }, claim: IpAllocation): Promise<string> {
    const { first, last } = usableRange(cidr);
    const take = (ip: string) => this.addresses.create(scope, `${subnetId}/${ip}`, { ...claim, ip, subnetId });
    for (let attempt = 0; attempt < 32; attempt++) {
      const ip = formatIpv4(randomInt(first, last + 1));
      if (await take(ip)) return ip;
    }
    const used = new Set((await this.addresses.list(scope, `${subnetId}/`)).map((a) => a.ip));
    for (let n = first; n <= last; n++) {
      const ip = formatIpv4(n);
      if (!used.has(ip) && (await take(ip))) return ip;
    }
    throw new Error("no free address although the subnet's count said there was one");
  }

  /** Returns addresses to the subnet: those of `ips` that `owner` holds (all of `ips` without an owner). */
  async releaseAddresses(scope: Scope, subnetId: string, ips: string[], owner?: string): Promise<void> {
    let released = 0;
    for (const ip of ips) {
      let mine = false;
      await this.addresses.update(scope, `${subnetId}/${ip}`, (a) => {
        mine = owner === undefined || a.owner === owner;
        return mine ? undefined : a;
      });
      if (mine) released++;
    }
    await this.uncount(scope, subnetId, released);
  }

  /** Returns every address `owner` holds in the scope's subnets (reads them all: for rare calls, e.g. deleting a cluster). */
  async releaseIps(scope: Scope, owner: string): Promise<void> {
    for (const subnet of await this.subnets.list(scope)) {
      await this.moveLegacyAllocations(scope, subnet.subnetId);
      const held = (await this.addresses.list(scope, `${subnet.subnetId}/`)).filter((a) => a.owner === owner).map((a) => a.ip);
      if (held.length > 0) await this.releaseAddresses(scope, subnet.subnetId, held, owner);
    }
  }

  private async uncount(scope: Scope, subnetId: string, n: number): Promise<void> {
    if (n <= 0) return;
    await this.subnets.update(scope, subnetId, (s) => ({ ...s, allocatedCount: Math.max(0, takenCount(s) - n) }));
  }

  /** A subnet written before address records: its allocations become records (once). */
  private async moveLegacyAllocations(scope: Scope, subnetId: string): Promise<void> {
    const subnet = await this.subnets.get(scope, subnetId);
    if (!subnet?.allocations) return;
    for (const a of subnet.allocations) await this.addresses.create(scope, `${subnetId}/${a.ip}`, { ...a, subnetId });
    await this.subnets.update(scope, subnetId, (s) => {
      if (!s.allocations) return s;
      const { allocations, ...rest } = s;
      return { ...rest, allocatedCount: allocations.length };
    });
  }
}
