import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Deployments with the real kubectl (oldest and newest supported) against the workload
 * controllers and the garbage collector: create, rollout status, scale, set image, rollout
 * history/undo/restart, and delete with each --cascade mode. No kubelet runs in this scenario, so
 * the test plays the kubelet's part by patching pods/status Running and Ready with kubectl
 * (`--subresource=status`) while `kubectl rollout status` waits.
 */
for (const version of ["1.27", "1.33"]) {
  describe(`deployment rollouts with kubectl ${version}`, () => {
    let t: TestEnv;
    const name = `ro-${version.replace(".", "")}`;
    const aws = (...args: string[]) => run("aws", args, t.env);
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    // Parsed loosely on purpose: the assertions walk deep into objects of several kinds.
    const jsonOf = async (...args: string[]) => JSON.parse(await ok(...args, "-o", "json"));
    const podsOf = async (app: string) => (await jsonOf("get", "pods", "-l", `app=${app}`)).items as { metadata: { name: string; deletionTimestamp?: string; ownerReferences?: unknown[] }; status: { conditions?: { type: string; status: string }[] } }[];

    /** Plays the kubelet until `done` resolves: every pod not yet Ready is patched Running and Ready. */
    async function kubeletUntil<T>(app: string, done: Promise<T>): Promise<T> {
      let finished = false;
      const result = done.finally(() => (finished = true));
      while (!finished) {
        for (const pod of await podsOf(app)) {
          const ready = pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
          if (ready || pod.metadata.deletionTimestamp) continue;
          const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
          const status = { status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }] } };
          await kubectl("patch", "pod", pod.metadata.name, "--subresource=status", "--type=merge", "-p", JSON.stringify(status));
        }
        await Promise.race([result.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      return result;
    }

    const rolloutStatus = async (app: string) => {
      const r = await kubeletUntil(app, kubectl("rollout", "status", `deploy/${app}`, "--timeout=60s"));
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };

    async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
      for (let i = 0; i < 100; i++) {
        if (await check()) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.fail(`timed out waiting until ${what}`);
    }

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

    it("creates a deployment and waits for its rollout", async () => {
      assert.equal((await ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=3")).trim(), "deployment.apps/web created");
      assert.match(await rolloutStatus("web"), /deployment "web" successfully rolled out/);
      assert.match(await ok("get", "deploy", "web"), /^web\s+3\/3\s+3\s+3\s/m);
      const rs = (await jsonOf("get", "rs", "-l", "app=web")).items;
      assert.equal(rs.length, 1);
      const hash = rs[0].metadata.labels["pod-template-hash"];
      assert.equal(rs[0].metadata.name, `web-${hash}`);
      assert.match(await ok("get", "rs"), new RegExp(`^web-${hash}\\s+3\\s+3\\s+3\\s`, "m"));
      const pods = await podsOf("web");
      assert.equal(pods.length, 3);
      for (const pod of pods) assert.match(pod.metadata.name, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      const events = await ok("get", "events", "--field-selector", "reason=ScalingReplicaSet");
      assert.match(events, new RegExp(`Scaled up replica set web-${hash} from 0 to 3`));
    });

    it("scales, sets an image, shows history and rolls back", async () => {
      assert.equal((await ok("scale", "deploy/web", "--replicas=5")).trim(), "deployment.apps/web scaled");
      await rolloutStatus("web");
      assert.equal((await podsOf("web")).length, 5);

      assert.equal((await ok("set", "image", "deploy/web", "nginx=nginx:1.28")).trim(), "deployment.apps/web image updated");
      await rolloutStatus("web");
      await eventually("old pods gone", async () => (await podsOf("web")).length === 5);
      const history = await ok("rollout", "history", "deploy/web");
      assert.match(history, /^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/m);
      assert.match(await ok("rollout", "history", "deploy/web", "--revision=2"), /Image:\s+nginx:1\.28/);

      assert.equal((await ok("rollout", "undo", "deploy/web")).trim(), "deployment.apps/web rolled back");
      await rolloutStatus("web");
      const d = await jsonOf("get", "deploy", "web");
      assert.equal(d.spec.template.spec.containers[0].image, "nginx:1.27");
      assert.equal(d.metadata.annotations["deployment.kubernetes.io/revision"], "3");
      assert.match(await ok("rollout", "history", "deploy/web"), /^2\s+<none>\n3\s+<none>\n/m);
      assert.equal((await jsonOf("get", "rs", "-l", "app=web")).items.length, 2, "the undo reused the first ReplicaSet");
    });

    it("restarts a deployment: rollout restart rolls every pod", async () => {
      const before = new Set((await podsOf("web")).map((p) => p.metadata.name));
      assert.equal((await ok("rollout", "restart", "deploy/web")).trim(), "deployment.apps/web restarted");
      await rolloutStatus("web");
      await eventually("the old pods are replaced", async () => {
        const pods = await podsOf("web");
        return pods.length === 5 && pods.every((p) => !before.has(p.metadata.name));
      });
    });

    it("deletes with --cascade=orphan, foreground and background", async () => {
      for (const app of ["orph", "fg", "bg"]) await ok("create", "deployment", app, "--image=nginx", "--replicas=2");
      for (const app of ["orph", "fg", "bg"]) await eventually(`${app} pods`, async () => (await podsOf(app)).length === 2);

      assert.equal((await ok("delete", "deploy", "orph", "--cascade=orphan")).trim(), 'deployment.apps "orph" deleted');
      await eventually("orph gone", async () => (await kubectl("get", "deploy", "orph")).code !== 0);
      const orphanRs = (await jsonOf("get", "rs", "-l", "app=orph")).items;
      assert.equal(orphanRs.length, 1);
      assert.equal(orphanRs[0].metadata.ownerReferences, undefined);
      assert.equal((await podsOf("orph")).length, 2);

      // kubectl waits for a foreground deletion to finish: dependents first, then the deployment.
      assert.equal((await ok("delete", "deploy", "fg", "--cascade=foreground")).trim(), 'deployment.apps "fg" deleted');
      assert.equal((await podsOf("fg")).length, 0);
      assert.equal((await jsonOf("get", "rs", "-l", "app=fg")).items.length, 0);

      assert.equal((await ok("delete", "deploy", "bg", "--cascade=background")).trim(), 'deployment.apps "bg" deleted');
      await eventually("bg dependents gone", async () => (await podsOf("bg")).length === 0 && (await jsonOf("get", "rs", "-l", "app=bg")).items.length === 0);
    });
  });
}
