import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestCluster, createTestNodegroup, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * `kubectl debug` (pods/ephemeralcontainers), `kubectl exec` (refused honestly: no process backs a simulated
 * container) and `kubectl patch --subresource resize` (in-place resize), with the oldest and newest kubectl,
 * against one minieks with one node.
 */
const CLUSTER = "debug";

const podManifest = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: nginx:1.27
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: 100m, memory: 64Mi}
`;

describe("kubectl debug, exec and resize", () => {
  let t: TestEnv;

  before(async () => {
    t = await startTestMinieks("us-west-2");
    await createTestNodegroup(t, CLUSTER, "ng", await createTestCluster(t, CLUSTER));
  });
  after(async () => t.close());

  for (const version of ["1.27", "1.33"]) {
    it(`kubectl ${version}`, { timeout: 120_000 }, async () => {
      const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, `kube-cache-${version}`), ...args], t.env, 60_000);
      const ok = async (...args: string[]) => {
        const r = await kubectl(...args);
        assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
        return r.stdout;
      };
      const jsonpath = async (pod: string, path: string) => (await kubectl("get", "pod", pod, "-o", `jsonpath={${path}}`)).stdout;
      const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
        const deadline = Date.now() + timeoutMs;
        while (!(await check())) {
          if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };

      const pod = `web-${version.replace(".", "")}`;
      const file = join(t.dir, `${pod}.yaml`);
      writeFileSync(file, podManifest(pod));
      await ok("apply", "-f", file);
      await eventually(`${pod} running`, async () => (await jsonpath(pod, ".status.phase")) === "Running");

      // kubectl debug adds an ephemeral container through pods/ephemeralcontainers; the kubelet runs it.
      await ok("debug", pod, "--image=busybox", "-c", "debugger");
      await eventually("the debug container running", async () => (await jsonpath(pod, ".status.ephemeralContainerStatuses[0].state.running")) !== "");
      assert.equal(await jsonpath(pod, ".spec.ephemeralContainers[0].name"), "debugger");
      assert.match(await jsonpath(pod, ".status.ephemeralContainerStatuses[0].containerID"), /^containerd:\/\/[0-9a-f]{64}$/);
      assert.match(await ok("logs", pod, "-c", "debugger"), /minieks: container debugger started/);

      // exec has nothing to run in: an honest error, promptly, whether kubectl upgrades with SPDY or WebSockets.
      const started = Date.now();
      const exec = await kubectl("exec", pod, "-c", "app", "--", "ls", "/");
      assert.notEqual(exec.code, 0);
      assert.match(exec.stderr, /minieks simulates containers: no container runtime runs them, so container "app" of pod "web-\d+" has no process to exec into/);
      assert.ok(Date.now() - started < 20_000, "kubectl exec returned promptly");

      if (version === "1.33") {
        const patch = JSON.stringify({ spec: { containers: [{ name: "app", resources: { requests: { cpu: "200m" }, limits: { cpu: "200m" } } }] } });
        await ok("patch", "pod", pod, "--subresource", "resize", "--patch", patch);
        await eventually("the resize applied", async () => (await jsonpath(pod, ".status.containerStatuses[0].resources.requests.cpu")) === "200m");
        assert.equal(await jsonpath(pod, ".status.containerStatuses[0].resources.limits.cpu"), "200m");
        assert.equal(await jsonpath(pod, ".spec.containers[0].resources.requests.cpu"), "200m");
        assert.equal(await jsonpath(pod, ".status.qosClass"), "Guaranteed");
      }
    });
  }
});
