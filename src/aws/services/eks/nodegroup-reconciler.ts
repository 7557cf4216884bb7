import { scaled, type Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { Storage } from "../../../storage/interface.js";
import { AwsError } from "../../protocol/operation.js";
import { RecordStore, type Scope } from "../../records.js";
import { availableIpCount, type Ec2State, type SubnetRecord } from "../ec2/ec2-state.js";
import type { InstanceRecord, NodeConfig } from "../ec2/instance-record.js";
import type { Ec2Instances, LaunchSpec } from "../ec2/instances.js";
import {
  autoScalingGroupName,
  KUBERNETES_EFFECT,
  launchTemplateId,
  nodegroupKey,
  type NodegroupIssue,
  type NodegroupRecord,
} from "./nodegroup-record.js";

/** EKS's managed-node-group durations (typical observed values), scaled by the time-scale setting. */
export const NODEGROUP_DURATIONS = {
  /** CREATING → ACTIVE at the earliest: launch template, Auto Scaling group, nodes joining. */
  createMs: 3 * 60_000,
  /** How long creation keeps retrying failed launches before CREATE_FAILED. */
  createTimeoutMs: 15 * 60_000,
  /** A config update (sizes, labels, taints) before the node group is ACTIVE again. */
  updateMs: 60_000,
  /** DELETING → gone, once its instances are terminated. */
  deleteMs: 2 * 60_000,
  /** How often the Auto Scaling group retries launches that failed. */
  retryMs: 60_000,
  /** How long a scale-in lets the node drain before the instance goes anyway (EKS: 15 minutes). */
  scaleInDrainMs: 15 * 60_000,
  /** DeleteNodegroup: "If the node hasn't been drained after 5 minutes, Amazon EKS lets Auto Scaling continue". */
  deleteDrainMs: 5 * 60_000,
  /**
   * Past the drain deadline, how long the termination hook still waits for the drainer to
   * complete it (the backstop for a cluster whose control plane is not running).
   */
  terminationHookGraceMs: 5 * 60_000,
};

/** Drain waits use EKS's real time when durations are instant (timeScale 0): a drain that cannot wait honours no budget. */
export const drainScaled = (realMs: number, timeScale: number): number => (timeScale > 0 ? scaled(realMs, timeScale) : realMs);

/** Tags EKS's Auto Scaling group puts on every instance it launches for a node group. */
export function instanceTags(ng: NodegroupRecord): Record<string, string> {
  return {
    "eks:cluster-name": ng.clusterName,
    "eks:nodegroup-name": ng.nodegroupName,
    [`kubernetes.io/cluster/${ng.clusterName}`]: "owned",
    "aws:autoscaling:groupName": autoScalingGroupName(ng),
    "aws:ec2launchtemplate:id": launchTemplateId(ng),
    "aws:ec2launchtemplate:version": "1",
    "k8s.io/cluster-autoscaler/enabled": "true",
    [`k8s.io/cluster-autoscaler/${ng.clusterName}`]: "owned",
  };
}

/** What the node group's launch template tells each node's kubelet: EKS's labels over the user's, and the taints. */
export function nodeConfigOf(ng: NodegroupRecord): NodeConfig {
  return {
    clusterName: ng.clusterName,
    nodegroupName: ng.nodegroupName,
    amiType: ng.amiType,
    releaseVersion: ng.releaseVersion,
    labels: {
      ...ng.labels,
      "eks.amazonaws.com/nodegroup": ng.nodegroupName,
      "eks.amazonaws.com/nodegroup-image": ng.imageId,
      "eks.amazonaws.com/capacityType": ng.capacityType,
    },
    taints: ng.taints.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: KUBERNETES_EFFECT[t.effect] })),
  };
}

const insufficientAddresses = (ng: NodegroupRecord): NodegroupIssue => ({
  code: "InsufficientFreeAddresses",
  message: "Amazon AutoScaling was unable to launch instances because there are not enough free addresses in the subnet associated with your AutoScaling group(s).",
  resourceIds: [autoScalingGroupName(ng)],
});

const subnetsMissing = (ids: string[]): NodegroupIssue => ({
  code: "Ec2SubnetNotFound",
  message: `The subnets ${ids.join(", ")} of the node group no longer exist.`,
  resourceIds: ids,
});

/**
 * Drives managed node groups the way EKS and its Auto Scaling group do: keeps desiredSize
 * instances launched, spread over the node group's zones, retries launches the subnets cannot
 * take (health issue InsufficientFreeAddresses), moves the status CREATING → ACTIVE,
 * UPDATING → ACTIVE, DELETING → gone on the injected clock, and pushes label and taint changes
 * to the instances. Scale-in and deletion do not terminate at once: a termination lifecycle hook
 * holds the chosen instances in Terminating:Wait (stored on the instance) while the cluster's
 * node-drain component cordons and drains their nodes and then completes the lifecycle action;
 * the hook's timeout is the backstop. Level-triggered: any run converges from storage.
 */
