import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Nodegroup } from "@aws-sdk/client-eks";
import { silentLogger } from "../../../shared/logger.js";
import { AwsError } from "../../protocol/operation.js";
import { availableIpCount, type SubnetRecord } from "../ec2/ec2-state.js";
import { settle } from "../ec2/ec2-fixture.case.js";
import { EC2_DURATIONS, Ec2Instances } from "../ec2/instances.js";
import { eksFixture } from "./eks-fixture.case.js";
import { NODEGROUP_DURATIONS, NodegroupReconciler } from "./nodegroup-reconciler.js";

type Fixture = Awaited<ReturnType<typeof eksFixture>>;

const describeNg = async (f: Fixture, name = "ng1") =>
  ((await f.op("DescribeNodegroup", { name: "myeks", nodegroupName: name })) as { nodegroup: Nodegroup }).nodegroup;
const live = async (f: Fixture) => (await f.state.instances.list(f.scope)).filter((i) => i.state === "pending" || i.state === "running");
const zonesOf = async (f: Fixture) => (await live(f)).map((i) => i.availabilityZone).sort();
/** Instances the termination hook holds (Terminating:Wait) while their nodes drain. */
const held = async (f: Fixture) => (await live(f)).filter((i) => i.lifecycleState === "Terminating:Wait");
/** What the cluster's node-drain component does once a node is drained. */
async function completeDrains(f: Fixture): Promise<void> {
  for (const i of await held(f)) await f.instances.completeLifecycleAction(f.scope, i.instanceId);
}
/** Runs background work, then moves the fake clock, then runs what that woke. */
async function advance(f: Fixture, ms: number): Promise<void> {
  await settle();
  f.clock.advance(ms);
  await settle();
}

