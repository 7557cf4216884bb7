import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../protocol/operation.js";
import { availableIpCount, Ec2State, type SubnetRecord } from "./ec2-state.js";
import { ec2Fixture } from "./ec2-fixture.case.js";

const full = () => new AwsError("InsufficientFreeAddressesInSubnet", "full");

async function tinySubnet(state: Ec2State, scope: { accountId: string; region: string }, base: SubnetRecord, extra: Partial<SubnetRecord> = {}): Promise<string> {
  // A /28: 16 addresses less AWS's 5 reserved = 11 usable.
  const subnet = { ...base, subnetId: "subnet-tiny", cidrBlock: "172.31.255.240/28", defaultForAz: false, allocatedCount: 0, ...extra };
  await state.subnets.create(scope, subnet.subnetId, subnet);
  return subnet.subnetId;
}

describe("subnet addresses", () => {
  it("never hands one address out twice, however many writers race, and counts exactly", async () => {
    const { state, scope, subnets } = await ec2Fixture(0);
    const id = await tinySubnet(state, scope, subnets[0]!);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => state.allocateIps(scope, id, 2, `eni-${i}`, "secondary", full)));
    const won = results.filter((r): r is PromiseFulfilledResult<string[]> => r.status === "fulfilled").flatMap((r) => r.value);
    assert.equal(won.length, 10, "5 of 8 pairs fit in 11 addresses");
    assert.equal(new Set(won).size, 10);
    for (const ip of won) assert.match(ip, /^172\.31\.255\.(24[4-9]|25[0-4])$/, "inside the usable range");
    assert.equal(results.filter((r) => r.status === "rejected" && (r.reason as AwsError).code === "InsufficientFreeAddressesInSubnet").length, 3);
    assert.equal(availableIpCount((await state.subnets.get(scope, id))!), 1);
  });

  it("gives back only what the owner holds", async () => {
    const { state, scope, subnets } = await ec2Fixture(0);
    const id = await tinySubnet(state, scope, subnets[0]!);
    const mine = await state.allocateIps(scope, id, 3, "eni-mine", "secondary", full);
    const theirs = await state.allocateIps(scope, id, 2, "eni-theirs", "secondary", full);
    await state.releaseAddresses(scope, id, [...mine, ...theirs], "eni-mine");
    assert.equal(availableIpCount((await state.subnets.get(scope, id))!), 11 - 2);
    // The freed ones can be taken again; the other owner's cannot.
    const again = await state.allocateIps(scope, id, 9, "eni-new", "secondary", full);
    assert.equal(again.filter((ip) => theirs.includes(ip)).length, 0);
    await assert.rejects(state.allocateIps(scope, id, 1, "eni-new", "secondary", full), /full/);
    await state.releaseIps(scope, "eni-theirs");
    assert.equal(availableIpCount((await state.subnets.get(scope, id))!), 2);
  });

  it("moves a data directory's older allocation list into address records on first use", async () => {
    const { state, scope, subnets } = await ec2Fixture(0);
    const legacy = [
      { ip: "172.31.255.244", owner: "eni-old", description: "Primary network interface" },
      { ip: "172.31.255.245", owner: "eni-old", description: "secondary" },
    ];
    const id = await tinySubnet(state, scope, subnets[0]!, { allocatedCount: undefined as unknown as number, allocations: legacy });
    assert.equal(availableIpCount((await state.subnets.get(scope, id))!), 9);
    const taken = await state.allocateIps(scope, id, 9, "eni-new", "secondary", full);
    assert.ok(!taken.includes("172.31.255.244") && !taken.includes("172.31.255.245"));
    const after = (await state.subnets.get(scope, id))!;
    assert.equal(after.allocations, undefined);
    assert.equal(availableIpCount(after), 0);
    await state.releaseIps(scope, "eni-old");
    assert.equal(availableIpCount((await state.subnets.get(scope, id))!), 2);
  });
});
