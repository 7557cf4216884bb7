import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../protocol/operation.js";
import { availableIpCount } from "./ec2-state.js";
import { ec2Fixture } from "./ec2-fixture.case.js";

const awsError = (code: string, message: string) => (e: unknown) => e instanceof AwsError && e.code === code && e.message === message;

describe("ENIs and secondary addresses", () => {
  it("attaches ENIs up to the instance type's limit (t3.medium: 3), then AttachmentLimitExceeded with nothing created", async () => {
    const { instances, network, state, scope, launchSpec, subnets } = await ec2Fixture(0);
    const instance = await instances.launch(scope, launchSpec());
    const first = await network.attachNew(scope, instance.instanceId);
    const second = await network.attachNew(scope, instance.instanceId);
    assert.deepEqual([first.attachment?.deviceIndex, second.attachment?.deviceIndex], [1, 2]);
    assert.equal(first.description, `aws-K8S-${instance.instanceId}`);
    assert.equal(first.tags["node.k8s.amazonaws.com/instance_id"], instance.instanceId);
    assert.equal(first.attachment?.deleteOnTermination, true);
    const free = async () => availableIpCount((await state.subnets.get(scope, subnets[0]?.subnetId ?? "")) ?? subnets[0]!);
    const before = await free();
    await assert.rejects(network.attachNew(scope, instance.instanceId), awsError("AttachmentLimitExceeded", "Interface count 4 exceeds the limit for t3.medium"));
    assert.equal(await free(), before);
    assert.equal((await state.networkInterfaces.list(scope)).length, 3);
    assert.deepEqual((await network.forInstance(scope, instance.instanceId)).map((e) => e.attachment?.deviceIndex), [0, 1, 2]);
  });

  it("assigns secondary addresses up to IPv4-per-ENI − 1 (t3.medium: 5), each taken from the subnet", async () => {
    const { instances, network, state, scope, launchSpec, subnets } = await ec2Fixture(0);
    const instance = await instances.launch(scope, launchSpec());
    const eniId = instance.primaryNetworkInterfaceId;
    const free = async () => availableIpCount((await state.subnets.get(scope, subnets[0]?.subnetId ?? "")) ?? subnets[0]!);
    const before = await free();
    const ips = await network.assign(scope, eniId, 3);
    assert.equal(ips.length, 3);
    assert.equal(new Set(ips).size, 3);
    assert.equal(await free(), before - 3);
    await assert.rejects(network.assign(scope, eniId, 3), awsError("PrivateIpAddressLimitExceeded", "Number of private addresses will exceed limit."));
    assert.equal(await free(), before - 3, "a refused request takes nothing");
    await network.assign(scope, eniId, 2);
    assert.equal((await network.get(scope, eniId)).secondaryPrivateIpAddresses.length, 5);

    await network.unassign(scope, eniId, ips.slice(0, 2));
    assert.equal(await free(), before - 3);
    const remaining = (await network.get(scope, eniId)).secondaryPrivateIpAddresses;
    assert.equal(remaining.length, 3);
    assert.ok(!remaining.includes(ips[0] ?? "") && !remaining.includes(ips[1] ?? ""));
    await assert.rejects(network.unassign(scope, eniId, [ips[0] ?? ""]), awsError("InvalidParameterValue", `Some of the specified addresses are not assigned to interface ${eniId}`));
    await assert.rejects(network.unassign(scope, eniId, [instance.privateIpAddress]), awsError("InvalidParameterValue", "The primary IP address of an interface cannot be unassigned."));
  });

  it("a full subnet refuses secondary addresses with InsufficientFreeAddressesInSubnet", async () => {
    const { instances, network, state, scope, launchSpec } = await ec2Fixture(0);
    const vpc = (await state.vpcs.list(scope))[0];
    const base = (await state.subnets.list(scope))[0]!;
    await state.subnets.create(scope, "subnet-tiny", { ...base, subnetId: "subnet-tiny", cidrBlock: "172.31.255.240/28", vpcId: vpc?.vpcId ?? "", allocatedCount: 0 });
    const instance = await instances.launch(scope, launchSpec({ subnetId: "subnet-tiny", instanceType: "m5.large" }));
    await network.assign(scope, instance.primaryNetworkInterfaceId, 9);
    const eni = await network.attachNew(scope, instance.instanceId);
    assert.equal(availableIpCount((await state.subnets.get(scope, "subnet-tiny"))!), 0);
    await assert.rejects(
      network.assign(scope, eni.networkInterfaceId, 1),
      awsError("InsufficientFreeAddressesInSubnet", "The specified subnet does not have enough free addresses to satisfy the request."),
    );
    await assert.rejects(network.attachNew(scope, instance.instanceId), awsError("InsufficientFreeAddressesInSubnet", "The specified subnet does not have enough free addresses to satisfy the request."));
    assert.equal((await network.forInstance(scope, instance.instanceId)).length, 2);
  });

  it("creates, attaches, detaches and deletes ENIs as the wire calls do", async () => {
    const { instances, network, scope, launchSpec, subnets } = await ec2Fixture(0);
    const instance = await instances.launch(scope, launchSpec());
    const eni = await network.create(scope, { subnetId: subnets[0]?.subnetId ?? "", secondaryPrivateIpAddressCount: 2, description: "mine" });
    assert.equal(eni.secondaryPrivateIpAddresses.length, 2);
    await assert.rejects(network.attach(scope, eni.networkInterfaceId, instance.instanceId, 0), awsError("InvalidParameterValue", "Invalid value '0' for deviceIndex."));
    const attachmentId = await network.attach(scope, eni.networkInterfaceId, instance.instanceId, 1);
    assert.match(attachmentId, /^eni-attach-[0-9a-f]{17}$/);
    await assert.rejects(network.delete(scope, eni.networkInterfaceId), awsError("InvalidNetworkInterface.InUse", `The networkInterface ID '${eni.networkInterfaceId}' is currently in use.`));
    await network.detach(scope, attachmentId);
    assert.equal((await network.forInstance(scope, instance.instanceId)).length, 1);
    await network.delete(scope, eni.networkInterfaceId);
    await assert.rejects(network.get(scope, eni.networkInterfaceId), awsError("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${eni.networkInterfaceId}' does not exist`));
    const other = await network.create(scope, { subnetId: subnets[1]?.subnetId ?? "" });
    await assert.rejects(
      network.attach(scope, other.networkInterfaceId, instance.instanceId, 1),
      awsError("InvalidParameterCombination", "You may not attach a network interface to an instance if they are not in the same availability zone"),
    );
  });
});
