import type { ClusterNodeSource, InstanceNetwork, InstanceTypeFacts, NetworkInterfaceFacts, NodeInstance } from "./node-source.js";

/**
 * An in-memory ClusterNodeSource for kubelet tests and benchmarks: instances are added and moved
 * between states by hand; ENIs and secondary addresses come from one /24 per instance and follow
 * the instance type's ENI and per-ENI limits, as EC2 enforces them.
 */

export const INSTANCE_TYPES: Record<string, InstanceTypeFacts> = {
  "t3.medium": { name: "t3.medium", vCpus: 2, memoryMiB: 4096, architecture: "amd64", maxEnis: 3, ipv4PerEni: 6, maxPods: 17 },
  "m5.large": { name: "m5.large", vCpus: 2, memoryMiB: 8192, architecture: "amd64", maxEnis: 3, ipv4PerEni: 10, maxPods: 29 },
  "m5.xlarge": { name: "m5.xlarge", vCpus: 4, memoryMiB: 16384, architecture: "amd64", maxEnis: 4, ipv4PerEni: 15, maxPods: 58 },
  "t4g.medium": { name: "t4g.medium", vCpus: 2, memoryMiB: 4096, architecture: "arm64", maxEnis: 3, ipv4PerEni: 6, maxPods: 17 },
};

interface FakeInstanceState {
  instance: NodeInstance;
  enis: NetworkInterfaceFacts[];
  /** Addresses of the instance's /24 not yet used (index 4 onwards; .0–.3 and .255 are reserved). */
  next: number;
  /** How many addresses the subnet still hands out (to test exhaustion). */
  subnetFree: number;
}

export class FakeNodeSource implements ClusterNodeSource {
  private readonly states = new Map<string, FakeInstanceState>();
  private readonly listeners = new Set<(instance: NodeInstance) => void>();
  private counter = 0;
  /** Every EC2 call made, for assertions. */
  readonly calls: string[] = [];

  readonly network: InstanceNetwork = {
    networkInterfaces: async (instanceId) => this.state(instanceId).enis.map((e) => ({ ...e, secondaryIps: [...e.secondaryIps] })),
    attachNetworkInterface: async (instanceId) => {
      this.calls.push(`attach ${instanceId}`);
      const s = this.state(instanceId);
      if (s.enis.length >= s.instance.instanceType.maxEnis) {
        throw new Error(`AttachmentLimitExceeded: Interface count ${s.enis.length + 1} exceeds the limit for ${s.instance.instanceType.name}`);
      }
      if (s.subnetFree < 1) throw new Error(`InsufficientFreeAddressesInSubnet: ${s.instance.subnetId}`);
      const eni = this.newEni(s, s.enis.length);
      s.enis.push(eni);
      return { ...eni, secondaryIps: [] };
    },
    assignPrivateIps: async (networkInterfaceId, count) => {
      this.calls.push(`assign ${networkInterfaceId} ${count}`);
      const s = [...this.states.values()].find((x) => x.enis.some((e) => e.networkInterfaceId === networkInterfaceId));
      const eni = s?.enis.find((e) => e.networkInterfaceId === networkInterfaceId);
      if (!s || !eni) throw new Error(`InvalidNetworkInterfaceID.NotFound: ${networkInterfaceId}`);
      const room = s.instance.instanceType.ipv4PerEni - 1 - eni.secondaryIps.length;
      const n = Math.min(count, room, s.subnetFree);
      if (n <= 0) throw new Error(room <= 0 ? "PrivateIpAddressLimitExceeded" : `InsufficientFreeAddressesInSubnet: ${s.instance.subnetId}`);
      const ips = Array.from({ length: n }, () => this.take(s));
      eni.secondaryIps.push(...ips);
      return ips;
    },
    unassignPrivateIps: async (networkInterfaceId, ips) => {
      for (const s of this.states.values()) {
        const eni = s.enis.find((e) => e.networkInterfaceId === networkInterfaceId);
        if (eni) eni.secondaryIps = eni.secondaryIps.filter((ip) => !ips.includes(ip));
      }
    },
  };

