import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../protocol/operation.js";
import { createEc2Service } from "./ec2-service.js";
import { call, ec2Fixture, settle } from "./ec2-fixture.case.js";

type Reservations = { reservationSet: { reservationId: string; instancesSet: Record<string, unknown>[] }[] };
const ids = (out: unknown) => (out as Reservations).reservationSet.flatMap((r) => r.instancesSet.map((i) => i.instanceId)).sort();
const awsError = (code: string, message: string) => (e: unknown) => e instanceof AwsError && e.code === code && e.message === message;

describe("EC2 instance, ENI and instance-type operations", () => {
  async function fixture() {
    const f = await ec2Fixture(0);
    const service = createEc2Service(f.state, { instances: f.instances, network: f.network });
    const a = await f.instances.launch(f.scope, f.launchSpec({ tags: { "eks:nodegroup-name": "ng1" } }));
    const b = await f.instances.launch(f.scope, f.launchSpec({ subnetId: f.subnets[1]?.subnetId ?? "", tags: { "eks:nodegroup-name": "ng1" } }));
    const c = await f.instances.launch(f.scope, f.launchSpec({ tags: { "eks:nodegroup-name": "ng2" }, instanceType: "m6g.large" }));
    await settle(async () => (await f.state.instances.list(f.scope)).every((i) => i.state === "running"));
    const op = (name: string, raw: Record<string, unknown>) => call(service.operations, name, raw, f.ctx);
    return { ...f, a, b, c, op };
  }

  it("DescribeInstances filters by tag, state, id, subnet, VPC and private address", async () => {
    const { a, b, c, op, subnets } = await fixture();
    const filter = (Name: string, ...Value: string[]) => ({ Filter: [{ Name, Value }] });
    assert.deepEqual(ids(await op("DescribeInstances", filter("tag:eks:nodegroup-name", "ng1"))), [a.instanceId, b.instanceId].sort());
    assert.deepEqual(ids(await op("DescribeInstances", filter("tag:eks:nodegroup-name", "ng*"))).length, 3);
    assert.deepEqual(ids(await op("DescribeInstances", filter("instance-state-name", "running"))).length, 3);
    assert.deepEqual(ids(await op("DescribeInstances", filter("instance-id", c.instanceId))), [c.instanceId]);
    assert.deepEqual(ids(await op("DescribeInstances", filter("subnet-id", subnets[1]?.subnetId ?? ""))), [b.instanceId]);
    assert.deepEqual(ids(await op("DescribeInstances", filter("vpc-id", a.vpcId))).length, 3);
    assert.deepEqual(ids(await op("DescribeInstances", filter("private-ip-address", a.privateIpAddress))), [a.instanceId]);
    assert.deepEqual(ids(await op("DescribeInstances", filter("architecture", "arm64"))), [c.instanceId]);
    assert.deepEqual(ids(await op("DescribeInstances", { InstanceId: [a.instanceId] })), [a.instanceId]);
    await assert.rejects(op("DescribeInstances", filter("colour", "red")), awsError("InvalidParameterValue", "The filter 'colour' is invalid"));
    await assert.rejects(op("DescribeInstances", { InstanceId: ["i-0000000000000000a"] }), awsError("InvalidInstanceID.NotFound", "The instance ID 'i-0000000000000000a' does not exist"));
    await assert.rejects(op("DescribeInstances", { InstanceId: ["web-1"] }), awsError("InvalidInstanceID.Malformed", 'Invalid id: "web-1"'));
  });

  it("writes instances in reservations with state, placement, network and tags as EC2 does", async () => {
    const { a, op } = await fixture();
    const out = (await op("DescribeInstances", { InstanceId: [a.instanceId] })) as Reservations;
    const [reservation] = out.reservationSet;
    assert.equal(reservation?.reservationId, a.reservationId);
    const instance = reservation?.instancesSet[0] as Record<string, unknown>;
    assert.deepEqual(instance.instanceState, { code: 16, name: "running" });
    assert.equal(instance.privateIpAddress, a.privateIpAddress);
    assert.equal(instance.privateDnsName, a.privateDnsName);
    assert.deepEqual((instance.placement as Record<string, unknown>).availabilityZone, a.availabilityZone);
    assert.deepEqual(instance.tagSet, [{ key: "eks:nodegroup-name", value: "ng1" }]);
    const [eni] = instance.networkInterfaceSet as Record<string, unknown>[];
    assert.equal(eni?.networkInterfaceId, a.primaryNetworkInterfaceId);
    assert.deepEqual((eni?.attachment as Record<string, unknown>).deviceIndex, 0);
  });

  it("TerminateInstances answers each state change; terminated instances lose their network", async () => {
    const { a, op, state, scope } = await fixture();
    const out = (await op("TerminateInstances", { InstanceId: [a.instanceId] })) as { instancesSet: unknown[] };
    assert.deepEqual(out.instancesSet, [{ instanceId: a.instanceId, currentState: { code: 32, name: "shutting-down" }, previousState: { code: 16, name: "running" } }]);
    await settle(async () => (await state.instances.get(scope, a.instanceId))?.state === "terminated");
    const gone = ((await op("DescribeInstances", { InstanceId: [a.instanceId] })) as Reservations).reservationSet[0]?.instancesSet[0];
    assert.deepEqual(gone?.instanceState, { code: 48, name: "terminated" });
    assert.equal(gone?.privateIpAddress, undefined);
    assert.deepEqual(gone?.networkInterfaceSet, []);
  });

  it("DescribeNetworkInterfaces filters by attachment.instance-id and subnet; Assign/Unassign work on the wire", async () => {
    const { a, b, op, subnets } = await fixture();
    const list = async (raw: Record<string, unknown>) =>
      ((await op("DescribeNetworkInterfaces", raw)) as { networkInterfaceSet: Record<string, unknown>[] }).networkInterfaceSet;
    const [eni] = await list({ Filter: [{ Name: "attachment.instance-id", Value: [a.instanceId] }] });
    assert.equal(eni?.networkInterfaceId, a.primaryNetworkInterfaceId);
    assert.equal((await list({ Filter: [{ Name: "subnet-id", Value: [subnets[1]?.subnetId ?? ""] }] }))[0]?.networkInterfaceId, b.primaryNetworkInterfaceId);

    const assigned = (await op("AssignPrivateIpAddresses", { NetworkInterfaceId: a.primaryNetworkInterfaceId, SecondaryPrivateIpAddressCount: "2" })) as {
      assignedPrivateIpAddressesSet: { privateIpAddress: string }[];
    };
    assert.equal(assigned.assignedPrivateIpAddressesSet.length, 2);
    const secondary = assigned.assignedPrivateIpAddressesSet[0]?.privateIpAddress ?? "";
    assert.equal((await list({ Filter: [{ Name: "private-ip-address", Value: [secondary] }] }))[0]?.networkInterfaceId, a.primaryNetworkInterfaceId);
    await op("UnassignPrivateIpAddresses", { NetworkInterfaceId: a.primaryNetworkInterfaceId, PrivateIpAddress: [secondary] });
    assert.deepEqual(await list({ Filter: [{ Name: "private-ip-address", Value: [secondary] }] }), []);
    await assert.rejects(
      op("DescribeNetworkInterfaces", { NetworkInterfaceId: ["eni-0000000000000000a"] }),
      awsError("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID 'eni-0000000000000000a' does not exist"),
    );
  });

  it("DescribeInstanceTypes gives the network limits, vCPUs and memory of known types and refuses unknown ones", async () => {
    const { op } = await fixture();
    const out = (await op("DescribeInstanceTypes", { InstanceType: ["t3.medium"] })) as { instanceTypeSet: Record<string, Record<string, unknown>>[] };
    const [t3] = out.instanceTypeSet;
    assert.equal(t3?.networkInfo?.maximumNetworkInterfaces, 3);
    assert.equal(t3?.networkInfo?.ipv4AddressesPerInterface, 6);
    assert.deepEqual(t3?.vCpuInfo, { defaultVCpus: 2, defaultCores: 1, defaultThreadsPerCore: 2 });
    assert.deepEqual(t3?.memoryInfo, { sizeInMiB: 4096 });
    const arm = (await op("DescribeInstanceTypes", { Filter: [{ Name: "processor-info.supported-architecture", Value: ["arm64"] }], MaxResults: "100" })) as {
      instanceTypeSet: { instanceType: string }[];
    };
    assert.ok(arm.instanceTypeSet.length > 20 && arm.instanceTypeSet.every((t) => /^(t4g|m6g|m7g|c6g|c7g|r6g|r7g)\./.test(t.instanceType)));
    await assert.rejects(op("DescribeInstanceTypes", { InstanceType: ["x9.huge"] }), awsError("InvalidInstanceType", "The following supplied instance types do not exist: [x9.huge]"));
  });
});
