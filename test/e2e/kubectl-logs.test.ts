import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createTestCluster, createTestNodegroup, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * `kubectl logs` against simulated pods, with the oldest and newest kubectl: the deterministic lines
 * of a running and of a finished container, --tail/--timestamps/--previous, the kubelet's errors,
 * and -f streaming over the cluster's HTTPS endpoint until the container ends.
 */
const CLUSTER = "logs";

for (const version of ["1.27", "1.33"]) {
  describe(`kubectl ${version} logs`, () => {
    let t: TestEnv;
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const phase = async (pod: string) => (await kubectl("get", "pod", pod, "-o", "jsonpath={.status.phase}")).stdout;

    before(async () => {
      t = await startTestMinieks("us-west-2");
      await createTestNodegroup(t, CLUSTER, "ng", await createTestCluster(t, CLUSTER));
    });
    after(async () => t.close());

    it("shows what the container did, with the kubelet's options and errors", { timeout: 120_000 }, async () => {
      await ok("run", "web", "--image=nginx:1.27");
      await ok("run", "job", "--image=busybox:1.36", "--restart=Never", "--annotations=minieks.io/exit-code=3");
      await ok("run", "crash", "--image=busybox:1.36", "--annotations=minieks.io/crash=true");
      await eventually("web running", async () => (await phase("web")) === "Running");
      await eventually("job failed", async () => (await phase("job")) === "Failed");

      assert.equal(await ok("logs", "web"), "minieks: container web started (image nginx:1.27)\n");
      assert.equal(await ok("logs", "job"), "minieks: container job started (image busybox:1.36)\nminieks: container job exited with code 3\n");
      assert.equal(await ok("logs", "job", "--tail=1"), "minieks: container job exited with code 3\n");
      assert.match(await ok("logs", "web", "--timestamps"), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000000Z minieks: container web started \(image nginx:1\.27\)\n$/);
      await eventually("crash restarted", async () => (await kubectl("logs", "crash", "--previous")).code === 0);
      assert.match(await ok("logs", "crash", "--previous"), /^minieks: container crash started \(image busybox:1\.36, restart \d+\)\nminieks: container crash exited with code 1\n$/);

      const previous = await kubectl("logs", "web", "--previous");
      assert.notEqual(previous.code, 0);
      assert.match(previous.stderr, /previous terminated container "web" in pod "web" not found/);
      const missing = await kubectl("logs", "web", "-c", "sidecar");
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /container sidecar is not valid for pod web|container sidecar not found in pod web/);
    });

    it("-f streams until the container ends", { timeout: 120_000 }, async () => {
      await ok("run", "short", "--image=busybox:1.36", "--restart=Never", "--annotations=minieks.io/run-for=3s");
      await eventually("short running", async () => (await phase("short")) === "Running");
      const child = spawn(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), "logs", "-f", "short"], { env: t.env });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill(), 30_000);
        child.on("close", (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      assert.equal(code, 0, "kubectl logs -f returned by itself when the container ended");
      assert.equal(out, "minieks: container short started (image busybox:1.36)\nminieks: container short exited with code 0\n");
    });
  });
}