  watchInstances(onChange: (instance: NodeInstance) => void): () => void {
    for (const s of this.states.values()) onChange({ ...s.instance });
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  /** Launches an instance (state "running" unless given) of the type in zone `az` (e.g. "us-west-2a"). */
  addInstance(options: { type?: string; az?: string; state?: string; labels?: Record<string, string>; taints?: NodeInstance["taints"]; bootDelayMs?: number; subnetFree?: number; nodegroupName?: string } = {}): NodeInstance {
    const n = ++this.counter;
    const type = INSTANCE_TYPES[options.type ?? "t3.medium"];
    if (!type) throw new Error(`unknown instance type ${options.type}`);
    const az = options.az ?? "us-west-2a";
    const region = az.slice(0, -1);
    const ip = `192.168.${n}.10`;
    const instance: NodeInstance = {
      instanceId: `i-${n.toString(16).padStart(17, "0")}`,
      state: options.state ?? "running",
      launchTime: "2026-01-01T00:00:00.000Z",
      instanceType: type,
      region,
      availabilityZone: az,
      availabilityZoneId: `usw2-az${az.charCodeAt(az.length - 1) - 96}`,
      subnetId: `subnet-${n.toString(16).padStart(17, "0")}`,
      vpcId: "vpc-00000000000000001",
      privateIpAddress: ip,
      privateDnsName: `ip-192-168-${n}-10.${region}.compute.internal`,
      primaryNetworkInterfaceId: `eni-${n.toString(16).padStart(8, "0")}000000000`,
      nodegroupName: options.nodegroupName,
      labels: options.labels ?? {},
      taints: options.taints ?? [],
      capacityType: "ON_DEMAND",
      bootDelayMs: options.bootDelayMs ?? 0,
    };
    const state: FakeInstanceState = { instance, enis: [], next: 11, subnetFree: options.subnetFree ?? 200 };
    state.enis.push({ networkInterfaceId: instance.primaryNetworkInterfaceId, deviceIndex: 0, subnetId: instance.subnetId, primaryIp: ip, secondaryIps: [] });
    this.states.set(instance.instanceId, state);
    this.emit(state);
    return { ...instance };
  }

  /** Holds the instance in its termination lifecycle hook (what a node-group scale-in does). */
  setDraining(instanceId: string, deadline: string): void {
    const s = this.state(instanceId);
    s.instance = { ...s.instance, draining: true, drainDeadline: deadline };
    this.emit(s);
  }

  /** Records the call and lets the termination proceed (shutting-down). */
  async completeLifecycleAction(instanceId: string): Promise<void> {
    this.calls.push(`complete-lifecycle-action ${instanceId}`);
    const s = this.state(instanceId);
    if (!s.instance.draining) return;
    const { draining: _d, drainDeadline: _s, ...rest } = s.instance;
    s.instance = { ...rest, state: "shutting-down" };
    this.emit(s);
  }

  setState(instanceId: string, state: string): void {
    const s = this.state(instanceId);
    s.instance.state = state;
    this.emit(s);
  }

  interfaces(instanceId: string): NetworkInterfaceFacts[] {
    return this.state(instanceId).enis;
  }

  private emit(s: FakeInstanceState): void {
    for (const l of this.listeners) l({ ...s.instance });
  }

  private state(instanceId: string): FakeInstanceState {
    const s = this.states.get(instanceId);
    if (!s) throw new Error(`InvalidInstanceID.NotFound: ${instanceId}`);
    return s;
  }

  private newEni(s: FakeInstanceState, deviceIndex: number): NetworkInterfaceFacts {
    return {
      networkInterfaceId: `${s.instance.primaryNetworkInterfaceId.slice(0, -1)}${deviceIndex}`,
      deviceIndex,
      subnetId: s.instance.subnetId,
      primaryIp: this.take(s),
      secondaryIps: [],
    };
  }

  private take(s: FakeInstanceState): string {
    s.subnetFree--;
    const [a, b, c] = s.instance.privateIpAddress.split(".");
    return `${a}.${b}.${c}.${s.next++}`;
  }
}
