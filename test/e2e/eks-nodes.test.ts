import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Issue 4's user scenario, end to end with the aws CLI and kubectl (oldest and newest): a managed
 * node group of three t3.medium nodes in three zones, the default add-ons running on them, a
 * Deployment whose pods get addresses from the nodes' subnets, the max-pods limit showing as
 * FailedScheduling, scaling the node group, and a rolling update with undo.
 */
const REGION = "ap-northeast-2";
const CLUSTER = "myeks";
const NODE_ROLE = "arn:aws:iam::000000000000:role/eks-node";

interface Subnet {
  SubnetId: string;
  AvailabilityZone: string;
  CidrBlock: string;
}

/** True when `ip` is inside the IPv4 CIDR block. */
function inCidr(ip: string, cidr: string): boolean {
  const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const [base = "", bits = "32"] = cidr.split("/");
  const mask = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / mask) === Math.floor(toInt(base) / mask);
}

for (const version of ["1.27", "1.33"]) {
  describe(`EKS-shaped nodes and workloads with kubectl ${version}`, () => {
    let t: TestEnv;
    let subnets: Subnet[] = [];
    const aws = (...args: string[]) => run("aws", args, t.env);
    const awsJson = async (...args: string[]) => {
      const r = await aws(...args, "--output", "json");
      assert.equal(r.code, 0, `aws ${args.join(" ")}: ${r.stderr}`);
      return JSON.parse(r.stdout || "{}");
    };
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    const podsOf = async (selector: string, namespace = "default") =>
      JSON.parse(await ok("get", "pods", "-n", namespace, "-l", selector, "-o", "json")).items as {
        metadata: { name: string };
        spec: { nodeName?: string };
        status: { phase: string; podIP?: string; hostIP?: string; conditions?: { type: string; status: string }[] };
      }[];
    /** Polls (real time, bounded) until `check` passes; the components run on the system clock. */
    const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    before(async () => {
      t = await startTestMinieks(REGION);
      subnets = (await awsJson("ec2", "describe-subnets")).Subnets as Subnet[];
      const byZone = [...new Map(subnets.map((s) => [s.AvailabilityZone, s])).values()].slice(0, 3);
      assert.equal(byZone.length, 3, "three zones");
      subnets = byZone;
      await awsJson(
        "eks", "create-cluster", "--name", CLUSTER, "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster",
        "--resources-vpc-config", `subnetIds=${subnets.map((s) => s.SubnetId).join(",")}`,
      );
      assert.equal((await aws("eks", "wait", "cluster-active", "--name", CLUSTER)).code, 0);
      assert.equal((await aws("eks", "update-kubeconfig", "--name", CLUSTER)).code, 0);
    });
    after(async () => t.close());

    it("runs a managed node group with the default add-ons, scheduling limits and rollouts", { timeout: 240_000 }, async () => {
      await awsJson(
        "eks", "create-nodegroup", "--cluster-name", CLUSTER, "--nodegroup-name", "ng1", "--node-role", NODE_ROLE,
        "--subnets", ...subnets.map((s) => s.SubnetId), "--instance-types", "t3.medium",
        "--scaling-config", "minSize=2,maxSize=5,desiredSize=3", "--labels", "tier=primary",
      );
      const wait = await aws("eks", "wait", "nodegroup-active", "--cluster-name", CLUSTER, "--nodegroup-name", "ng1");
      assert.equal(wait.code, 0, wait.stderr);

      // Three Ready nodes, one per zone, named and labelled as EKS names and labels them.
      await eventually("3 Ready nodes", async () => {
        const nodes = JSON.parse(await ok("get", "nodes", "-o", "json")).items as { status: { conditions: { type: string; status: string }[] } }[];
        return nodes.length === 3 && nodes.every((n) => n.status.conditions.some((c) => c.type === "Ready" && c.status === "True"));
      });
      const table = await ok("get", "node", "--label-columns=node.kubernetes.io/instance-type,eks.amazonaws.com/capacityType,topology.kubernetes.io/zone,tier");
      const rows = table.trim().split("\n").slice(1);
      assert.equal(rows.length, 3, table);
      const zones = new Set<string>();
      for (const row of rows) {
        const [name = "", status, , , , type, capacity, zone = "", tier] = row.split(/\s+/);
        assert.match(name, new RegExp(`^ip-172-31-\\d+-\\d+\\.${REGION}\\.compute\\.internal$`), row);
        assert.equal(status, "Ready", row);
        assert.equal(type, "t3.medium", row);
        assert.equal(capacity, "ON_DEMAND", row);
        assert.equal(tier, "primary", row);
        zones.add(zone);
      }
      assert.equal(zones.size, 3, table);

      // The default add-ons, all Running: aws-node (2/2) and kube-proxy on every node, two coredns.
      await eventually("add-ons running", async () => {
        const pods = await podsOf("k8s-app in (aws-node,kube-proxy,kube-dns)", "kube-system");
        return pods.length === 8 && pods.every((p) => p.status.phase === "Running");
      });
      const systemPods = await ok("get", "pod", "-n", "kube-system");
      assert.equal(systemPods.split("\n").filter((l) => /^aws-node-\S+\s+2\/2\s+Running/.test(l)).length, 3, systemPods);
      assert.equal(systemPods.split("\n").filter((l) => /^kube-proxy-\S+\s+1\/1\s+Running/.test(l)).length, 3, systemPods);
      assert.equal(systemPods.split("\n").filter((l) => /^coredns-\S+\s+1\/1\s+Running/.test(l)).length, 2, systemPods);
      assert.match(await ok("get", "pdb", "-n", "kube-system"), /^coredns\s+N\/A\s+1\s+1\s/m);

      // A deployment: Running, with addresses inside the nodes' subnets.
      assert.match(await ok("create", "deployment", "web", "--image=nginx", "--replicas=3"), /deployment.apps\/web created/);
      assert.match(await ok("rollout", "status", "deploy/web", "--timeout=60s"), /successfully rolled out/);
      const web = await podsOf("app=web");
      assert.equal(web.length, 3);
      for (const pod of web) {
        assert.equal(pod.status.phase, "Running");
        assert.ok(pod.status.podIP && subnets.some((s) => inCidr(pod.status.podIP ?? "", s.CidrBlock)), `pod IP ${pod.status.podIP}`);
        assert.notEqual(pod.status.podIP, pod.status.hostIP);
      }

      // Max pods on t3.medium is 17: 3 × (17 − 2 daemon pods) − 2 coredns = 43 web pods fit.
      await ok("scale", "deploy/web", "--replicas=100");
      await eventually("43 running and 57 pending", async () => {
        const pods = await podsOf("app=web");
        return pods.length === 100 && pods.filter((p) => p.status.phase === "Running").length === 43 && pods.filter((p) => !p.spec.nodeName).length === 57;
      });
      const pending = (await podsOf("app=web")).find((p) => !p.spec.nodeName);
      const described = await ok("describe", "pod", pending?.metadata.name ?? "");
      assert.match(described, /FailedScheduling\s+.*0\/3 nodes are available: 3 Too many pods\./s, described);

      // Two more nodes join and more pods schedule: 5 × 15 − 2 = 73.
      await awsJson("eks", "update-nodegroup-config", "--cluster-name", CLUSTER, "--nodegroup-name", "ng1", "--scaling-config", "minSize=2,maxSize=5,desiredSize=5");
      await eventually("73 running", async () => (await podsOf("app=web")).filter((p) => p.status.phase === "Running").length === 73, 60_000);

      // A rolling update and its undo (at a size that fits, so the rollout can finish).
      await ok("scale", "deploy/web", "--replicas=10");
      await ok("set", "image", "deploy/web", "nginx=nginx:1.27");
      assert.match(await ok("rollout", "status", "deploy/web", "--timeout=60s"), /successfully rolled out/);
      await ok("rollout", "undo", "deploy/web");
      assert.match(await ok("rollout", "status", "deploy/web", "--timeout=60s"), /successfully rolled out/);
      const images = JSON.parse(await ok("get", "deploy/web", "-o", "json")).spec.template.spec.containers.map((c: { image: string }) => c.image);
      assert.deepEqual(images, ["nginx"]);

      // The nodes' EC2 instances, with private addresses in the node group's subnets.
      const reservations = (await awsJson("ec2", "describe-instances", "--filters", "Name=tag:eks:nodegroup-name,Values=ng1")).Reservations as {
        Instances: { InstanceType: string; PrivateIpAddress: string; State: { Name: string } }[];
      }[];
      const instances = reservations.flatMap((r) => r.Instances).filter((i) => i.State.Name === "running");
      assert.equal(instances.length, 5);
      for (const instance of instances) {
        assert.equal(instance.InstanceType, "t3.medium");
        assert.ok(subnets.some((s) => inCidr(instance.PrivateIpAddress, s.CidrBlock)), instance.PrivateIpAddress);
      }
    });
  });
}
