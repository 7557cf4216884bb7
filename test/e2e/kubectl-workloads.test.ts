import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * apps/v1 and batch/v1 with the real kubectl (oldest and newest supported): typed creates
 * (protobuf bodies from 1.33), scale through autoscaling/v1 Scale, set image, rollout restart,
 * apply, get all, api-resources and explain. The controllers run but the cluster has no nodes, so
 * the Deployments' pods stay Pending and nothing becomes available; the assertions say exactly that.
 */
const deploymentYaml = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api}
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ${image}
`;

for (const version of ["1.27", "1.33"]) {
  describe(`apps/v1 and batch/v1 workloads with kubectl ${version}`, () => {
    let t: TestEnv;
    const name = `wl-${version.replace(".", "")}`;
    const aws = (...args: string[]) => run("aws", args, t.env);
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    // Parsed as any on purpose: the assertions walk deep into objects of several kinds.
    const jsonOf = async (...args: string[]) => JSON.parse(await ok(...args, "-o", "json"));

    before(async () => {
      t = await startTestMinieks();
      const subnets = JSON.parse((await aws("ec2", "describe-subnets", "--output", "json")).stdout).Subnets as { SubnetId: string }[];
      const create = await aws(
        "eks", "create-cluster", "--name", name, "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster",
        "--resources-vpc-config", `subnetIds=${subnets[0]?.SubnetId},${subnets[1]?.SubnetId}`,
      );
      assert.equal(create.code, 0, create.stderr);
      assert.equal((await aws("eks", "wait", "cluster-active", "--name", name)).code, 0);
      assert.equal((await aws("eks", "update-kubeconfig", "--name", name)).code, 0);
    });
    after(async () => t.close());

    it("creates, scales, updates and restarts a deployment", async () => {
      assert.equal((await ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")).trim(), "deployment.apps/web created");

      const get = await ok("get", "deploy");
      assert.match(get, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
      assert.match(get, /^web\s+0\/2\s+\d+\s+0\s+\d+s$/m);
      const wide = await ok("get", "deploy", "web", "-o", "wide");
      assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/);
      assert.match(wide, /^web\s+0\/2\s+\d+\s+0\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web$/m);

      const created = await jsonOf("get", "deploy", "web");
      assert.equal(created.metadata.generation, 1);
      assert.deepEqual(created.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } });
      assert.equal(created.spec.revisionHistoryLimit, 10);
      assert.equal(created.spec.progressDeadlineSeconds, 600);
      assert.equal(created.spec.template.spec.containers[0].imagePullPolicy, "IfNotPresent");

      assert.equal((await ok("scale", "deploy/web", "--replicas=5")).trim(), "deployment.apps/web scaled");
      const scaled = await jsonOf("get", "deploy", "web");
      assert.equal(scaled.spec.replicas, 5);
      assert.equal(scaled.metadata.generation, 2);
      assert.match(await ok("get", "deploy", "web"), /^web\s+0\/5\s+\d+\s+0\s/m);

      assert.equal((await ok("set", "image", "deploy/web", "nginx=nginx:1.28")).trim(), "deployment.apps/web image updated");
      const imaged = await jsonOf("get", "deploy", "web");
      assert.equal(imaged.spec.template.spec.containers[0].image, "nginx:1.28");
      assert.equal(imaged.metadata.generation, 3);

      assert.equal((await ok("rollout", "restart", "deploy/web")).trim(), "deployment.apps/web restarted");
      const restarted = await jsonOf("get", "deploy", "web");
      assert.match(restarted.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"], /^\d{4}-\d\d-\d\dT/);
      assert.equal(restarted.metadata.generation, 4);

      // The deployment controller made ReplicaSets and they made pods, which no node runs.
      assert.match(await ok("get", "rs", "-l", "app=web"), /^web-[a-z0-9]+\s+\d+\s+\d+\s+0\s/m);
      const pods = await ok("get", "pods", "-l", "app=web", "--no-headers");
      assert.ok(pods.trim().split("\n").length >= 1, pods);
      for (const line of pods.trim().split("\n")) assert.match(line, /^web-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+Pending\s/);
    });

    it("applies a deployment twice with a change", async () => {
      const file = join(t.dir, "api.yaml");
      writeFileSync(file, deploymentYaml("nginx:1.27"));
      assert.equal((await ok("apply", "-f", file)).trim(), "deployment.apps/api created");
      writeFileSync(file, deploymentYaml("nginx:1.28"));
      assert.equal((await ok("apply", "-f", file)).trim(), "deployment.apps/api configured");
      const applied = await jsonOf("get", "deploy", "api");
      assert.equal(applied.spec.template.spec.containers[0].image, "nginx:1.28");
      assert.equal(applied.spec.replicas, 3);
      assert.equal(applied.metadata.generation, 2);
      assert.ok(applied.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
      assert.equal((await ok("apply", "-f", file)).trim(), "deployment.apps/api unchanged");

      const refused = await kubectl("create", "deployment", "bad", "--image=nginx", "--dry-run=client", "-o", "json");
      const bad = JSON.parse(refused.stdout);
      bad.spec.template.metadata.labels = { app: "other" };
      const badFile = join(t.dir, "bad.json");
      writeFileSync(badFile, JSON.stringify(bad));
      const invalid = await kubectl("create", "-f", badFile);
      assert.notEqual(invalid.code, 0);
      assert.match(invalid.stderr, /spec\.template\.metadata\.labels: Invalid value: map\[string\]string\{"app":"other"\}: `selector` does not match template `labels`/);
    });

    it("creates a job and a cronjob, and lists them with get all", async () => {
      assert.equal((await ok("create", "job", "j", "--image=busybox")).trim(), "job.batch/j created");
      assert.equal((await ok("create", "cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *")).trim(), "cronjob.batch/cj created");

      const job = await jsonOf("get", "job", "j");
      assert.deepEqual(job.spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": job.metadata.uid } });
      assert.equal(job.spec.template.metadata.labels["job-name"], "j");
      assert.equal(job.spec.backoffLimit, 6);
      assert.equal(job.spec.template.spec.restartPolicy, "Never");

      // The server prints the table, so kubectl 1.27 shows the 1.32+ STATUS column too.
      assert.match(await ok("get", "jobs"), /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nj\s+Running\s+0\/1\s+\d+s\s+\d+s\n$/);
      const cronjobs = await ok("get", "cj");
      assert.match(cronjobs, /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
      assert.match(cronjobs, /^cj\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s$/m);

      const all = await ok("get", "all");
      assert.match(all, /^deployment\.apps\/web\s+0\/5\s+\d+\s+0\s/m);
      assert.match(all, /^deployment\.apps\/api\s+0\/3\s+\d+\s+0\s/m);
      assert.match(all, /^job\.batch\/j\s/m);
      assert.match(all, /^cronjob\.batch\/cj\s/m);
      assert.match(all, /^replicaset\.apps\/api-[a-z0-9]+\s/m);
      assert.match(all, /^pod\/api-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+Pending\s/m);
    });

    it("lists the apps group in api-resources and explains deployment.spec", async () => {
      const resources = await ok("api-resources", "--api-group=apps");
      assert.match(resources, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\n/);
      for (const line of [
        /^controllerrevisions\s+apps\/v1\s+true\s+ControllerRevision$/m,
        /^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m,
        /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m,
        /^replicasets\s+rs\s+apps\/v1\s+true\s+ReplicaSet$/m,
        /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m,
      ]) {
        assert.match(resources, line);
      }
      // Nested specs are open objects for now: explain describes spec but lists no fields under it.
      const explain = await ok("explain", "deployment.spec");
      assert.match(explain, /KIND:\s+Deployment/);
      assert.match(explain, /FIELD:\s+spec <(Object|DeploymentSpec)>/);
      assert.match(explain, /Specification of the desired behavior of the Deployment\./);
      const top = await ok("explain", "deployment");
      assert.match(top, /Deployment enables declarative updates for Pods and ReplicaSets\./);
      for (const field of ["apiVersion", "kind", "metadata", "spec", "status"]) assert.match(top, new RegExp(`^\\s+${field}\\s+<`, "m"));
    });
  });
}