describe("node-group reconciler", () => {
  it("creates: launches desiredSize instances one per zone, CREATING until EKS's creation time, then ACTIVE", async () => {
    const f = await eksFixture(1);
    await f.op("CreateNodegroup", f.createInput({ labels: { tier: "primary" }, taints: [{ key: "dedicated", value: "web", effect: "NO_SCHEDULE" }] }));
    await settle(async () => (await live(f)).length === 3);
    assert.deepEqual(await zonesOf(f), ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
    assert.equal((await describeNg(f)).status, "CREATING");

    await advance(f, EC2_DURATIONS.pendingMs);
    assert.ok((await live(f)).every((i) => i.state === "running"));
    assert.equal((await describeNg(f)).status, "CREATING", "instances run, but EKS is not done yet");
    await advance(f, NODEGROUP_DURATIONS.createMs - EC2_DURATIONS.pendingMs);
    await settle(async () => (await describeNg(f)).status === "ACTIVE");
    const ng = await describeNg(f);
    assert.equal(ng.status, "ACTIVE");

    const [instance] = await live(f);
    const asg = ng.resources?.autoScalingGroups?.[0]?.name ?? "";
    assert.equal(instance?.tags["eks:cluster-name"], "myeks");
    assert.equal(instance?.tags["eks:nodegroup-name"], "ng1");
    assert.equal(instance?.tags["kubernetes.io/cluster/myeks"], "owned");
    assert.equal(instance?.tags["aws:autoscaling:groupName"], asg);
    assert.equal(instance?.tags["k8s.io/cluster-autoscaler/enabled"], "true");
    assert.equal(instance?.instanceType, "t3.medium");
    assert.deepEqual(instance?.securityGroups.map((g) => g.groupId), ["sg-0123456789abcdef0"]);
    assert.deepEqual(instance?.nodeConfig?.labels, {
      tier: "primary",
      "eks.amazonaws.com/nodegroup": "ng1",
      "eks.amazonaws.com/nodegroup-image": instance?.imageId,
      "eks.amazonaws.com/capacityType": "ON_DEMAND",
    });
    assert.match(instance?.imageId ?? "", /^ami-[0-9a-f]{17}$/);
    assert.deepEqual(instance?.nodeConfig?.taints, [{ key: "dedicated", value: "web", effect: "NoSchedule" }]);
  });

  it("scales out balancing zones and in from the busiest zone; UPDATING until the update is done", async () => {
    const f = await eksFixture(1);
    await f.op("CreateNodegroup", f.createInput());
    await advance(f, NODEGROUP_DURATIONS.createMs);
    await settle(async () => (await describeNg(f)).status === "ACTIVE");

    await f.op("UpdateNodegroupConfig", { name: "myeks", nodegroupName: "ng1", scalingConfig: { desiredSize: 5 } });
    await settle(async () => (await live(f)).length === 5);
    assert.deepEqual(await zonesOf(f), ["ap-northeast-2a", "ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2b", "ap-northeast-2c"]);
    assert.equal((await describeNg(f)).status, "UPDATING");
    await advance(f, NODEGROUP_DURATIONS.updateMs);
    await settle(async () => (await describeNg(f)).status === "ACTIVE");
    assert.equal((await describeNg(f)).status, "ACTIVE");

    const free = async () => (await f.state.subnets.list(f.scope)).reduce((n, s) => n + availableIpCount(s), 0);
    const freeAtFive = await free();
    await f.op("UpdateNodegroupConfig", { name: "myeks", nodegroupName: "ng1", scalingConfig: { desiredSize: 2 } });
    await settle(async () => (await held(f)).length === 3);
    assert.equal((await held(f)).length, 3, "the three chosen wait in the termination hook while their nodes drain");
    assert.ok((await held(f)).every((i) => i.state === "running"), "nothing terminated before the drain");
    const kept = (await live(f)).filter((i) => !i.lifecycleState);
    assert.equal(new Set(kept.map((i) => i.availabilityZone)).size, 2, "the two left are in different zones");
    await completeDrains(f);
    await settle(async () => (await live(f)).length === 2);
    assert.equal((await live(f)).length, 2);
    await advance(f, EC2_DURATIONS.shuttingDownMs);
    await settle(async () => (await free()) === freeAtFive + 3);
    assert.equal(await free(), freeAtFive + 3, "terminated instances give their addresses back");
  });

  it("pushes label and taint changes to the running instances", async () => {
    const f = await eksFixture(0);
    await f.op("CreateNodegroup", f.createInput({ labels: { tier: "primary" } }));
    await settle(async () => (await describeNg(f)).status === "ACTIVE");
    await f.op("UpdateNodegroupConfig", {
      name: "myeks",
      nodegroupName: "ng1",
      labels: { addOrUpdateLabels: { tier: "gold" } },
      taints: { addOrUpdateTaints: [{ key: "spot", effect: "PREFER_NO_SCHEDULE" }] },
    });
    await settle(async () => (await live(f)).every((i) => i.nodeConfig?.labels.tier === "gold"));
    for (const instance of await live(f)) {
      assert.equal(instance.nodeConfig?.labels.tier, "gold");
      assert.deepEqual(instance.nodeConfig?.taints, [{ key: "spot", effect: "PreferNoSchedule" }]);
    }
  });

  it("replaces an instance someone terminated", async () => {
    const f = await eksFixture(0);
    await f.op("CreateNodegroup", f.createInput());
    await settle(async () => (await describeNg(f)).status === "ACTIVE");
    const [victim] = await live(f);
    await f.instances.terminate(f.scope, [victim?.instanceId ?? ""]);
    await settle(async () => (await live(f)).length === 3 && !(await live(f)).some((i) => i.instanceId === victim?.instanceId));
    const now = await live(f);
    assert.equal(now.length, 3);
    assert.ok(!now.some((i) => i.instanceId === victim?.instanceId));
    assert.deepEqual(await zonesOf(f), ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]);
  });

  it("deletes: terminates the instances, stays DELETING for EKS's deletion time, then is gone", async () => {
    const f = await eksFixture(1);
    await f.op("CreateNodegroup", f.createInput());
    await advance(f, NODEGROUP_DURATIONS.createMs);
    await settle(async () => (await describeNg(f)).status === "ACTIVE");
    const deleted = (await f.op("DeleteNodegroup", { name: "myeks", nodegroupName: "ng1" })) as { nodegroup: Nodegroup };
    assert.equal(deleted.nodegroup.status, "DELETING");
    await settle(async () => (await held(f)).length === 3);
    assert.equal((await held(f)).length, 3, "deletion drains the nodes first");
    const deadlines = (await held(f)).map((i) => Date.parse(i.lifecycleActionDeadline ?? "") - f.clock.now().getTime());
    assert.deepEqual(deadlines, [300_000, 300_000, 300_000], "for at most 5 minutes");
    await completeDrains(f);
    await settle(async () => (await live(f)).length === 0);
    assert.equal((await live(f)).length, 0);
    await advance(f, EC2_DURATIONS.shuttingDownMs);
    await settle(async () => (await f.state.instances.list(f.scope)).every((i) => i.state === "terminated"));
    assert.equal((await describeNg(f)).status, "DELETING");
    await advance(f, NODEGROUP_DURATIONS.deleteMs);
    await settle(async () => (await f.nodegroups.nodegroups.list(f.scope)).length === 0);
    await assert.rejects(describeNg(f), (e: unknown) => e instanceof AwsError && e.code === "ResourceNotFoundException");
    const cluster = (await f.op("DeleteCluster", { name: "myeks" })) as { cluster: { status: string } };
    assert.equal(cluster.cluster.status, "DELETING");
  });

  it("without free addresses: health issue InsufficientFreeAddresses, CREATE_FAILED when creating, DEGRADED when scaling", async () => {
    const f = await eksFixture(1);
    const vpcId = f.subnets[0]?.vpcId ?? "";
    const tiny: SubnetRecord[] = f.subnets.slice(0, 2).map((s, i) => ({ ...s, subnetId: `subnet-tiny${i}`, cidrBlock: `172.31.${64 + i}.0/28`, defaultForAz: false, vpcId, allocatedCount: 0 }));
    for (const s of tiny) await f.state.subnets.create(f.scope, s.subnetId, s);
    const subnets = tiny.map((s) => s.subnetId);

    // 11 addresses per /28: 22 instances fit, the 23rd does not.
    await f.op("CreateNodegroup", f.createInput({ nodegroupName: "big", subnets, scalingConfig: { minSize: 1, maxSize: 30, desiredSize: 23 } }));
    await settle(async () => (await describeNg(f, "big")).health?.issues?.length === 1);
    const creating = await describeNg(f, "big");
    assert.equal(creating.status, "CREATING");
    assert.deepEqual(creating.health?.issues?.map((i) => [i.code, i.resourceIds]), [["InsufficientFreeAddresses", [creating.resources?.autoScalingGroups?.[0]?.name]]]);
    assert.match(creating.health?.issues?.[0]?.message ?? "", /not enough free addresses in the subnet/);
    assert.equal((await live(f)).length, 22);
    await advance(f, NODEGROUP_DURATIONS.createTimeoutMs);
    await settle(async () => (await describeNg(f, "big")).status === "CREATE_FAILED");
    assert.equal((await describeNg(f, "big")).status, "CREATE_FAILED");

    // Scaling an ACTIVE group past the free addresses degrades it.
    await f.op("DeleteNodegroup", { name: "myeks", nodegroupName: "big" });
    // Nobody drains here: the termination hook's timeout lets the terminations proceed.
    await advance(f, NODEGROUP_DURATIONS.deleteDrainMs + NODEGROUP_DURATIONS.terminationHookGraceMs);
    await advance(f, EC2_DURATIONS.shuttingDownMs + NODEGROUP_DURATIONS.deleteMs);
    await settle(async () => (await f.nodegroups.nodegroups.list(f.scope)).length === 0);
    await f.op("CreateNodegroup", f.createInput({ nodegroupName: "small", subnets, scalingConfig: { minSize: 1, maxSize: 30, desiredSize: 2 } }));
    await advance(f, NODEGROUP_DURATIONS.createMs);
    await settle(async () => (await describeNg(f, "small")).status === "ACTIVE");
    await f.op("UpdateNodegroupConfig", { name: "myeks", nodegroupName: "small", scalingConfig: { desiredSize: 25 } });
    await advance(f, NODEGROUP_DURATIONS.updateMs);
    await settle(async () => (await describeNg(f, "small")).status === "DEGRADED");
    const degraded = await describeNg(f, "small");
    assert.equal(degraded.status, "DEGRADED");
    assert.equal(degraded.health?.issues?.[0]?.code, "InsufficientFreeAddresses");
    assert.equal((await live(f)).length, 22);
  });

  it("scale-in without anyone completing the drain: the hook holds the instance until its timeout, across a restart", async () => {
    const f = await eksFixture(1);
    await f.op("CreateNodegroup", f.createInput());
    await advance(f, NODEGROUP_DURATIONS.createMs);
    await settle(async () => (await describeNg(f)).status === "ACTIVE");
    await f.op("UpdateNodegroupConfig", { name: "myeks", nodegroupName: "ng1", scalingConfig: { desiredSize: 2 } });
    await settle(async () => (await held(f)).length === 1);
    const [victim] = await held(f);
    assert.equal(victim?.lifecycleActionDeadline, new Date(f.clock.now().getTime() + NODEGROUP_DURATIONS.scaleInDrainMs).toISOString(), "a scale-in drains for 15 minutes");
    await advance(f, NODEGROUP_DURATIONS.scaleInDrainMs + NODEGROUP_DURATIONS.terminationHookGraceMs - 1_000);
    assert.equal((await f.state.instances.get(f.scope, victim?.instanceId ?? ""))?.state, "running", "still held just before the timeout");

    await f.nodegroups.stopAll();
    f.instances.stopAll();
    const instances = new Ec2Instances(f.state, f.clock, 1, silentLogger);
    const restarted = new NodegroupReconciler(f.storage, f.state, instances, f.clock, 1, silentLogger);
    await instances.resumeAll();
    await restarted.resumeAll();
    await advance(f, 1_000);
    await settle(async () => (await f.state.instances.get(f.scope, victim?.instanceId ?? ""))?.state === "shutting-down");
    const after = await f.state.instances.get(f.scope, victim?.instanceId ?? "");
    assert.deepEqual([after?.state, after?.lifecycleState], ["shutting-down", "Terminating:Proceed"]);
    assert.equal((await live(f)).length, 2, "no replacement for an instance scaled in");
    await restarted.stopAll();
    instances.stopAll();
  });

  it("resumes after a restart from what is stored", async () => {
    const f = await eksFixture(1);
    await f.op("CreateNodegroup", f.createInput());
    await advance(f, EC2_DURATIONS.pendingMs);
    await settle(async () => (await live(f)).filter((i) => i.state === "running").length === 3);
    await f.nodegroups.stopAll();
    f.instances.stopAll();
    const instances = new Ec2Instances(f.state, f.clock, 1, silentLogger);
    const restarted = new NodegroupReconciler(f.storage, f.state, instances, f.clock, 1, silentLogger);
    await instances.resumeAll();
    await restarted.resumeAll();
    assert.equal((await restarted.nodegroups.get(f.scope, "myeks/ng1"))?.status, "CREATING");
    await advance(f, NODEGROUP_DURATIONS.createMs);
    await settle(async () => (await restarted.nodegroups.get(f.scope, "myeks/ng1"))?.status === "ACTIVE");
    assert.equal((await restarted.nodegroups.get(f.scope, "myeks/ng1"))?.status, "ACTIVE");
    assert.equal((await live(f)).length, 3, "no second set of instances");
  });
});