export class NodegroupReconciler {
  readonly nodegroups: RecordStore<NodegroupRecord>;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, () => void>();
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly ec2: Ec2State,
    private readonly instances: Ec2Instances,
    private readonly clock: Clock,
    private readonly timeScale: number,
    private readonly logger: Logger,
  ) {
    this.nodegroups = new RecordStore(storage, "eks", "nodegroups");
    // An instance of a node group changed state (launched, running, terminated by anyone): look again.
    this.unsubscribe = instances.onChange(({ scope, instance }) => {
      const cluster = instance.tags["eks:cluster-name"];
      const nodegroup = instance.tags["eks:nodegroup-name"];
      if (cluster && nodegroup) void this.reconcile(scope, nodegroupKey(cluster, nodegroup));
    });
  }

  /** Reconciles one node group in the background; calls while one runs make it run once more. */
  reconcile(scope: Scope, key: string): Promise<void> {
    const id = `${scope.accountId}/${scope.region}/${key}`;
    const running = this.inFlight.get(id);
    if (running) {
      this.dirty.add(id);
      return running;
    }
    const work = (async () => {
      do {
        this.dirty.delete(id);
        if (this.stopped) return;
        await this.reconcileOnce(scope, key);
      } while (this.dirty.has(id));
    })()
      .catch((error: unknown) => this.logger.error("nodegroup reconcile failed", { nodegroup: key, error: String(error) }))
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, work);
    return work;
  }

  async clusterNodegroups(scope: Scope, clusterName: string): Promise<NodegroupRecord[]> {
    return (await this.nodegroups.list(scope)).filter((ng) => ng.clusterName === clusterName);
  }

  /** Every stored node group, in any account and region (start-up). */
  async resumeAll(): Promise<void> {
    const decoder = new TextDecoder();
    const pending: Promise<void>[] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.storage.list("/aws/", { limit: 1000, startAfter });
      for (const kv of page.items) {
        if (!/^\/aws\/[^/]+\/[^/]+\/eks\/nodegroups\//.test(kv.key)) continue;
        const ng = JSON.parse(decoder.decode(kv.value)) as NodegroupRecord;
        pending.push(this.reconcile(ng, nodegroupKey(ng.clusterName, ng.nodegroupName)));
      }
      if (!page.more) break;
      startAfter = page.items[page.items.length - 1]?.key;
    }
    await Promise.all(pending);
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async reconcileOnce(scope: Scope, key: string): Promise<void> {
    const ng = await this.nodegroups.get(scope, key);
    if (!ng) return;
    if (ng.status === "DELETING") return this.reconcileDelete(scope, key, ng);
    if (ng.status === "CREATE_FAILED" || ng.status === "DELETE_FAILED") return;

    const before = await this.ownInstances(scope, ng);
    await this.pushNodeConfig(scope, ng, before);
    const outcome = await this.scale(scope, ng, before);
    const holdWakeAt = await this.expireHolds(scope, ng);
    const live = await this.ownInstances(scope, ng);
    const settled = live.length === ng.scalingConfig.desiredSize && live.every((i) => i.state === "running");

    const now = this.clock.now().getTime();
    const retryAt = now + Math.max(scaled(NODEGROUP_DURATIONS.retryMs, this.timeScale), 1000);
    let wakeAt: number | undefined;
    let changedMeanwhile = false;
    await this.nodegroups.update(scope, key, (current) => {
      // An API call changed the node group while this pass ran: the next pass decides.
      if (current.modifiedAt !== ng.modifiedAt || current.status !== ng.status) {
        changedMeanwhile = true;
        return current;
      }
      // Failures replace the issues; a successful scale-out clears them; otherwise they stay (as on EKS).
      const issues = outcome.failures.length > 0 ? outcome.failures : outcome.launched > 0 ? [] : current.health.issues;
      let status = current.status;
      let updates = current.updates;
      if (current.status === "CREATING") {
        const readyAt = Date.parse(current.createdAt) + scaled(NODEGROUP_DURATIONS.createMs, this.timeScale);
        const failAt = Date.parse(current.createdAt) + scaled(NODEGROUP_DURATIONS.createTimeoutMs, this.timeScale);
        if (issues.length > 0) {
          if (now >= failAt) status = "CREATE_FAILED";
          else wakeAt = Math.min(failAt, retryAt);
        } else if (settled) {
          if (now >= readyAt) status = "ACTIVE";
          else wakeAt = readyAt;
        }
      } else if (current.status === "UPDATING") {
        const started = Math.max(...current.updates.filter((u) => u.status === "InProgress").map((u) => Date.parse(u.createdAt)), 0);
        const doneAt = started + scaled(NODEGROUP_DURATIONS.updateMs, this.timeScale);
        if (settled || issues.length > 0) {
          if (now >= doneAt) {
            status = issues.length > 0 ? "DEGRADED" : "ACTIVE";
            updates = current.updates.map((u) => (u.status === "InProgress" ? { ...u, status: "Successful" } : u));
          } else {
            wakeAt = doneAt;
          }
        }
        if (issues.length > 0) wakeAt = Math.min(wakeAt ?? retryAt, retryAt);
      } else {
        status = issues.length > 0 ? "DEGRADED" : "ACTIVE";
        if (issues.length > 0) wakeAt = retryAt;
      }
      const sameIssues = JSON.stringify(issues) === JSON.stringify(current.health.issues);
      if (status === current.status && sameIssues && updates === current.updates && current.autoScalingGroupCreated) return current;
      return {
        ...current,
        status,
        health: { issues },
        updates,
        autoScalingGroupCreated: true,
        modifiedAt: status !== current.status ? new Date(now).toISOString() : current.modifiedAt,
      };
    });
    if (changedMeanwhile) this.dirty.add(`${scope.accountId}/${scope.region}/${key}`);
    else if (wakeAt !== undefined || holdWakeAt !== undefined) this.wakeAt(scope, key, Math.min(wakeAt ?? Infinity, holdWakeAt ?? Infinity));
  }

  /** Drains and terminates the node group's instances, waits for them to be gone and EKS's deletion time, then forgets it. */
  private async reconcileDelete(scope: Scope, key: string, ng: NodegroupRecord): Promise<void> {
    const remaining = (await this.allInstances(scope, ng)).filter((i) => i.state !== "terminated");
    const unheld = remaining.filter((i) => (i.state === "pending" || i.state === "running") && !i.lifecycleState).map((i) => i.instanceId);
    if (unheld.length > 0) await this.instances.holdForTermination(scope, unheld, drainScaled(NODEGROUP_DURATIONS.deleteDrainMs, this.timeScale));
    const holdWakeAt = await this.expireHolds(scope, ng);
    // Instances still draining or shutting down report back when terminated (the listener reconciles again).
    if (remaining.length > 0) {
      if (holdWakeAt !== undefined) this.wakeAt(scope, key, holdWakeAt);
      return;
    }
    const goneAt = Date.parse(ng.modifiedAt) + scaled(NODEGROUP_DURATIONS.deleteMs, this.timeScale);
    if (this.clock.now().getTime() < goneAt) return this.wakeAt(scope, key, goneAt);
    await this.nodegroups.update(scope, key, (current) => (current.status === "DELETING" ? undefined : current));
  }

  /** Launches up to desiredSize, balancing zones; terminates down to it. */
  private async scale(scope: Scope, ng: NodegroupRecord, live: InstanceRecord[]): Promise<{ launched: number; failures: NodegroupIssue[] }> {
    const desired = ng.scalingConfig.desiredSize;
    if (live.length > desired) {
      await this.instances.holdForTermination(scope, scaleInVictims(live, live.length - desired), drainScaled(NODEGROUP_DURATIONS.scaleInDrainMs, this.timeScale));
      return { launched: 0, failures: [] };
    }
    if (live.length === desired) return { launched: 0, failures: [] };

    const subnets: SubnetRecord[] = [];
    const missing: string[] = [];
    for (const id of ng.subnets) {
      const subnet = await this.ec2.subnets.get(scope, id);
      if (subnet) subnets.push(subnet);
      else missing.push(id);
    }
    if (subnets.length === 0) return { launched: 0, failures: [subnetsMissing(missing)] };

    const perZone = new Map<string, number>();
    for (const i of live) perZone.set(i.availabilityZone, (perZone.get(i.availabilityZone) ?? 0) + 1);
    const full = new Set<string>();
    let launched = 0;
    while (live.length + launched < desired) {
      const subnet = pickSubnet(subnets, perZone, full);
      if (!subnet) return { launched, failures: [insufficientAddresses(ng)] };
      try {
        await this.instances.launch(scope, this.launchSpec(scope, ng, subnet));
      } catch (error) {
        if (error instanceof AwsError && error.code === "InsufficientFreeAddressesInSubnet") {
          full.add(subnet.subnetId);
          continue;
        }
        throw error;
      }
      launched++;
      perZone.set(subnet.availabilityZone, (perZone.get(subnet.availabilityZone) ?? 0) + 1);
    }
    return { launched, failures: missing.length > 0 ? [subnetsMissing(missing)] : [] };
  }

  private launchSpec(scope: Scope, ng: NodegroupRecord, subnet: SubnetRecord): LaunchSpec {
    return {
      subnetId: subnet.subnetId,
      // On-demand groups use their first (prioritized) type; minieks does the same for Spot.
      instanceType: ng.instanceTypes[0] ?? "t3.medium",
      imageId: ng.imageId,
      tags: instanceTags(ng),
      securityGroups: [ng.securityGroup],
      capacityType: ng.capacityType,
      iamInstanceProfileArn: `arn:aws:iam::${scope.accountId}:instance-profile/eks-${ng.id}`,
      rootVolumeSizeGiB: ng.diskSize,
      nodeConfig: nodeConfigOf(ng),
    };
  }

  /** Label and taint updates reach the running nodes, as on EKS (no replacement). */
  private async pushNodeConfig(scope: Scope, ng: NodegroupRecord, live: InstanceRecord[]): Promise<void> {
    const config = nodeConfigOf(ng);
    for (const instance of live) {
      if (JSON.stringify(instance.nodeConfig) !== JSON.stringify(config)) await this.instances.updateNodeConfig(scope, instance.instanceId, config);
    }
  }

  /** Instances of this node group's Auto Scaling group, in any state. */
  private async allInstances(scope: Scope, ng: NodegroupRecord): Promise<InstanceRecord[]> {
    const asg = autoScalingGroupName(ng);
    return (await this.ec2.instances.list(scope)).filter((i) => i.tags["aws:autoscaling:groupName"] === asg);
  }

  /** The ones that count towards desiredSize: pending or running, and not chosen for termination. */
  private async ownInstances(scope: Scope, ng: NodegroupRecord): Promise<InstanceRecord[]> {
    return (await this.allInstances(scope, ng)).filter((i) => (i.state === "pending" || i.state === "running") && !i.lifecycleState);
  }

  /**
   * The termination hook's timeout (default result CONTINUE) for held instances nobody completed,
   * and terminations a restart interrupted after Terminating:Proceed. Returns when to look again.
   */
  private async expireHolds(scope: Scope, ng: NodegroupRecord): Promise<number | undefined> {
    const now = this.clock.now().getTime();
    const grace = drainScaled(NODEGROUP_DURATIONS.terminationHookGraceMs, this.timeScale);
    let next: number | undefined;
    for (const i of await this.allInstances(scope, ng)) {
      if (i.state !== "pending" && i.state !== "running") continue;
      if (i.lifecycleState === "Terminating:Proceed") {
        await this.instances.terminate(scope, [i.instanceId]);
      } else if (i.lifecycleState === "Terminating:Wait") {
        const expiresAt = Date.parse(i.lifecycleActionDeadline ?? i.lifecycleStateSince ?? i.stateSince) + grace;
        if (now >= expiresAt) await this.instances.completeLifecycleAction(scope, i.instanceId);
        else next = Math.min(next ?? Infinity, expiresAt);
      }
    }
    return next;
  }

  private wakeAt(scope: Scope, key: string, epochMs: number): void {
    if (this.stopped) return;
    const id = `${scope.accountId}/${scope.region}/${key}`;
    this.timers.get(id)?.();
    this.timers.set(
      id,
      this.clock.setTimer(Math.max(0, epochMs - this.clock.now().getTime()), () => {
        this.timers.delete(id);
        void this.reconcile(scope, key);
      }),
    );
  }
}

