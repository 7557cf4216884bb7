import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createTestCluster, createTestNodegroup, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Admission and metrics with the oldest and newest kubectl: a LimitRange's defaults on a pod,
 * ResourceQuota refusals and `get`/`describe quota`, Pod Security refusals and warnings, and
 * `kubectl top` over metrics.k8s.io from a node group's simulated usage.
 */
const CLUSTER = "admission";

for (const version of ["1.27", "1.33"]) {
  describe(`kubectl ${version}: admission and metrics`, () => {
    let t: TestEnv;
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r;
    };
    const apply = (yaml: string, ...args: string[]) => run("sh", ["-c", `cat <<'EOF' | "$KUBECTL" --cache-dir "$CACHE" apply -f - ${args.join(" ")}\n${yaml}\nEOF`], { ...t.env, KUBECTL: kubectlBinary(version), CACHE: join(t.dir, "kube-cache") });
    const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    before(async () => {
      t = await startTestMinieks("eu-west-1");
      await createTestNodegroup(t, CLUSTER, "ng", await createTestCluster(t, CLUSTER));
    });
    after(async () => t.close());

    it("LimitRange defaults show on the pod; quota refusals use upstream's words; get/describe quota show usage", { timeout: 120_000 }, async () => {
      await ok("create", "namespace", "team");
      const limits = await apply(
        ["apiVersion: v1", "kind: LimitRange", "metadata: {name: defaults, namespace: team}", "spec:", "  limits:", "  - type: Container", "    default: {cpu: 500m, memory: 256Mi}", "    defaultRequest: {cpu: 250m, memory: 128Mi}", "    max: {cpu: '1'}"].join("\n"),
      );
      assert.equal(limits.code, 0, limits.stderr);
      await ok("create", "quota", "compute", "-n", "team", "--hard=requests.cpu=600m,pods=5");
      await eventually("the quota has usage", async () => (await kubectl("get", "quota", "compute", "-n", "team", "-o", "jsonpath={.status.used.pods}")).stdout === "0");

      await ok("run", "web", "-n", "team", "--image=nginx");
      const resources = JSON.parse((await ok("get", "pod", "web", "-n", "team", "-o", "jsonpath={.spec.containers[0].resources}")).stdout) as unknown;
      assert.deepEqual(resources, { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "250m", memory: "128Mi" } });
      const annotation = (await ok("get", "pod", "web", "-n", "team", "-o", "jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}")).stdout;
      assert.equal(annotation, "LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web");

      await ok("run", "api", "-n", "team", "--image=nginx");
      const refused = await kubectl("run", "third", "-n", "team", "--image=nginx");
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Error from server \(Forbidden\): pods "third" is forbidden: exceeded quota: compute, requested: requests\.cpu=250m, used: requests\.cpu=500m, limited: requests\.cpu=600m/);
      const tooBig = await apply(
        ["apiVersion: v1", "kind: Pod", "metadata: {name: big, namespace: team}", "spec:", "  containers:", "  - name: c", "    image: nginx", "    resources: {limits: {cpu: '2'}}"].join("\n"),
      );
      assert.notEqual(tooBig.code, 0);
      assert.match(tooBig.stderr, /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);

      const table = (await ok("get", "quota", "-n", "team")).stdout;
      assert.match(table, /^NAME\s+AGE\s+REQUEST\s+LIMIT\n|^NAME\s+REQUEST\s+LIMIT\s+AGE\n/);
      assert.match(table, /compute\s+.*pods: 2\/5, requests\.cpu: 500m\/600m/);
      const described = (await ok("describe", "quota", "compute", "-n", "team")).stdout;
      assert.match(described, /Resource\s+Used\s+Hard\n-+\s+-+\s+-+\npods\s+2\s+5\nrequests\.cpu\s+500m\s+600m/);

      await ok("delete", "pod", "api", "-n", "team", "--wait=false");
      await eventually("usage drops after the delete", async () => {
        const used = (await kubectl("get", "quota", "compute", "-n", "team", "-o", "jsonpath={.status.used.requests\\.cpu}")).stdout;
        return used === "250m";
      });
    });

    it("Pod Security: restricted refuses with upstream's message; warn shows kubectl's Warning", { timeout: 120_000 }, async () => {
      await ok("create", "namespace", "secure");
      await ok("label", "namespace", "secure", "pod-security.kubernetes.io/enforce=restricted");
      const refused = await kubectl("run", "x", "-n", "secure", "--image=nginx");
      assert.notEqual(refused.code, 0);
      assert.match(
        refused.stderr,
        /Error from server \(Forbidden\): pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "x" must set securityContext\.allowPrivilegeEscalation=false\), unrestricted capabilities \(container "x" must set securityContext\.capabilities\.drop=\["ALL"\]\), runAsNonRoot != true \(pod or container "x" must set securityContext\.runAsNonRoot=true\), seccompProfile \(pod or container "x" must set securityContext\.seccompProfile\.type to "RuntimeDefault" or "Localhost"\)/,
      );
      await ok("create", "namespace", "watched");
      await ok("label", "namespace", "watched", "pod-security.kubernetes.io/warn=baseline");
      const warned = await ok("run", "host", "-n", "watched", "--image=nginx", "--overrides", JSON.stringify({ spec: { hostNetwork: true } }));
      assert.match(warned.stderr, /Warning: would violate PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)/);
      const tighten = await ok("label", "namespace", "watched", "pod-security.kubernetes.io/enforce=baseline");
      assert.match(tighten.stderr, /Warning: existing pods in namespace "watched" violate the new PodSecurity enforce level "baseline:latest"/);
      assert.match(tighten.stderr, /Warning: host: host namespaces/);
    });

    it("kubectl top node and top pod read metrics.k8s.io", { timeout: 120_000 }, async () => {
      await ok("run", "busy", "--image=nginx", "--annotations=minieks.io/cpu-usage=250m", "--annotations=minieks.io/memory-usage=64Mi");
      await eventually("busy running", async () => (await kubectl("get", "pod", "busy", "-o", "jsonpath={.status.phase}")).stdout === "Running");
      const nodes = (await ok("top", "node")).stdout;
      assert.match(nodes, /^NAME\s+CPU\(cores\)\s+CPU(\(%\)|%)\s+MEMORY\(bytes\)\s+MEMORY(\(%\)|%)\s*\n/);
      assert.match(nodes, /ip-[0-9-]+\.eu-west-1\.compute\.internal\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
      const pods = (await ok("top", "pod", "busy")).stdout;
      assert.match(pods, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\nbusy\s+250m\s+64Mi\s*\n$/);
      const apiservice = (await ok("get", "apiservice", "v1beta1.metrics.k8s.io")).stdout;
      assert.match(apiservice, /v1beta1\.metrics\.k8s\.io\s+Local\s+True/);
    });

    it("kubectl autoscale: the HPA scales a Deployment on its pods' CPU", { timeout: 150_000 }, async () => {
      const deployment = await apply(
        [
          "apiVersion: apps/v1", "kind: Deployment", "metadata: {name: hot}", "spec:", "  replicas: 1", "  selector: {matchLabels: {app: hot}}", "  template:",
          "    metadata: {labels: {app: hot}, annotations: {minieks.io/cpu-usage: 200m}}", "    spec:", "      containers:", "      - name: c", "        image: nginx",
          "        resources: {requests: {cpu: 100m}}",
        ].join("\n"),
      );
      assert.equal(deployment.code, 0, deployment.stderr);
      await ok("autoscale", "deployment", "hot", "--cpu-percent=50", "--min=1", "--max=4");
      // Fresh pods' CPU samples count once a metrics window has passed since they became ready.
      await eventually("the HPA scaled to 4", async () => (await kubectl("get", "deploy", "hot", "-o", "jsonpath={.spec.replicas}")).stdout === "4", 120_000);
      const hpa = (await ok("get", "hpa", "hot")).stdout;
      assert.match(hpa, /hot\s+Deployment\/hot\s+cpu: 200%\/50%\s+1\s+4\s+\d+/);
      const described = (await ok("describe", "hpa", "hot")).stdout;
      assert.match(described, /SuccessfulRescale\s+.*New size: 4; reason: cpu resource utilization \(percentage of request\) above target/);
    });
  });
}
