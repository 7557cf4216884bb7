import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestCluster, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * The published OpenAPI read by real kubectl: `explain` walks nested types of pods and
 * deployments (v3 documents), `--recursive` prints a whole small kind, api-resources lists the
 * kinds, and kubectl 1.27 (which downloads the protobuf /openapi/v2 on every apply and computes
 * strategic merge patches from it) applies and re-applies a Deployment without warnings.
 */
for (const version of ["1.27", "1.30", "1.33"]) {
  describe(`kubectl ${version} explain and OpenAPI`, () => {
    let t: TestEnv;
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r;
    };

    before(async () => {
      t = await startTestMinieks();
      await createTestCluster(t, `explain-${version.replace(".", "")}`);
    });
    after(async () => t.close());

    it("explains container resources inside a deployment's pod template", async () => {
      const { stdout } = await ok("explain", "deployment.spec.template.spec.containers.resources");
      assert.match(stdout, /KIND:\s+Deployment/);
      assert.match(stdout, /ResourceRequirements describes the compute resource requirements/);
      for (const field of ["claims", "limits", "requests"]) assert.match(stdout, new RegExp(`^\\s+${field}\\s`, "m"), field);
    });

    it("explains nested pod fields with their types and required markers", async () => {
      const ports = (await ok("explain", "pods.spec.containers.ports")).stdout;
      assert.match(ports, /containerPort\s+<integer> -required-/);
      assert.match(ports, /protocol\s+<string>/);
      const probe = (await ok("explain", "pod.spec.containers.livenessProbe.httpGet")).stdout;
      // IntOrString is printed as kubectl derives it from the schema (`<string>` from v3).
      assert.match(probe, /^\s+port\s+<(string|IntOrString)> -required-/m);
      const status = (await ok("explain", "pods.status.containerStatuses.state.terminated")).stdout;
      assert.match(status, /exitCode\s+<integer> -required-/);
      const affinity = (await ok("explain", "pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.matchExpressions")).stdout;
      assert.match(affinity, /operator\s+<string> -required-/);
      const strategy = (await ok("explain", "deploy.spec.strategy.rollingUpdate")).stdout;
      assert.match(strategy, /maxSurge\s+<(string|IntOrString)>/);
      const svc = (await ok("explain", "service.spec.ports")).stdout;
      assert.match(svc, /port\s+<integer> -required-/);
      const cron = (await ok("explain", "cronjob.spec.jobTemplate.spec.template.spec.restartPolicy")).stdout;
      assert.match(cron, /FIELD:\s+restartPolicy/);
    });

    it("explains a small kind recursively", async () => {
      const { stdout } = await ok("explain", "namespace", "--recursive");
      for (const line of [/^\s+spec\s+<NamespaceSpec>/m, /^\s+finalizers\s+<\[\]string>/m, /^\s+conditions\s+<\[\]NamespaceCondition>/m, /^\s+phase\s+<string>/m]) {
        assert.match(stdout, line);
      }
    });

    it("lists the kinds in api-resources", async () => {
      const { stdout } = await ok("api-resources");
      assert.match(stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
      assert.match(stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    });

    it("serves /openapi/v2 as JSON to a plain GET", async () => {
      const doc = JSON.parse((await ok("get", "--raw", "/openapi/v2")).stdout) as {
        swagger: string;
        definitions: Record<string, { "x-kubernetes-group-version-kind"?: unknown; properties?: Record<string, Record<string, unknown>> }>;
      };
      assert.equal(doc.swagger, "2.0");
      const dep = doc.definitions["io.k8s.api.apps.v1.Deployment"]!;
      assert.deepEqual(dep["x-kubernetes-group-version-kind"], [{ group: "apps", kind: "Deployment", version: "v1" }]);
      assert.equal(doc.definitions["io.k8s.api.core.v1.PodSpec"]!.properties!.containers!["x-kubernetes-patch-merge-key"], "name");
    });

    it("applies and re-applies a deployment, merging containers, without OpenAPI warnings", async () => {
      const manifest = (image: string, extra = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
        ports:
        - containerPort: 80
        resources:
          requests: {cpu: 100m, memory: 64Mi}
${extra}`;
      const file = join(t.dir, "web.yaml");
      writeFileSync(file, manifest("nginx:1"));
      const first = await ok("apply", "-f", file);
      assert.match(first.stdout, /deployment.apps\/web created/);
      writeFileSync(file, manifest("nginx:2", "      - name: sidecar\n        image: busybox\n"));
      const second = await ok("apply", "-f", file);
      assert.match(second.stdout, /deployment.apps\/web configured/);
      assert.doesNotMatch(second.stderr, /warning|error/i);
      const dep = JSON.parse((await ok("get", "deploy", "web", "-o", "json")).stdout) as { spec: { template: { spec: { containers: { name: string; image: string }[] } } } };
      assert.deepEqual(
        dep.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`),
        ["app=nginx:2", "sidecar=busybox"],
      );
    });

    if (version === "1.27") {
      it("explains from the protobuf OpenAPI v2 when asked", async () => {
        const { stdout } = await ok("explain", "pods.spec.containers.env", "--output=plaintext-openapiv2");
        assert.match(stdout, /KIND:\s+Pod/);
        assert.match(stdout, /valueFrom\s+<Object>/);
      });
    }
  });
}
