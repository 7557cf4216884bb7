import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DescribeNetworkInterfacesCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Managed node groups with the unmodified aws CLI: create a cluster and a node group over three
 * subnets in three zones, wait for it, read its instances from EC2 (addresses from the subnets,
 * counted in AvailableIpAddressCount), scale it, see DeleteCluster refused while it exists,
 * delete it.
 */
const region = "ap-northeast-2";

interface Subnet {
  SubnetId: string;
  AvailabilityZone: string;
  CidrBlock: string;
  AvailableIpAddressCount: number;
}

const inCidr = (ip: string, cidr: string): boolean => {
  const toNumber = (a: string) => a.split(".").reduce((n, part) => n * 256 + Number(part), 0);
  const [base = "", bits = "32"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
};

describe("EKS managed node groups with the aws CLI", () => {
  let t: TestEnv;
  let ec2: EC2Client;
  const aws = (...args: string[]) => run("aws", args, t.env);
  const json = async (...args: string[]) => {
    const result = await aws(...args, "--output", "json");
    assert.equal(result.code, 0, `aws ${args.join(" ")}: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };
  const subnetsNow = async () => ((await json("ec2", "describe-subnets")).Subnets as Subnet[]).sort((a, b) => a.AvailabilityZone.localeCompare(b.AvailabilityZone));
  /**
   * Free addresses per subnet checked against the ENIs EC2 lists: each subnet's count is its size
   * less the control-plane ENI addresses and every address on the ENIs in it (node primaries and
   * whatever the VPC CNI on the nodes assigned). Read (with SDK v3, quicker than the CLI) until
   * two subnet reads agree.
   */
  const checkAccounting = async (initial: Subnet[], controlPlane: Record<string, number>) => {
    const sdkSubnets = async () =>
      ((await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => ({ SubnetId: s.SubnetId ?? "", AvailableIpAddressCount: s.AvailableIpAddressCount ?? 0 }));
    for (let attempt = 0; attempt < 20; attempt++) {
      const before = await sdkSubnets();
      const enis = ((await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces ?? []).map((e) => ({
        SubnetId: e.SubnetId ?? "",
        PrivateIpAddresses: e.PrivateIpAddresses ?? [],
      }));
      const after = await sdkSubnets();
      if (JSON.stringify(before) !== JSON.stringify(after)) continue;
      for (const subnet of initial) {
        const onEnis = enis.filter((e) => e.SubnetId === subnet.SubnetId).reduce((n, e) => n + e.PrivateIpAddresses.length, 0);
        const now = after.find((s) => s.SubnetId === subnet.SubnetId)?.AvailableIpAddressCount;
        assert.equal(now, subnet.AvailableIpAddressCount - (controlPlane[subnet.SubnetId] ?? 0) - onEnis, subnet.SubnetId);
      }
      return after;
    }
    throw new Error("the subnets' free addresses kept changing");
  };
  const instancesOf = async (...filters: string[]) => {
    const out = await json("ec2", "describe-instances", "--filters", "Name=tag:eks:nodegroup-name,Values=ng1", ...filters);
    return (out.Reservations as { Instances: Record<string, unknown>[] }[]).flatMap((r) => r.Instances);
  };

  before(async () => {
    // EKS's durations at 1/1000: deleting the node group drains its nodes, and the coredns disruption
    // budget holds the last replica until EKS's 5-minute drain deadline (0.3 s here), as on EKS.
    t = await startTestMinieks(region, { timeScale: 0.001 });
    ec2 = new EC2Client({ endpoint: t.minieks.endpoint, region, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  });
  after(async () => t.close());

  it("creates, scales and deletes a node group whose instances take addresses from its subnets", async () => {
    const initial = await subnetsNow();
    const [a, b, c] = initial;
    assert.ok(a && b && c);
    const created = await aws(
      "eks", "create-cluster", "--name", "myeks", "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster",
      "--resources-vpc-config", `subnetIds=${a.SubnetId},${b.SubnetId}`,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await aws("eks", "wait", "cluster-active", "--name", "myeks")).code, 0);

    const nodegroupArgs = [
      "eks", "create-nodegroup", "--cluster-name", "myeks", "--nodegroup-name", "ng1",
      "--node-role", "arn:aws:iam::000000000000:role/eks-node", "--subnets", a.SubnetId, b.SubnetId, c.SubnetId,
      "--instance-types", "t3.medium", "--labels", "tier=primary",
    ];
    const bad = await aws(...nodegroupArgs, "--scaling-config", "minSize=4,maxSize=5,desiredSize=3");
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /\(InvalidParameterException\) when calling the CreateNodegroup operation: minSize can't be greater than desiredSize/);

    const create = await json(...nodegroupArgs, "--scaling-config", "minSize=2,maxSize=5,desiredSize=3");
    const ng = create.nodegroup as Record<string, unknown>;
    assert.equal(ng.status, "CREATING");
    assert.match(String(ng.nodegroupArn), /^arn:aws:eks:ap-northeast-2:000000000000:nodegroup\/myeks\/ng1\/[0-9a-f-]{36}$/);
    const waited = await aws("eks", "wait", "nodegroup-active", "--cluster-name", "myeks", "--nodegroup-name", "ng1");
    assert.equal(waited.code, 0, waited.stderr);

    const described = (await json("eks", "describe-nodegroup", "--cluster-name", "myeks", "--nodegroup-name", "ng1")).nodegroup as Record<string, unknown>;
    assert.equal(described.status, "ACTIVE");
    assert.deepEqual(described.scalingConfig, { minSize: 2, maxSize: 5, desiredSize: 3 });
    assert.deepEqual(described.labels, { tier: "primary" });
    assert.equal(described.amiType, "AL2023_x86_64_STANDARD");
    assert.equal(described.capacityType, "ON_DEMAND");
    assert.equal(described.diskSize, 20);
    assert.match(String(described.releaseVersion), /^1\.34\.\d+-\d{8}$/);
    const asg = (described.resources as { autoScalingGroups: { name: string }[] }).autoScalingGroups[0]?.name;
    assert.equal(asg, `eks-ng1-${String(ng.nodegroupArn).split("/").pop()}`);
    assert.deepEqual((await json("eks", "list-nodegroups", "--cluster-name", "myeks")).nodegroups, ["ng1"]);

    const instances = await instancesOf();
    assert.equal(instances.length, 3);
    const bySubnet = new Map(initial.map((s) => [s.SubnetId, s]));
    for (const instance of instances) {
      const subnet = bySubnet.get(String(instance.SubnetId));
      assert.ok(subnet, "in one of the node group's subnets");
      assert.ok(inCidr(String(instance.PrivateIpAddress), subnet.CidrBlock), `${String(instance.PrivateIpAddress)} in ${subnet.CidrBlock}`);
      assert.equal(instance.PrivateDnsName, `ip-${String(instance.PrivateIpAddress).replace(/\./g, "-")}.ap-northeast-2.compute.internal`);
      assert.deepEqual(instance.State, { Code: 16, Name: "running" });
      assert.equal(instance.InstanceType, "t3.medium");
      assert.match(String(instance.InstanceId), /^i-[0-9a-f]{17}$/);
      const tags = Object.fromEntries((instance.Tags as { Key: string; Value: string }[]).map((tag) => [tag.Key, tag.Value]));
      assert.equal(tags["eks:cluster-name"], "myeks");
      assert.equal(tags["kubernetes.io/cluster/myeks"], "owned");
      assert.equal(tags["aws:autoscaling:groupName"], asg);
    }
    assert.deepEqual(instances.map((i) => (i.Placement as { AvailabilityZone: string }).AvailabilityZone).sort(), [a, b, c].map((s) => s.AvailabilityZone));

    // Each cluster subnet holds a control-plane ENI; each instance's ENIs take the rest.
    const controlPlane = { [a.SubnetId]: 1, [b.SubnetId]: 1 };
    const after3 = await checkAccounting(initial, controlPlane);
    for (const subnet of [a, b, c]) {
      const now = after3.find((s) => s.SubnetId === subnet.SubnetId)?.AvailableIpAddressCount ?? 0;
      assert.ok(now <= subnet.AvailableIpAddressCount - (controlPlane[subnet.SubnetId] ?? 0) - 1, `${subnet.SubnetId} gave its node an address`);
    }
    const first = instances[0];
    const enis = (await json("ec2", "describe-network-interfaces", "--filters", `Name=attachment.instance-id,Values=${String(first?.InstanceId)}`))
      .NetworkInterfaces as { PrivateIpAddress: string; Attachment: { DeviceIndex: number } }[];
    assert.equal(enis.find((e) => e.Attachment.DeviceIndex === 0)?.PrivateIpAddress, first?.PrivateIpAddress);

    const update = (await json(
      "eks", "update-nodegroup-config", "--cluster-name", "myeks", "--nodegroup-name", "ng1", "--scaling-config", "desiredSize=5,maxSize=5,minSize=2",
    )).update as { id: string; status: string; type: string };
    assert.equal(update.type, "ConfigUpdate");
    assert.equal((await aws("eks", "wait", "nodegroup-active", "--cluster-name", "myeks", "--nodegroup-name", "ng1")).code, 0);
    const updateNow = (await json("eks", "describe-update", "--name", "myeks", "--nodegroup-name", "ng1", "--update-id", update.id)).update as { status: string };
    assert.equal(updateNow.status, "Successful");
    assert.equal((await instancesOf("Name=instance-state-name,Values=running")).length, 5);
    await checkAccounting(initial, controlPlane);

    const refused = await aws("eks", "delete-cluster", "--name", "myeks");
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /\(ResourceInUseException\) when calling the DeleteCluster operation: Cluster has nodegroups attached/);

    const deleting = (await json("eks", "delete-nodegroup", "--cluster-name", "myeks", "--nodegroup-name", "ng1")).nodegroup as { status: string };
    assert.equal(deleting.status, "DELETING");
    assert.equal((await aws("eks", "wait", "nodegroup-deleted", "--cluster-name", "myeks", "--nodegroup-name", "ng1")).code, 0);
    const states = (await instancesOf()).map((i) => (i.State as { Name: string }).Name);
    assert.deepEqual(states, Array(5).fill("terminated"));
    const freed = await checkAccounting(initial, controlPlane);
    assert.deepEqual(
      [a, b, c].map((subnet) => freed.find((s) => s.SubnetId === subnet.SubnetId)?.AvailableIpAddressCount),
      [a.AvailableIpAddressCount - 1, b.AvailableIpAddressCount - 1, c.AvailableIpAddressCount],
      "terminated nodes gave every address back",
    );
    const deleted = await json("eks", "delete-cluster", "--name", "myeks");
    assert.equal((deleted.cluster as { status: string }).status, "DELETING");
  });
});
