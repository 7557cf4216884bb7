import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createTestCluster, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Everyday kubectl against one cluster, with the oldest, a middle and the newest supported kubectl:
 * every typed `create` (1.32+ send protobuf bodies), label and annotate, and `get -w` seeing
 * changes arrive.
 */
for (const version of ["1.27", "1.30", "1.33"]) {
  describe(`everyday kubectl ${version}`, () => {
    let t: TestEnv;
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout.trim();
    };

    before(async () => {
      t = await startTestMinieks();
      await createTestCluster(t, `everyday-${version.replace(".", "")}`);
    });
    after(async () => t.close());

    it("runs every typed create", async () => {
      const tls = await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=web.example.com",
        "-keyout", join(t.dir, "tls.key"), "-out", join(t.dir, "tls.crt")], t.env);
      assert.equal(tls.code, 0, tls.stderr);
      const creates: [string[], string][] = [
        [["create", "namespace", "team"], "namespace/team created"],
        [["create", "deployment", "web", "--image=nginx", "-n", "team"], "deployment.apps/web created"],
        [["create", "job", "once", "--image=busybox", "-n", "team"], "job.batch/once created"],
        [["create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "-n", "team"], "cronjob.batch/tick created"],
        [["create", "service", "clusterip", "web", "--tcp=80:8080", "-n", "team"], "service/web created"],
        [["create", "service", "nodeport", "web-np", "--tcp=80:8080", "-n", "team"], "service/web-np created"],
        [["create", "service", "loadbalancer", "web-lb", "--tcp=80:8080", "-n", "team"], "service/web-lb created"],
        [["create", "service", "externalname", "ext", "--external-name=example.com", "-n", "team"], "service/ext created"],
        [["create", "secret", "generic", "creds", "--from-literal=user=admin", "-n", "team"], "secret/creds created"],
        [["create", "secret", "tls", "web-tls", `--cert=${join(t.dir, "tls.crt")}`, `--key=${join(t.dir, "tls.key")}`, "-n", "team"], "secret/web-tls created"],
        [["create", "secret", "docker-registry", "pull", "--docker-server=r.example.com", "--docker-username=u", "--docker-password=p", "-n", "team"], "secret/pull created"],
        [["create", "configmap", "settings", "--from-literal=a=1", "-n", "team"], "configmap/settings created"],
        [["create", "serviceaccount", "robot", "-n", "team"], "serviceaccount/robot created"],
        [["create", "role", "reader", "--verb=get,list", "--resource=pods", "-n", "team"], "role.rbac.authorization.k8s.io/reader created"],
        [["create", "rolebinding", "reader", "--role=reader", "--serviceaccount=team:robot", "-n", "team"], "rolebinding.rbac.authorization.k8s.io/reader created"],
        [["create", "clusterrole", "node-reader", "--verb=get,list", "--resource=nodes"], "clusterrole.rbac.authorization.k8s.io/node-reader created"],
        [["create", "clusterrolebinding", "node-reader", "--clusterrole=node-reader", "--user=alice"], "clusterrolebinding.rbac.authorization.k8s.io/node-reader created"],
        [["create", "quota", "compute", "--hard=pods=20,requests.cpu=4", "-n", "team"], "resourcequota/compute created"],
        [["create", "priorityclass", "high", "--value=1000", "--description=important"], "priorityclass.scheduling.k8s.io/high created"],
        [["create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=1", "-n", "team"], "poddisruptionbudget.policy/web created"],
        [["create", "ingress", "web", "--rule=web.example.com/*=web:80", "-n", "team"], "ingress.networking.k8s.io/web created"],
      ];
      for (const [args, expected] of creates) assert.equal(await ok(...args), expected);

      const token = await ok("create", "token", "robot", "-n", "team", "--duration=10m");
      assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      const svc = JSON.parse(await ok("get", "svc", "web-np", "-n", "team", "-o", "json"));
      assert.match(svc.spec.clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
      assert.ok(svc.spec.ports[0].nodePort >= 30000 && svc.spec.ports[0].nodePort <= 32767, JSON.stringify(svc.spec.ports));
      const secret = JSON.parse(await ok("get", "secret", "web-tls", "-n", "team", "-o", "json"));
      assert.equal(secret.type, "kubernetes.io/tls");
      assert.ok(secret.data["tls.crt"] && secret.data["tls.key"]);
      assert.match(await ok("get", "pdb", "web", "-n", "team"), /^web\s+1\s+N\/A\s+\d+\s/m);
      assert.match(await ok("get", "quota", "compute", "-n", "team"), /^compute\s+pods: \d+\/20, requests\.cpu: [\dm]+\/4\s+\d+s$/m);
    });

    it("labels and annotates, and selects by label", async () => {
      await ok("create", "configmap", "tagged", "--from-literal=x=1");
      assert.equal(await ok("label", "configmap", "tagged", "tier=gold"), "configmap/tagged labeled");
      // kubectl 1.27 says "annotate", later ones "annotated".
      assert.match(await ok("annotate", "configmap", "tagged", "owner=platform"), /^configmap\/tagged annotated?$/);
      const refused = await kubectl("label", "configmap", "tagged", "tier=silver");
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /'tier' already has a value \(gold\), and --overwrite is false/);
      assert.equal(await ok("label", "configmap", "tagged", "tier=silver", "--overwrite"), "configmap/tagged labeled");
      assert.equal(await ok("get", "configmap", "-l", "tier=silver", "-o", "name"), "configmap/tagged");
      assert.equal(await ok("label", "configmap", "tagged", "tier-"), "configmap/tagged unlabeled");
      const cm = JSON.parse(await ok("get", "configmap", "tagged", "-o", "json"));
      assert.equal(cm.metadata.labels?.tier, undefined);
      assert.equal(cm.metadata.annotations.owner, "platform");
    });

    it("watches changes arrive with get -w", async () => {
      await ok("create", "configmap", "watched", "--from-literal=v=0");
      const child = spawn(kubectlBinary(version), ["--cache-dir", join(t.dir, "kube-cache"), "get", "configmap", "watched", "-w", "--output-watch-events", "-v=6"], { env: t.env });
      let out = "";
      let log = "";
      child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString("utf8")));
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
      /** Polls (bounded) until kubectl has printed a line matching `pattern`. */
      const seen = async (pattern: RegExp) => {
        for (let i = 0; i < 400 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
        assert.match(out, pattern);
      };
      try {
        // The DATA column counts the keys.
        await seen(/ADDED\s+watched\s+1\s/);
        // -v=6 logs the watch request once its response has started: from then on, changes arrive as events.
        for (let i = 0; i < 400 && !/watch=true/.test(log); i++) await new Promise((r) => setTimeout(r, 50));
        assert.match(log, /watch=true/);
        await ok("patch", "configmap", "watched", "-p", '{"data":{"w":"1"}}');
        await seen(/MODIFIED\s+watched\s+2\s/);
        await ok("delete", "configmap", "watched");
        await seen(/DELETED\s+watched\s+2\s/);
      } finally {
        child.kill();
      }
    });
  });
}
