import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../../../shared/logger.js";
import { AwsError } from "../../protocol/operation.js";
import { availableIpCount } from "./ec2-state.js";
import { ec2Fixture, settle } from "./ec2-fixture.case.js";
import { EC2_DURATIONS, Ec2Instances, privateDnsName, type InstanceEvent } from "./instances.js";

describe("EC2 instances", () => {
  it("launches with an EC2-shaped id, a subnet address, a private DNS name and a primary ENI", async () => {
    const { instances, state, scope, subnets, launchSpec } = await ec2Fixture();
    const subnet = subnets[0];
    assert.ok(subnet);
    const freeBefore = availableIpCount(subnet);
    const instance = await instances.launch(scope, launchSpec({ tags: { team: "a" } }));
    assert.match(instance.instanceId, /^i-[0-9a-f]{17}$/);
    assert.match(instance.primaryNetworkInterfaceId, /^eni-[0-9a-f]{17}$/);
    assert.equal(instance.state, "pending");
    assert.equal(instance.privateDnsName, `ip-${instance.privateIpAddress.replace(/\./g, "-")}.ap-northeast-2.compute.internal`);
    assert.ok(instance.privateIpAddress.startsWith("172.31."));
    assert.deepEqual(instance.tags, { team: "a" });
    const after = await state.subnets.get(scope, subnet.subnetId);
    assert.equal(after && availableIpCount(after), freeBefore - 1);
    const eni = await state.networkInterfaces.get(scope, instance.primaryNetworkInterfaceId);
    assert.equal(eni?.privateIpAddress, instance.privateIpAddress);
    assert.deepEqual(eni?.attachment && { i: eni.attachment.instanceId, d: eni.attachment.deviceIndex, del: eni.attachment.deleteOnTermination }, { i: instance.instanceId, d: 0, del: true });
  });

  it("names hosts ec2.internal in us-east-1 and <region>.compute.internal elsewhere", () => {
    assert.equal(privateDnsName("192.168.22.49", "us-east-1"), "ip-192-168-22-49.ec2.internal");
    assert.equal(privateDnsName("172.31.5.12", "ap-northeast-2"), "ip-172-31-5-12.ap-northeast-2.compute.internal");
  });

  it("runs after EC2's pending time on the injected clock, times the time scale", async () => {
    const { instances, state, scope, clock, launchSpec } = await ec2Fixture(2);
    const { instanceId } = await instances.launch(scope, launchSpec());
    clock.advance(EC2_DURATIONS.pendingMs * 2 - 1);
    await settle();
    assert.equal((await state.instances.get(scope, instanceId))?.state, "pending");
    clock.advance(1);
    await settle(async () => (await state.instances.get(scope, instanceId))?.state === "running");
    assert.equal((await state.instances.get(scope, instanceId))?.state, "running");
  });

  it("terminates: shutting-down, then terminated with every address back in the subnet", async () => {
    const { instances, network, state, scope, clock, subnets, launchSpec } = await ec2Fixture();
    const subnetId = subnets[0]?.subnetId ?? "";
    const free = async () => availableIpCount((await state.subnets.get(scope, subnetId)) ?? subnets[0]!);
    const freeBefore = await free();
    const { instanceId } = await instances.launch(scope, launchSpec());
    clock.advance(EC2_DURATIONS.pendingMs);
    await settle(async () => (await state.instances.get(scope, instanceId))?.state === "running");
    const eni = await network.attachNew(scope, instanceId);
    await network.assign(scope, eni.networkInterfaceId, 3);
    assert.equal(await free(), freeBefore - 5);

    const [change] = await instances.terminate(scope, [instanceId]);
    assert.deepEqual(change, { instanceId, previousState: "running", currentState: "shutting-down" });
    assert.match((await state.instances.get(scope, instanceId))?.stateTransitionReason ?? "", /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
    assert.equal(await free(), freeBefore - 5, "addresses stay until terminated");
    clock.advance(EC2_DURATIONS.shuttingDownMs);
    await settle(async () => (await state.instances.get(scope, instanceId))?.state === "terminated");
    assert.equal((await state.instances.get(scope, instanceId))?.state, "terminated");
    assert.equal(await free(), freeBefore);
    assert.deepEqual(await state.networkInterfaces.list(scope), []);

    const [again] = await instances.terminate(scope, [instanceId]);
    assert.deepEqual(again, { instanceId, previousState: "terminated", currentState: "terminated" });
  });

  it("refuses unknown ids and a full subnet, leaving nothing behind", async () => {
    const { instances, state, scope, launchSpec } = await ec2Fixture();
    await assert.rejects(instances.terminate(scope, ["i-0123456789abcdef0"]), (e: unknown) =>
      e instanceof AwsError && e.code === "InvalidInstanceID.NotFound" && e.message === "The instance ID 'i-0123456789abcdef0' does not exist");
    const vpc = (await state.vpcs.list(scope))[0];
    const tiny = { ...(await state.subnets.list(scope))[0]!, subnetId: "subnet-tiny", cidrBlock: "172.31.255.240/28", vpcId: vpc?.vpcId ?? "", allocatedCount: 0 };
    await state.subnets.create(scope, tiny.subnetId, tiny);
    for (let i = 0; i < 11; i++) await instances.launch(scope, launchSpec({ subnetId: "subnet-tiny" }));
    await assert.rejects(instances.launch(scope, launchSpec({ subnetId: "subnet-tiny" })), (e: unknown) =>
      e instanceof AwsError && e.code === "InsufficientFreeAddressesInSubnet" &&
      e.message === "There are not enough free addresses in subnet 'subnet-tiny' to satisfy the requested number of instances.");
    assert.equal((await state.instances.list(scope)).length, 11);
  });

  it("tells listeners about every state change", async () => {
    const { instances, scope, clock, launchSpec } = await ec2Fixture(0);
    const seen: string[] = [];
    instances.onChange((e: InstanceEvent) => seen.push(e.instance.state));
    const { instanceId } = await instances.launch(scope, launchSpec());
    await settle(() => seen.includes("running"));
    await instances.terminate(scope, [instanceId]);
    await settle(() => seen.includes("terminated"));
    assert.deepEqual(seen, ["pending", "running", "shutting-down", "terminated"]);
    assert.equal(clock.pendingTimers, 0, "time scale 0 needs no timers");
  });

  it("resumes unfinished transitions after a restart", async () => {
    const { instances, state, scope, clock, launchSpec } = await ec2Fixture();
    const { instanceId } = await instances.launch(scope, launchSpec());
    instances.stopAll();
    const restarted = new Ec2Instances(state, clock, 1, silentLogger);
    await restarted.resumeAll();
    clock.advance(EC2_DURATIONS.pendingMs);
    await settle(async () => (await state.instances.get(scope, instanceId))?.state === "running");
    assert.equal((await state.instances.get(scope, instanceId))?.state, "running");
  });

  it("lists terminated instances for an hour, then forgets them", async () => {
    const { instances, scope, clock, launchSpec } = await ec2Fixture(0);
    const { instanceId } = await instances.launch(scope, launchSpec());
    await instances.terminate(scope, [instanceId]);
    await settle(async () => (await instances.list(scope))[0]?.state === "terminated");
    clock.advance(EC2_DURATIONS.terminatedVisibleMs - 1000);
    assert.equal((await instances.list(scope)).length, 1);
    clock.advance(2000);
    assert.equal((await instances.list(scope)).length, 0);
  });
});