/**
 * The next subnet for a launch: the zone with the fewest of the group's instances (zones in the
 * order the node group lists them), then the subnet there with the most free addresses.
 */
function pickSubnet(subnets: SubnetRecord[], perZone: Map<string, number>, full: Set<string>): SubnetRecord | undefined {
  const usable = subnets.filter((s) => !full.has(s.subnetId));
  const zones = [...new Set(usable.map((s) => s.availabilityZone))];
  const zone = zones.reduce<string | undefined>((best, z) => (best === undefined || (perZone.get(z) ?? 0) < (perZone.get(best) ?? 0) ? z : best), undefined);
  return usable.filter((s) => s.availabilityZone === zone).sort((a, b) => availableIpCount(b) - availableIpCount(a))[0];
}

/** Scale-in as the Auto Scaling group's default policy: from the zone with the most instances, the newest first. */
function scaleInVictims(live: InstanceRecord[], count: number): string[] {
  const remaining = [...live];
  const victims: string[] = [];
  for (let n = 0; n < count; n++) {
    const perZone = new Map<string, number>();
    for (const i of remaining) perZone.set(i.availabilityZone, (perZone.get(i.availabilityZone) ?? 0) + 1);
    const busiest = Math.max(...perZone.values());
    const candidates = remaining.filter((i) => perZone.get(i.availabilityZone) === busiest);
    const victim = candidates.sort((a, b) => b.launchTime.localeCompare(a.launchTime) || b.instanceId.localeCompare(a.instanceId))[0];
    if (!victim) break;
    victims.push(victim.instanceId);
    remaining.splice(remaining.indexOf(victim), 1);
  }
  return victims;
}
