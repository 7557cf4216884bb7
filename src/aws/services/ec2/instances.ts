import { randomBytes } from "node:crypto";
import { scaled, type Clock } from "../../../shared/clock.js";
import { ec2Id, uuid } from "../../../shared/ids.js";
import type { Logger } from "../../../shared/logger.js";
import { AwsError } from "../../protocol/operation.js";
import type { Scope } from "../../records.js";
import type { Ec2State } from "./ec2-state.js";
import { findInstanceType } from "./instance-types.js";
import { addressesOf, type InstanceAttachment, type InstanceRecord, type InstanceStateName, type NetworkInterfaceRecord, type NodeConfig } from "./instance-record.js";

/** EC2's durations (observed typical values), scaled by the time-scale setting (0 = instant). */
export const EC2_DURATIONS = {
  /** pending → running. */
  pendingMs: 15_000,
  /** shutting-down → terminated. */
  shuttingDownMs: 30_000,
  /** From running until nodeadm has configured the kubelet and it registers (NodeInstance.bootDelayMs). */
  bootMs: 45_000,
  /** Terminated instances stay listed by DescribeInstances for about an hour (not scaled: a display window, not a wait). */
  terminatedVisibleMs: 60 * 60_000,
};

/** ip-172-31-5-12.ap-northeast-2.compute.internal; us-east-1 keeps the older ec2.internal domain. */
export const privateDnsName = (ip: string, region: string): string =>
  `ip-${ip.replace(/\./g, "-")}.${region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`}`;

/** A locally administered unicast MAC, as EC2 gives ENIs. */
export const randomMac = (): string => ["02", ...[...randomBytes(5)].map((b) => b.toString(16).padStart(2, "0"))].join(":");

export interface LaunchSpec {
  subnetId: string;
  instanceType: string;
  imageId: string;
  tags: Record<string, string>;
  securityGroups: { groupId: string; groupName: string }[];
  capacityType?: "ON_DEMAND" | "SPOT";
  iamInstanceProfileArn?: string;
  rootVolumeSizeGiB?: number;
  nodeConfig?: NodeConfig;
}

export interface InstanceStateChange {
  instanceId: string;
  previousState: InstanceStateName;
  currentState: InstanceStateName;
}

export interface InstanceEvent {
  scope: Scope;
  instance: InstanceRecord;
}

const gmt = (d: Date): string => `${d.toISOString().slice(0, 19).replace("T", " ")} GMT`;

/**
 * Launches and terminates instances and drives their states on the injected clock:
 * pending → running, shutting-down → terminated (then the instance's addresses go back to its
 * subnet). State lives in storage; `resumeAll` picks up unfinished transitions after a restart.
 * Listeners hear every state change in this process (the node-group reconciler uses that).
 */
export class Ec2Instances {
  private readonly timers = new Map<string, () => void>();
  private readonly listeners = new Set<(event: InstanceEvent) => void>();
  private stopped = false;

  constructor(
    private readonly state: Ec2State,
    private readonly clock: Clock,
    private readonly timeScale: number,
    private readonly logger: Logger,
  ) {}

  onChange(listener: (event: InstanceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** RunInstances for one instance: a primary ENI with an address from the subnet, state pending. */
  async launch(scope: Scope, spec: LaunchSpec): Promise<InstanceRecord> {
    const subnet = await this.state.subnets.get(scope, spec.subnetId);
    if (!subnet) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${spec.subnetId}' does not exist`);
    const type = findInstanceType(spec.instanceType);
    if (!type) throw new AwsError("InvalidParameterValue", `Invalid value '${spec.instanceType}' for InstanceType.`);
    const instanceId = ec2Id("i");
    const eniId = ec2Id("eni");
    const ip = await this.state.allocateIp(scope, subnet.subnetId, eniId, `Primary network interface of ${instanceId}`);
    const now = this.clock.now().toISOString();
    const eni: NetworkInterfaceRecord = {
      networkInterfaceId: eniId,
      ownerId: scope.accountId,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      availabilityZoneId: subnet.availabilityZoneId,
      description: "",
      macAddress: randomMac(),
      privateIpAddress: ip,
      secondaryPrivateIpAddresses: [],
      securityGroups: spec.securityGroups,
      tags: {},
      attachment: {
        attachmentId: ec2Id("eni-attach"),
        instanceId,
        instanceOwnerId: scope.accountId,
        deviceIndex: 0,
        attachTime: now,
        deleteOnTermination: true,
      },
    };
    const instance: InstanceRecord = {
      instanceId,
      reservationId: ec2Id("r"),
      ownerId: scope.accountId,
      imageId: spec.imageId,
      instanceType: type.name,
      state: "pending",
      stateSince: now,
      stateTransitionReason: "",
      launchTime: now,
      availabilityZone: subnet.availabilityZone,
      availabilityZoneId: subnet.availabilityZoneId,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      privateIpAddress: ip,
      privateDnsName: privateDnsName(ip, scope.region),
      primaryNetworkInterfaceId: eniId,
      attachments: [{ networkInterfaceId: eniId, deviceIndex: 0 }],
      securityGroups: spec.securityGroups,
      iamInstanceProfileArn: spec.iamInstanceProfileArn,
      capacityType: spec.capacityType ?? "ON_DEMAND",
      rootVolumeId: ec2Id("vol"),
      rootVolumeSizeGiB: spec.rootVolumeSizeGiB ?? 8,
      clientToken: uuid(),
      tags: spec.tags,
      nodeConfig: spec.nodeConfig,
    };
    try {
      await this.state.networkInterfaces.create(scope, eniId, eni);
      await this.state.instances.create(scope, instanceId, instance);
    } catch (error) {
      await this.state.networkInterfaces.delete(scope, eniId);
      await this.state.releaseAddresses(scope, subnet.subnetId, [ip], eniId);
      throw error;
    }
    this.changed(scope, instance);
    return instance;
  }

  /** TerminateInstances: every id must exist; running and pending ones start shutting down. */
  async terminate(scope: Scope, instanceIds: string[]): Promise<InstanceStateChange[]> {
    const missing: string[] = [];
    for (const id of instanceIds) if (!(await this.state.instances.get(scope, id))) missing.push(id);
    if (missing.length > 0) throw instanceNotFound(missing);
    const changes: InstanceStateChange[] = [];
    for (const id of instanceIds) {
      let previous: InstanceStateName = "terminated";
      const now = this.clock.now();
      const updated = await this.state.instances.update(scope, id, (current) => {
        previous = current.state;
        if (current.state !== "pending" && current.state !== "running") return current;
        return { ...current, state: "shutting-down", stateSince: now.toISOString(), stateTransitionReason: `User initiated (${gmt(now)})` };
      });
      if (!updated) continue;
      changes.push({ instanceId: id, previousState: previous, currentState: updated.state });
      if (previous !== updated.state) this.changed(scope, updated);
    }
    return changes;
  }

  /**
   * The Auto Scaling group chose these instances for termination and its lifecycle hook holds
   * them in Terminating:Wait (the node drains meanwhile). Returns the ids now waiting.
   */
  async holdForTermination(scope: Scope, instanceIds: string[], drainMs: number): Promise<string[]> {
    const waiting: string[] = [];
    const now = this.clock.now().toISOString();
    const deadline = new Date(this.clock.now().getTime() + drainMs).toISOString();
    for (const id of instanceIds) {
      const updated = await this.state.instances.update(scope, id, (current) => {
        if ((current.state !== "pending" && current.state !== "running") || current.lifecycleState) return current;
        return { ...current, lifecycleState: "Terminating:Wait", lifecycleStateSince: now, lifecycleActionDeadline: deadline };
      });
      if (updated?.lifecycleState === "Terminating:Wait") waiting.push(id);
    }
    return waiting;
  }

  /** CompleteLifecycleAction (CONTINUE): a held instance moves to Terminating:Proceed and is terminated. */
  async completeLifecycleAction(scope: Scope, instanceId: string): Promise<void> {
    const now = this.clock.now().toISOString();
    const updated = await this.state.instances.update(scope, instanceId, (current) =>
      current.lifecycleState === "Terminating:Wait" ? { ...current, lifecycleState: "Terminating:Proceed", lifecycleStateSince: now } : current,
    );
    if (updated?.lifecycleState === "Terminating:Proceed") await this.terminate(scope, [instanceId]);
  }

  /** Rewrites what the instance's kubelet is told (node-group label and taint updates reach running nodes). */
  async updateNodeConfig(scope: Scope, instanceId: string, nodeConfig: NodeConfig): Promise<void> {
    await this.state.instances.update(scope, instanceId, (current) =>
      JSON.stringify(current.nodeConfig) === JSON.stringify(nodeConfig) ? current : { ...current, nodeConfig },
    );
  }

  /** The scope's instances, dropping terminated ones older than EC2's display window. */
  async list(scope: Scope): Promise<InstanceRecord[]> {
    const all = await this.state.instances.list(scope);
    const cutoff = this.clock.now().getTime() - EC2_DURATIONS.terminatedVisibleMs;
    const visible: InstanceRecord[] = [];
    for (const instance of all) {
      if (instance.state === "terminated" && Date.parse(instance.stateSince) < cutoff) {
        await this.state.instances.update(scope, instance.instanceId, (c) => (c.state === "terminated" ? undefined : c));
      } else {
        visible.push(instance);
      }
    }
    return visible;
  }

  /** Schedules the unfinished transitions of every stored instance (start-up). */
  async resumeAll(): Promise<void> {
    for (const scope of await this.state.scopesWith("instances")) {
      await this.releaseOrphans(scope);
      for (const instance of await this.state.instances.list(scope)) this.schedule(scope, instance);
    }
  }

  stopAll(): void {
    this.stopped = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private changed(scope: Scope, instance: InstanceRecord): void {
    for (const listener of this.listeners) {
      try {
        listener({ scope, instance });
      } catch (error) {
        this.logger.error("instance listener failed", { error: String(error) });
      }
    }
    this.schedule(scope, instance);
  }

  private schedule(scope: Scope, instance: InstanceRecord): void {
    if (this.stopped) return;
    const wait = instance.state === "pending" ? EC2_DURATIONS.pendingMs : instance.state === "shutting-down" ? EC2_DURATIONS.shuttingDownMs : undefined;
    if (wait === undefined) return;
    const key = `${scope.accountId}/${scope.region}/${instance.instanceId}`;
    this.timers.get(key)?.();
    const delay = Date.parse(instance.stateSince) + scaled(wait, this.timeScale) - this.clock.now().getTime();
    const run = () => {
      this.timers.delete(key);
      void this.advance(scope, instance.instanceId).catch((error: unknown) =>
        this.logger.error("instance transition failed", { instance: instance.instanceId, error: String(error) }),
      );
    };
    if (delay <= 0) {
      this.timers.set(key, () => undefined);
      queueMicrotask(run);
    } else {
      this.timers.set(key, this.clock.setTimer(delay, run));
    }
  }

  private async advance(scope: Scope, instanceId: string): Promise<void> {
    const current = await this.state.instances.get(scope, instanceId);
    if (!current || this.stopped) return;
    const now = this.clock.now().toISOString();
    const next: Partial<Record<InstanceStateName, InstanceStateName>> = { pending: "running", "shutting-down": "terminated" };
    let detached: InstanceAttachment[] = [];
    const updated = await this.state.instances.update(scope, instanceId, (c) => {
      const to = next[c.state];
      if (!to || c.state !== current.state) return c;
      // Terminated first, so no ENI can be attached any more, then the ENIs go (see releaseNetwork).
      detached = to === "terminated" ? c.attachments : [];
      return { ...c, state: to, stateSince: now, ...(to === "terminated" ? { attachments: [] } : {}) };
    });
    if (!updated || updated.state === current.state) return;
    await this.releaseNetwork(scope, instanceId, detached);
    this.changed(scope, updated);
  }

  /** On termination, ENIs marked delete-on-termination go (their addresses with them); others are detached. */
  private async releaseNetwork(scope: Scope, instanceId: string, attachments: InstanceAttachment[]): Promise<void> {
    for (const { networkInterfaceId } of attachments) {
      const eni = await this.state.networkInterfaces.get(scope, networkInterfaceId);
      if (eni) await this.releaseInterface(scope, instanceId, eni);
    }
  }

  private async releaseInterface(scope: Scope, instanceId: string, eni: NetworkInterfaceRecord): Promise<void> {
    if (eni.attachment?.instanceId !== instanceId) return;
    if (eni.attachment.deleteOnTermination) {
      // Record first: an address assigned meanwhile finds no ENI and is given back by its caller.
      await this.state.networkInterfaces.delete(scope, eni.networkInterfaceId);
      await this.state.releaseAddresses(scope, eni.subnetId, addressesOf(eni), eni.networkInterfaceId);
    } else {
      await this.state.networkInterfaces.update(scope, eni.networkInterfaceId, (e) => ({ ...e, attachment: undefined }));
    }
  }

  /** ENIs still attached to terminated (or vanished) instances, e.g. after a crash mid-termination. */
  private async releaseOrphans(scope: Scope): Promise<void> {
    const instances = new Map((await this.state.instances.list(scope)).map((i) => [i.instanceId, i]));
    for (const eni of await this.state.networkInterfaces.list(scope)) {
      const owner = eni.attachment ? instances.get(eni.attachment.instanceId) : undefined;
      if (eni.attachment && (!owner || owner.state === "terminated")) await this.releaseInterface(scope, eni.attachment.instanceId, eni);
    }
  }
}

export function instanceNotFound(ids: string[]): AwsError {
  return ids.length === 1
    ? new AwsError("InvalidInstanceID.NotFound", `The instance ID '${ids[0]}' does not exist`)
    : new AwsError("InvalidInstanceID.NotFound", `The instance IDs '${ids.join(", ")}' do not exist`);
}
