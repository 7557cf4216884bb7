import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Nodegroup, Update } from "@aws-sdk/client-eks";
import { AwsError } from "../../protocol/operation.js";
import { settle } from "../ec2/ec2-fixture.case.js";
import { eksFixture } from "./eks-fixture.case.js";
import { NODEGROUP_DURATIONS } from "./nodegroup-reconciler.js";

const awsError = (code: string, message: string | RegExp, status?: number) => (e: unknown) =>
  e instanceof AwsError && e.code === code && (typeof message === "string" ? e.message === message : message.test(e.message)) && (status === undefined || e.status === status);
const ipe = (message: string | RegExp) => awsError("InvalidParameterException", message, 400);

describe("node-group operations", () => {
  it("refuses bad CreateNodegroup input with EKS's errors and creates nothing", async () => {
    const { op, createInput, state, scope, nodegroups } = await eksFixture();
    const create = (overrides: Record<string, unknown>) => op("CreateNodegroup", createInput(overrides));
    const otherVpc = { vpcId: "vpc-0000000000000000b", ownerId: scope.accountId, cidrBlock: "10.9.0.0/16", isDefault: false, tags: {} };
    await state.vpcs.create(scope, otherVpc.vpcId, otherVpc);
    const base = (await state.subnets.list(scope))[0]!;
    await state.subnets.create(scope, "subnet-0000000000000000b", { ...base, subnetId: "subnet-0000000000000000b", vpcId: otherVpc.vpcId, cidrBlock: "10.9.1.0/24", allocatedCount: 0 });

    const cases: [Record<string, unknown>, (e: unknown) => boolean][] = [
      [{ name: "nope" }, awsError("ResourceNotFoundException", "No cluster found for name: nope.", 404)],
      [{ nodegroupName: "-ng" }, ipe("The nodegroup name '-ng' is invalid: use 1 to 63 letters, digits, hyphens and underscores, starting with a letter or digit.")],
      [{ nodegroupName: "n".repeat(64) }, ipe(/^The nodegroup name 'n{64}' is invalid/)],
      [{ nodeRole: "node-role" }, ipe("nodeRole 'node-role' is not a valid IAM role ARN.")],
      [{ subnets: [] }, ipe("Subnets are required: give at least one subnet for the node group.")],
      [{ subnets: ["subnet-0000000000000000a"] }, ipe(/^The subnet ID 'subnet-0000000000000000a' does not exist/)],
      [{ subnets: ["subnet-0000000000000000b"] }, ipe(`Subnet subnet-0000000000000000b is in VPC ${otherVpc.vpcId}, not in the cluster's VPC ${base.vpcId}.`)],
      [{ scalingConfig: { minSize: 3, maxSize: 5, desiredSize: 2 } }, ipe("minSize can't be greater than desiredSize")],
      [{ scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 3 } }, ipe("desiredSize can't be greater than maxSize")],
      [{ scalingConfig: { minSize: 0, maxSize: 0, desiredSize: 0 } }, ipe("maxSize must be at least 1")],
      [{ scalingConfig: { desiredSize: 3 } }, ipe("When creating a node group, specify all of minSize, maxSize and desiredSize in scalingConfig, or none of them.")],
      [{ instanceTypes: ["x9.huge"] }, ipe(/^The specified instance type x9.huge is not valid: minieks does not know it/)],
      [{ instanceTypes: ["t4g.medium"], amiType: "AL2023_x86_64_STANDARD" }, ipe("[t4g.medium] is not a valid instance type for requested amiType AL2023_x86_64_STANDARD")],
      [{ instanceTypes: ["t3.medium", "m6g.large"] }, ipe("[m6g.large] is not a valid instance type for requested amiType AL2023_x86_64_STANDARD")],
      [{ amiType: "AL2023_x86_64_NVIDIA" }, ipe("[t3.medium] is not a valid instance type for requested amiType AL2023_x86_64_NVIDIA")],
      [{ amiType: "AL2_x86_64" }, ipe("AMI Type AL2_x86_64 is only supported for kubernetes versions 1.32 or earlier")],
      [{ amiType: "UBUNTU" }, ipe(/^1 validation error detected: Value 'UBUNTU' at 'amiType' failed to satisfy constraint: Member must satisfy enum value set: \[AL2_x86_64, /)],
      [{ amiType: "WINDOWS_CORE_2022_x86_64" }, awsError("NotImplemented", /^minieks does not simulate WINDOWS_CORE_2022_x86_64 nodes yet/, 501)],
      [{ capacityType: "RESERVED" }, ipe(/^1 validation error detected: Value 'RESERVED' at 'capacityType'/)],
      [{ version: "1.33" }, ipe("Requested Nodegroup version 1.33 is invalid. Allowed values: 1.34")],
      [{ releaseVersion: "1.33.5-20251120" }, ipe("Requested release version 1.33.5-20251120 is not valid for kubernetes version 1.34.")],
      [{ labels: { "bad key": "x" } }, ipe(/^Invalid value: "bad key": name part must consist of alphanumeric characters/)],
      [{ labels: { tier: "-x" } }, ipe(/^Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters/)],
      [{ taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] }, ipe(/^1 validation error detected: Value 'NoSchedule' at 'taints.1.member.effect'/)],
      [{ taints: [{ key: "a/b/c", effect: "NO_SCHEDULE" }] }, ipe(/^Invalid value: "a\/b\/c": a qualified name must consist of/)],
      [{ taints: [{ key: "k", effect: "NO_SCHEDULE" }, { key: "k", value: "v", effect: "NO_SCHEDULE" }] }, ipe('Duplicate taint: key "k" with effect NO_SCHEDULE appears twice')],
      [{ updateConfig: { maxUnavailable: 9 } }, ipe("max-unavailable must be within the range 1 and max size of the node group")],
      [{ updateConfig: { maxUnavailable: 1, maxUnavailablePercentage: 10 } }, ipe("Specify either maxUnavailable or maxUnavailablePercentage in updateConfig, not both")],
      [{ tags: { "aws:x": "y" } }, ipe('Tag keys starting with "aws:" are reserved: aws:x')],
      [{ launchTemplate: { id: "lt-1" } }, awsError("NotImplemented", /^minieks does not support launch templates for node groups/, 501)],
      [{ remoteAccess: { ec2SshKey: "k" } }, awsError("NotImplemented", /^minieks does not support remoteAccess/, 501)],
    ];
    for (const [overrides, matches] of cases) await assert.rejects(create(overrides), matches, JSON.stringify(overrides));
    assert.deepEqual(await nodegroups.nodegroups.list(scope), []);
    assert.deepEqual(await state.instances.list(scope), []);
  });

  it("refuses a node group while the cluster is not ACTIVE, and a second one with the same name", async () => {
    const { op, createInput, clusters, scope } = await eksFixture();
    await clusters.clusters.update(scope, "myeks", (c) => ({ ...c, status: "CREATING" }));
    const inactive = awsError("InvalidRequestException", "Cluster 'myeks' is not in ACTIVE status", 400);
    await assert.rejects(op("CreateNodegroup", createInput()), inactive);
    await clusters.clusters.update(scope, "myeks", (c) => ({ ...c, status: "ACTIVE" }));
    await op("CreateNodegroup", createInput({ clientRequestToken: "t1" }));
    const again = (await op("CreateNodegroup", createInput({ clientRequestToken: "t1" }))) as { nodegroup: Nodegroup };
    assert.equal(again.nodegroup.nodegroupName, "ng1", "the same token is the same request");
    await assert.rejects(
      op("CreateNodegroup", createInput({ clientRequestToken: "t2" })),
      awsError("ResourceInUseException", "NodeGroup already exists with name ng1 and cluster name myeks", 409),
    );
  });

  it("fills in EKS's defaults", async () => {
    const { op, createInput, scope } = await eksFixture();
    const { nodegroup } = (await op("CreateNodegroup", createInput({ scalingConfig: undefined }))) as { nodegroup: Nodegroup };
    assert.equal(nodegroup.status, "CREATING");
    assert.match(nodegroup.nodegroupArn ?? "", new RegExp(`^arn:aws:eks:${scope.region}:${scope.accountId}:nodegroup/myeks/ng1/[0-9a-f-]{36}$`));
    assert.deepEqual(nodegroup.instanceTypes, ["t3.medium"]);
    assert.equal(nodegroup.diskSize, 20);
    assert.equal(nodegroup.amiType, "AL2023_x86_64_STANDARD");
    assert.equal(nodegroup.capacityType, "ON_DEMAND");
    assert.equal(nodegroup.version, "1.34");
    assert.equal(nodegroup.releaseVersion, "1.34.1-20251120");
    assert.deepEqual(nodegroup.updateConfig, { maxUnavailable: 1 });
    assert.deepEqual(nodegroup.scalingConfig, { minSize: 1, maxSize: 2, desiredSize: 2 });
    assert.deepEqual(nodegroup.health, { issues: [] });
    assert.deepEqual(nodegroup.labels, {});
    assert.equal(nodegroup.resources, undefined, "the Auto Scaling group comes a moment later");

    const graviton = (await op("CreateNodegroup", createInput({ nodegroupName: "arm", instanceTypes: ["m7g.large"] }))) as { nodegroup: Nodegroup };
    assert.equal(graviton.nodegroup.amiType, "AL2023_ARM_64_STANDARD");
    const described = (await op("DescribeNodegroup", { name: "myeks", nodegroupName: "ng1" })) as { nodegroup: Nodegroup };
    const uuid = nodegroup.nodegroupArn?.split("/").pop();
    await settle(async () => ((await op("DescribeNodegroup", { name: "myeks", nodegroupName: "ng1" })) as { nodegroup: Nodegroup }).nodegroup.resources !== undefined);
    const later = (await op("DescribeNodegroup", { name: "myeks", nodegroupName: "ng1" })) as { nodegroup: Nodegroup };
    assert.equal(described.nodegroup.nodegroupArn, nodegroup.nodegroupArn);
    assert.deepEqual(later.nodegroup.resources, { autoScalingGroups: [{ name: `eks-ng1-${uuid}` }] });
    await assert.rejects(
      op("DescribeNodegroup", { name: "myeks", nodegroupName: "nope" }),
      awsError("ResourceNotFoundException", "No node group found for name: nope.", 404),
    );
  });

  it("lists node groups in pages", async () => {
    const { op, createInput } = await eksFixture();
    for (const name of ["c", "a", "b"]) await op("CreateNodegroup", createInput({ nodegroupName: name }));
    const first = (await op("ListNodegroups", { name: "myeks", maxResults: "2" })) as { nodegroups: string[]; nextToken?: string };
    assert.deepEqual(first.nodegroups, ["a", "b"]);
    const second = (await op("ListNodegroups", { name: "myeks", maxResults: "2", nextToken: first.nextToken })) as { nodegroups: string[]; nextToken?: string };
    assert.deepEqual(second, { nodegroups: ["c"] });
    await assert.rejects(op("ListNodegroups", { name: "nope" }), awsError("ResourceNotFoundException", "No cluster found for name: nope.", 404));
  });

  it("UpdateNodegroupConfig records an Update with EKS's params and refuses bad or untimely changes", async () => {
    const { op, createInput, clock } = await eksFixture(1);
    await op("CreateNodegroup", createInput({ labels: { a: "1", b: "2" }, taints: [{ key: "old", value: "x", effect: "NO_EXECUTE" }] }));
    const update = (raw: Record<string, unknown>) => op("UpdateNodegroupConfig", { name: "myeks", nodegroupName: "ng1", ...raw });
    const notActive = awsError("ResourceInUseException", "Nodegroup cannot be updated as it is currently not in Active State", 409);
    const describe = async () => ((await op("DescribeNodegroup", { name: "myeks", nodegroupName: "ng1" })) as { nodegroup: Nodegroup }).nodegroup;
    assert.equal((await describe()).status, "CREATING");
    await assert.rejects(update({ scalingConfig: { desiredSize: 4 } }), notActive);
    await settle(() => clock.pendingTimers > 0);
    clock.advance(NODEGROUP_DURATIONS.createMs);
    await settle(async () => (await describe()).status === "ACTIVE");
    assert.equal((await describe()).status, "ACTIVE");

    await assert.rejects(update({}), ipe("The update changes nothing: give labels, taints, scalingConfig or updateConfig."));
    await assert.rejects(update({ scalingConfig: {} }), ipe("Either all or at least one of minSize, maxSize, desiredSize must be provided"));
    await assert.rejects(update({ scalingConfig: { minSize: 4 } }), ipe("Minimum capacity 4 can't be greater than desired size 3"));
    await assert.rejects(update({ scalingConfig: { desiredSize: 6 } }), ipe("desiredSize can't be greater than maxSize"));
    await assert.rejects(update({ labels: { addOrUpdateLabels: { a: "9" }, removeLabels: ["a"] } }), ipe("Labels cannot be both added and removed in one update: a"));
    await assert.rejects(update({ updateConfig: { maxUnavailable: 6 } }), ipe("max-unavailable must be within the range 1 and max size of the node group"));
    await assert.rejects(
      op("UpdateNodegroupConfig", { name: "myeks", nodegroupName: "nope", scalingConfig: { desiredSize: 1 } }),
      awsError("ResourceNotFoundException", "No node group found for name: nope.", 404),
    );

    const { update: u } = (await update({
      labels: { addOrUpdateLabels: { c: "3" }, removeLabels: ["a"] },
      taints: { addOrUpdateTaints: [{ key: "new", value: "y", effect: "NO_SCHEDULE" }], removeTaints: [{ key: "old", value: "x", effect: "NO_EXECUTE" }] },
      scalingConfig: { minSize: 1, maxSize: 5, desiredSize: 2 },
      updateConfig: { maxUnavailable: 2 },
    })) as { update: Update };
    assert.equal(u.status, "InProgress");
    assert.equal(u.type, "ConfigUpdate");
    assert.deepEqual(u.params, [
      { type: "LabelsToAdd", value: '{"c":"3"}' },
      { type: "LabelsToRemove", value: '["a"]' },
      { type: "TaintsToAdd", value: '[{"effect":"NO_SCHEDULE","value":"y","key":"new"}]' },
      { type: "TaintsToRemove", value: '[{"effect":"NO_EXECUTE","value":"x","key":"old"}]' },
      { type: "MinSize", value: "1" },
      { type: "MaxSize", value: "5" },
      { type: "DesiredSize", value: "2" },
      { type: "MaxUnavailable", value: "2" },
    ]);
    const changed = await describe();
    assert.deepEqual(changed.labels, { b: "2", c: "3" });
    assert.deepEqual(changed.taints, [{ key: "new", value: "y", effect: "NO_SCHEDULE" }]);
    assert.deepEqual(changed.scalingConfig, { minSize: 1, maxSize: 5, desiredSize: 2 });
    assert.deepEqual(changed.updateConfig, { maxUnavailable: 2 });

    assert.equal(changed.status, "UPDATING");
    await settle(() => clock.pendingTimers > 0);
    clock.advance(NODEGROUP_DURATIONS.updateMs);
    await settle(async () => (await describe()).status === "ACTIVE");
    assert.equal((await describe()).status, "ACTIVE");
    const listed = (await op("ListUpdates", { name: "myeks", nodegroupName: "ng1" })) as { updateIds: string[] };
    assert.deepEqual(listed.updateIds, [u.id]);
    const done = (await op("DescribeUpdate", { name: "myeks", updateId: u.id, nodegroupName: "ng1" })) as { update: Update };
    assert.equal(done.update.status, "Successful");
    await assert.rejects(
      op("DescribeUpdate", { name: "myeks", updateId: "0000", nodegroupName: "ng1" }),
      awsError("ResourceNotFoundException", "No update found for ID: 0000.", 404),
    );
    assert.deepEqual(await op("ListUpdates", { name: "myeks" }), { updateIds: [] });
    await assert.rejects(op("ListUpdates", { name: "myeks", addonName: "vpc-cni" }), awsError("NotImplemented", "minieks does not support add-ons yet", 501));
  });

  it("DeleteCluster refuses while node groups exist, as EKS does", async () => {
    const { op, createInput, clusters, scope } = await eksFixture(0);
    await op("CreateNodegroup", createInput());
    await assert.rejects(op("DeleteCluster", { name: "myeks" }), (e: unknown) =>
      awsError("ResourceInUseException", "Cluster has nodegroups attached", 409)(e) && (e as AwsError).members.nodegroupName === "ng1");
    assert.equal((await clusters.clusters.get(scope, "myeks"))?.status, "ACTIVE");
  });
});
