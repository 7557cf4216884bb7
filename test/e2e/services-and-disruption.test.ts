import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Services, identities and disruption budgets with the real aws CLI and kubectl: ClusterIPs from
 * the EKS service CIDR (kubernetes at .1, kube-dns at .10), static requests refused with
 * upstream's message, node ports, Endpoints and EndpointSlices of a Deployment, the default
 * ServiceAccount and kube-root-ca.crt of a new namespace, and `kubectl drain` held back by a
 * PodDisruptionBudget until it allows the eviction.
 */
const CLUSTER = "svc-eks";

describe("Services, endpoints and disruption budgets with kubectl", () => {
  let t: TestEnv;
  const aws = (...args: string[]) => run("aws", [...args, "--output", "json"], t.env);
  const kubectl = (...args: string[]) => run(kubectlBinary(), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);
  const ok = async (...args: string[]) => {
    const r = await kubectl(...args);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  /** Polls (real time, bounded) until `check` passes; the components run on the system clock. */
  const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  before(async () => {
    t = await startTestMinieks("ap-northeast-2");
    const subnets = JSON.parse((await aws("ec2", "describe-subnets")).stdout).Subnets as { SubnetId: string; AvailabilityZone: string }[];
    const ids = [...new Map(subnets.map((s) => [s.AvailabilityZone, s.SubnetId])).values()].slice(0, 3);
    const created = await aws("eks", "create-cluster", "--name", CLUSTER, "--role-arn", "arn:aws:iam::000000000000:role/eks", "--resources-vpc-config", `subnetIds=${ids.join(",")}`);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await run("aws", ["eks", "wait", "cluster-active", "--name", CLUSTER], t.env)).code, 0);
    assert.equal((await run("aws", ["eks", "update-kubeconfig", "--name", CLUSTER], t.env)).code, 0);
    const ng = await aws(
      "eks", "create-nodegroup", "--cluster-name", CLUSTER, "--nodegroup-name", "ng1", "--node-role", "arn:aws:iam::000000000000:role/node",
      "--subnets", ...ids, "--instance-types", "t3.medium", "--scaling-config", "minSize=3,maxSize=3,desiredSize=3",
    );
    assert.equal(ng.code, 0, ng.stderr);
    assert.equal((await run("aws", ["eks", "wait", "nodegroup-active", "--cluster-name", CLUSTER, "--nodegroup-name", "ng1"], t.env)).code, 0);
  });
  after(async () => t.close());

  it("allocates ClusterIPs and node ports from EKS's ranges", { timeout: 60_000 }, async () => {
    const svcs = await ok("get", "svc", "-A", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.clusterIP} {end}");
    assert.match(svcs, /kubernetes=10\.100\.0\.1 /);
    assert.match(svcs, /kube-dns=10\.100\.0\.10 /);
    const manifest = join(t.dir, "dns2.yaml");
    writeFileSync(manifest, "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns2\nspec:\n  clusterIP: 10.100.0.10\n  ports:\n  - port: 53\n");
    const taken = await kubectl("create", "-f", manifest);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /The Service "dns2" is invalid: spec\.clusterIPs: Invalid value: \[\]string\{"10\.100\.0\.10"\}: failed to allocate IP 10\.100\.0\.10: provided IP is already allocated/);
    await ok("create", "service", "nodeport", "web-np", "--tcp=80:8080");
    const nodePort = Number(await ok("get", "svc", "web-np", "-o", "jsonpath={.spec.ports[0].nodePort}"));
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `node port ${nodePort}`);
  });

  it("lists a Deployment's pods in Endpoints and EndpointSlices", { timeout: 90_000 }, async () => {
    await ok("create", "deployment", "web", "--image=nginx", "--replicas=3");
    await ok("expose", "deployment", "web", "--port=80");
    assert.equal((await kubectl("rollout", "status", "deploy/web", "--timeout=60s")).code, 0);
    const podIps = async () => (await ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}")).split(" ").filter(Boolean).sort();
    await eventually("endpoints of web", async () => {
      const ips = (await ok("get", "endpoints", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}")).split(" ").filter(Boolean).sort();
      return ips.length === 3 && JSON.stringify(ips) === JSON.stringify(await podIps());
    });
    const slices = JSON.parse(await ok("get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json")).items as { metadata: { labels: Record<string, string> }; endpoints: unknown[] }[];
    assert.equal(slices.length, 1);
    assert.equal(slices[0]?.metadata.labels["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
    assert.equal(slices[0]?.endpoints.length, 3);
  });

  it("gives a new namespace its default ServiceAccount and kube-root-ca.crt", { timeout: 30_000 }, async () => {
    await ok("create", "namespace", "team-a");
    await eventually("default ServiceAccount", async () => (await kubectl("get", "sa", "default", "-n", "team-a")).code === 0);
    await eventually("kube-root-ca.crt", async () => (await kubectl("get", "configmap", "kube-root-ca.crt", "-n", "team-a", "-o", "jsonpath={.data.ca\\.crt}")).stdout.startsWith("-----BEGIN CERTIFICATE-----"));
  });

  it("holds kubectl drain back while a disruption budget forbids the eviction", { timeout: 90_000 }, async () => {
    await ok("create", "pdb", "web", "--selector=app=web", "--min-available=3");
    await eventually("the budget's status", async () => (await ok("get", "pdb", "web", "-o", "jsonpath={.status.expectedPods}")) === "3");
    const node = await ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].spec.nodeName}");
    const held = await kubectl("drain", node, "--ignore-daemonsets", "--timeout=6s");
    assert.notEqual(held.code, 0);
    assert.match(held.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
    await ok("patch", "pdb", "web", "--type=merge", "-p", '{"spec":{"minAvailable":2}}');
    await eventually("one disruption allowed", async () => (await ok("get", "pdb", "web", "-o", "jsonpath={.status.disruptionsAllowed}")) === "1");
    const drained = await kubectl("drain", node, "--ignore-daemonsets", "--timeout=30s");
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, /evicted/);
  });
});
