import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * The walking-skeleton scenario with unmodified clients: the aws CLI creates an EKS cluster,
 * update-kubeconfig writes a context whose token comes from `aws eks get-token`, and kubectl
 * (oldest, default and newest supported versions) works with the cluster's API server.
 */
const POD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
`;

for (const version of ["1.27", undefined, "1.33"]) {
  describe(`EKS cluster with the aws CLI and kubectl ${version ?? "(PATH)"}`, () => {
    let t: TestEnv;
    const name = `myeks-${(version ?? "path").replace(".", "")}`;
    const aws = (...args: string[]) => run("aws", args, t.env);
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);

    before(async () => {
      t = await startTestMinieks();
      writeFileSync(join(t.dir, "pod.yaml"), POD_YAML);
    });
    after(async () => t.close());

    it("runs the whole lifecycle", async () => {
      const subnets = await aws("ec2", "describe-subnets", "--output", "json");
      assert.equal(subnets.code, 0, subnets.stderr);
      const list = JSON.parse(subnets.stdout).Subnets as { SubnetId: string; AvailabilityZone: string; CidrBlock: string; DefaultForAz: boolean }[];
      assert.deepEqual(list.map((s) => s.AvailabilityZone), ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"]);
      assert.ok(list.every((s) => s.DefaultForAz && s.CidrBlock.startsWith("172.31.")));

      const create = await aws(
        "eks", "create-cluster", "--name", name, "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster",
        "--resources-vpc-config", `subnetIds=${list[0]?.SubnetId},${list[1]?.SubnetId}`, "--kubernetes-version", "1.34",
      );
      assert.equal(create.code, 0, create.stderr);
      const created = JSON.parse(create.stdout).cluster;
      assert.equal(created.status, "CREATING");
      assert.equal(created.arn, `arn:aws:eks:ap-northeast-2:000000000000:cluster/${name}`);

      // EKS puts a control-plane ENI in each of two cluster subnets: one address fewer in each.
      const counts = await aws("ec2", "describe-subnets", "--subnet-ids", list[0]?.SubnetId ?? "", list[1]?.SubnetId ?? "", "--query", "Subnets[].AvailableIpAddressCount", "--output", "json");
      assert.deepEqual(JSON.parse(counts.stdout), [4096 - 5 - 1, 4096 - 5 - 1]);

      const status = await aws("eks", "describe-cluster", "--name", name, "--query", "cluster.status", "--output", "text");
      assert.match(status.stdout.trim(), /^(CREATING|ACTIVE)$/);
      const wait = await aws("eks", "wait", "cluster-active", "--name", name);
      assert.equal(wait.code, 0, wait.stderr);
      const described = JSON.parse((await aws("eks", "describe-cluster", "--name", name)).stdout).cluster;
      assert.equal(described.status, "ACTIVE");
      assert.match(described.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.match(Buffer.from(described.certificateAuthority.data, "base64").toString(), /^-----BEGIN CERTIFICATE-----/);
      assert.equal(described.kubernetesNetworkConfig.serviceIpv4Cidr, "10.100.0.0/16");

      const kubeconfig = await aws("eks", "update-kubeconfig", "--name", name);
      assert.equal(kubeconfig.code, 0, kubeconfig.stderr);

      const info = await kubectl("cluster-info");
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stdout, new RegExp(`Kubernetes control plane.* is running at .*${described.endpoint.replace(/\./g, "\\.")}`));

      const ns = await kubectl("get", "ns");
      assert.equal(ns.code, 0, ns.stderr);
      assert.match(ns.stdout, /^NAME\s+STATUS\s+AGE\n/);
      for (const n of ["default", "kube-node-lease", "kube-public", "kube-system"]) assert.match(ns.stdout, new RegExp(`^${n}\\s+Active\\s+`, "m"));

      assert.equal((await kubectl("create", "ns", "demo")).stdout.trim(), "namespace/demo created");
      const cm = await kubectl("-n", "demo", "create", "configmap", "c", "--from-literal=a=b");
      assert.equal(cm.code, 0, cm.stderr);
      assert.equal(cm.stdout.trim(), "configmap/c created");
      const yaml = await kubectl("-n", "demo", "get", "cm", "c", "-o", "yaml");
      assert.match(yaml.stdout, /^data:\n {2}a: b$/m);
      assert.match(yaml.stdout, /resourceVersion: "\d+"/);
      assert.match(yaml.stdout, /uid: [0-9a-f-]{36}/);

      const apply = await kubectl("-n", "demo", "apply", "-f", join(t.dir, "pod.yaml"));
      assert.equal(apply.code, 0, apply.stderr);
      assert.equal(apply.stdout.trim(), "pod/web created");
      const pods = await kubectl("get", "pods", "-A", "-o", "wide");
      assert.equal(pods.code, 0, pods.stderr);
      assert.match(pods.stdout, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/);
      assert.match(pods.stdout, /^demo\s+web\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s+<none>\s+<none>$/m);

      const del = await kubectl("delete", "ns", "demo");
      assert.equal(del.code, 0, del.stderr);
      assert.equal(del.stdout.trim(), 'namespace "demo" deleted');
      const gone = await kubectl("get", "ns", "demo");
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /Error from server \(NotFound\): namespaces "demo" not found/);

      const deleteCluster = await aws("eks", "delete-cluster", "--name", name);
      assert.equal(deleteCluster.code, 0, deleteCluster.stderr);
      assert.equal(JSON.parse(deleteCluster.stdout).cluster.status, "DELETING");
      const deleted = await aws("eks", "wait", "cluster-deleted", "--name", name);
      assert.equal(deleted.code, 0, deleted.stderr);
      const missing = await aws("eks", "describe-cluster", "--name", name);
      assert.match(missing.stderr, /ResourceNotFoundException/);
    });
  });
}
