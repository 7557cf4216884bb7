import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  EKSClient,
  InvalidParameterException,
  ListClustersCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListClusters,
  type CreateClusterCommandInput,
} from "@aws-sdk/client-eks";
import { CreateSubnetCommand, CreateVpcCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { run, startTestMinieks, type TestEnv } from "./harness.js";

const region = "us-east-1";

describe("EKS API with SDK v3 and the aws CLI", () => {
  let t: TestEnv;
  let eks: EKSClient;
  let ec2: EC2Client;
  let subnets: { id: string; az: string }[];
  const role = "arn:aws:iam::000000000000:role/eks";
  const input = (name: string, extra: Partial<CreateClusterCommandInput> = {}): CreateClusterCommandInput => ({
    name,
    roleArn: role,
    resourcesVpcConfig: { subnetIds: [subnets[0]?.id ?? "", subnets[1]?.id ?? ""] },
    ...extra,
  });
  const invalid = (pattern: RegExp) => (e: unknown) => e instanceof InvalidParameterException && pattern.test(e.message);

  before(async () => {
    t = await startTestMinieks(region);
    const config = { endpoint: t.minieks.endpoint, region, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    eks = new EKSClient(config);
    ec2 = new EC2Client(config);
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    subnets = Subnets.map((s) => ({ id: s.SubnetId ?? "", az: s.AvailabilityZone ?? "" }));
  });
  after(async () => t.close());

  it("validates CreateCluster as EKS does and creates nothing on refusal", async () => {
    await assert.rejects(eks.send(new CreateClusterCommand(input("-bad"))), invalid(/cluster name '-bad' is invalid/));
    await assert.rejects(eks.send(new CreateClusterCommand(input("v", { version: "1.29" }))), invalid(/^unsupported Kubernetes version 1.29$/));
    await assert.rejects(eks.send(new CreateClusterCommand(input("v", { version: "9.99" }))), invalid(/^unsupported Kubernetes version 9.99$/));
    await assert.rejects(eks.send(new CreateClusterCommand(input("r", { roleArn: "eks-role" }))), invalid(/roleArn 'eks-role' is not a valid IAM role ARN/));
    await assert.rejects(
      eks.send(new CreateClusterCommand(input("s", { resourcesVpcConfig: { subnetIds: [subnets[0]?.id ?? ""] } }))),
      invalid(/at least two different AZs/),
    );
    await assert.rejects(
      eks.send(new CreateClusterCommand(input("s", { resourcesVpcConfig: { subnetIds: [subnets[0]?.id ?? "", "subnet-0000000000000000a"] } }))),
      invalid(/The subnet ID 'subnet-0000000000000000a' does not exist/),
    );
    await assert.rejects(
      eks.send(new CreateClusterCommand(input("c", { kubernetesNetworkConfig: { serviceIpv4Cidr: "172.31.0.0/16" } }))),
      invalid(/must be a private|overlaps the VPC CIDR/),
    );

    // Two subnets in one AZ, and a /28 with too few free addresses.
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }));
    const sameAz = await Promise.all(
      ["10.20.1.0/24", "10.20.2.0/24"].map((CidrBlock) => ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock, AvailabilityZone: "us-east-1a" }))),
    );
    await assert.rejects(
      eks.send(new CreateClusterCommand(input("az", { resourcesVpcConfig: { subnetIds: sameAz.map((s) => s.Subnet?.SubnetId ?? "") } }))),
      invalid(/at least two different AZs/),
    );
    assert.deepEqual((await eks.send(new ListClustersCommand({}))).clusters, []);

    // A 10.x VPC gets the 172.20.0.0/16 service range.
    const { cluster } = await eks.send(
      new CreateClusterCommand(input("tenx", { resourcesVpcConfig: { subnetIds: [sameAz[0]?.Subnet?.SubnetId ?? "", (await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: "10.20.4.0/24", AvailabilityZone: "us-east-1c" }))).Subnet?.SubnetId ?? ""] } })),
    );
    assert.equal(cluster?.kubernetesNetworkConfig?.serviceIpv4Cidr, "172.20.0.0/16");
    assert.equal(cluster?.resourcesVpcConfig?.vpcId, Vpc?.VpcId);
  });

  it("answers missing clusters with ResourceNotFoundException", async () => {
    await assert.rejects(
      eks.send(new DescribeClusterCommand({ name: "nope" })),
      (e: unknown) => e instanceof ResourceNotFoundException && e.message === "No cluster found for name: nope.",
    );
  });

  it("lists clusters in pages", async () => {
    for (const name of ["p1", "p2", "p3", "p4", "p5"]) await eks.send(new CreateClusterCommand(input(name)));
    const pages: string[][] = [];
    for await (const page of paginateListClusters({ client: eks, pageSize: 2 }, {})) pages.push(page.clusters ?? []);
    assert.deepEqual(pages, [["p1", "p2"], ["p3", "p4"], ["p5", "tenx"]]);
  });

  it("tags clusters", async () => {
    const arn = `arn:aws:eks:${region}:000000000000:cluster/p1`;
    await eks.send(new TagResourceCommand({ resourceArn: arn, tags: { team: "a", env: "dev" } }));
    await eks.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["env"] }));
    assert.deepEqual((await eks.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { team: "a" });
    assert.deepEqual((await eks.send(new DescribeClusterCommand({ name: "p1" }))).cluster?.tags, { team: "a" });
    const cli = await run("aws", ["eks", "tag-resource", "--resource-arn", `arn:aws:eks:${region}:000000000000:cluster/none`, "--tags", "a=b"], t.env);
    assert.match(cli.stderr, /\(NotFoundException\)/);
    const reserved = await run("aws", ["eks", "tag-resource", "--resource-arn", arn, "--tags", "aws:x=y"], t.env);
    assert.match(reserved.stderr, /\(BadRequestException\).*reserved/);
  });

  it("needs 6 free addresses in each cluster subnet, and each cluster takes one", async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.30.0.0/16" }));
    const subnet = async (CidrBlock: string, AvailabilityZone: string) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock, AvailabilityZone }))).Subnet;
    const big = await subnet("10.30.1.0/24", "us-east-1a");
    const tiny = await subnet("10.30.2.0/28", "us-east-1b");
    assert.equal(tiny?.AvailableIpAddressCount, 16 - 5);
    const subnetIds = [big?.SubnetId ?? "", tiny?.SubnetId ?? ""];
    for (let i = 1; i <= 5; i++) await eks.send(new CreateClusterCommand(input(`ip${i}`, { resourcesVpcConfig: { subnetIds } })));
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [tiny?.SubnetId ?? ""] }));
    assert.equal(Subnets[0]?.AvailableIpAddressCount, 6);
    await eks.send(new CreateClusterCommand(input("ip6", { resourcesVpcConfig: { subnetIds } })));
    await assert.rejects(
      eks.send(new CreateClusterCommand(input("ip7", { resourcesVpcConfig: { subnetIds } }))),
      invalid(/has 5 free IP addresses; EKS needs at least 6/),
    );
  });

  it("describes the supported versions with their support calendar", async () => {
    const { clusterVersions = [] } = await eks.send(new DescribeClusterVersionsCommand({}));
    const now = Date.now();
    for (const v of clusterVersions) {
      assert.ok((v.endOfExtendedSupportDate?.getTime() ?? 0) > now, `${v.clusterVersion} is past extended support`);
      assert.equal(v.versionStatus, (v.endOfStandardSupportDate?.getTime() ?? 0) > now ? "STANDARD_SUPPORT" : "EXTENDED_SUPPORT");
    }
    assert.ok(clusterVersions.some((v) => v.clusterVersion === "1.34"));
    const cli = await run("aws", ["eks", "describe-cluster-versions", "--default-only", "--query", "clusterVersions[].clusterVersion", "--output", "text"], t.env);
    assert.equal(cli.stdout.trim(), "1.34");
  });

  it("serves presigned GetCallerIdentity, the URL inside an EKS token", async () => {
    const token = JSON.parse((await run("aws", ["eks", "get-token", "--cluster-name", "p1", "--output", "json"], t.env)).stdout).status.token as string;
    const url = Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString();
    assert.ok(url.startsWith(`${t.minieks.endpoint}/?Action=GetCallerIdentity`), url);
    const answer = await fetch(url, { headers: { "x-k8s-aws-id": "p1" } });
    assert.equal(answer.status, 200);
    assert.match(await answer.text(), /<GetCallerIdentityResult><UserId>000000000000<\/UserId><Account>000000000000<\/Account><Arn>arn:aws:iam::000000000000:root<\/Arn><\/GetCallerIdentityResult>/);
    const otherCluster = await fetch(url, { headers: { "x-k8s-aws-id": "p2" } });
    assert.equal(otherCluster.status, 403);
  });
});
