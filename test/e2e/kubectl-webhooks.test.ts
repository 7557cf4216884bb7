import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createClusterPki, type ClusterPki } from "../../src/cluster/pki.js";
import { RsaKeyPool } from "../../src/cluster/rsa-key-pool.js";
import { createTestCluster, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Admission webhooks with the oldest and newest kubectl: a local HTTPS webhook server (its own CA,
 * given as caBundle) behind a MutatingWebhookConfiguration that labels ConfigMaps and a
 * ValidatingWebhookConfiguration that denies those labelled deny=true; then the server stops and
 * failurePolicy decides. One minieks and one cluster serve both kubectl versions.
 */
const CLUSTER = "webhooks";
const LABEL = "webhooks.example.com/mutated";

type Review = { request: { uid: string; object?: { metadata?: { labels?: Record<string, string> } } } };

/** The webhook server: /mutate adds LABEL, /validate denies deny=true. */
function webhookHandler(path: string, review: Review): Record<string, unknown> {
  const labels = review.request.object?.metadata?.labels;
  if (path.startsWith("/mutate")) {
    const patch = labels
      ? [{ op: "add", path: `/metadata/labels/${LABEL.replace("/", "~1")}`, value: "true" }]
      : [{ op: "add", path: "/metadata/labels", value: { [LABEL]: "true" } }];
    return { uid: review.request.uid, allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64") };
  }
  if (labels?.deny === "true") return { uid: review.request.uid, allowed: false, status: { code: 403, reason: "Forbidden", message: "configmaps labelled deny=true are not allowed" } };
  return { uid: review.request.uid, allowed: true };
}

describe("kubectl: admission webhooks", () => {
  let t: TestEnv;
  let pki: ClusterPki;
  let server: Server | undefined;
  let port = 0;

  const startWebhookServer = async () => {
    server = createServer({ key: pki.servingKey, cert: pki.servingCertificate }, (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const answer = webhookHandler(req.url ?? "", JSON.parse(body) as Review);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: answer }));
      });
    });
    await new Promise<void>((resolve) => server?.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  };
  const stopWebhookServer = async () => {
    const running = server;
    if (!running) return;
    server = undefined;
    running.closeAllConnections();
    await new Promise<void>((resolve) => running.close(() => resolve()));
  };

  /** The two configurations, for the namespaces labelled webhooks=on (system controllers stay out of the test). */
  const configurations = (failurePolicy: "Fail" | "Ignore") => {
    const common = (path: string) => ({
      clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle: Buffer.from(pki.caCertificate).toString("base64") },
      rules: [{ operations: ["CREATE", "UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }],
      namespaceSelector: { matchLabels: { webhooks: "on" } },
      sideEffects: "None",
      admissionReviewVersions: ["v1"],
      failurePolicy,
    });
    return {
      apiVersion: "v1",
      kind: "List",
      items: [
        { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "label" }, webhooks: [{ name: "label.webhooks.example.com", ...common("/mutate") }] },
        { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "deny" }, webhooks: [{ name: "deny.webhooks.example.com", ...common("/validate") }] },
      ],
    };
  };

  before(async () => {
    t = await startTestMinieks("eu-west-2");
    pki = await createClusterPki(new Date(), new RsaKeyPool(2));
    await startWebhookServer();
    await createTestCluster(t, CLUSTER, 2);
  });
  after(async () => {
    await stopWebhookServer();
    await t.close();
  });

  for (const version of ["1.27", "1.33"]) {
    it(`kubectl ${version}: the mutating webhook labels, the validating one denies, and failurePolicy decides when the server is gone`, { timeout: 120_000 }, async () => {
      const ns = `team-${version.replace(".", "-")}`;
      const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, `kube-cache-${version}`), ...args], t.env);
      const ok = async (...args: string[]) => {
        const r = await kubectl(...args);
        assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
        return r;
      };
      const file = (name: string, content: unknown) => {
        const path = join(t.dir, `${version}-${name}.json`);
        writeFileSync(path, JSON.stringify(content));
        return path;
      };
      if (!server) await startWebhookServer();

      await ok("create", "namespace", ns);
      await ok("label", "namespace", ns, "webhooks=on");
      await ok("apply", "-f", file("fail", configurations("Fail")));

      const labels = (await ok("create", "configmap", "labelled", "-n", ns, "--from-literal=a=b", "-o", "jsonpath={.metadata.labels}")).stdout;
      assert.deepEqual(JSON.parse(labels), { [LABEL]: "true" });
      assert.equal((await ok("get", "configmap", "labelled", "-n", ns, "-o", `jsonpath={.metadata.labels.webhooks\\.example\\.com/mutated}`)).stdout, "true");

      const denied = await kubectl("create", "-f", file("denied", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "denied", namespace: ns, labels: { deny: "true" } } }));
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /Error from server \(Forbidden\): error when creating ".*denied\.json": admission webhook "deny\.webhooks\.example\.com" denied the request: configmaps labelled deny=true are not allowed/);
      const missing = await kubectl("get", "configmap", "denied", "-n", ns);
      assert.match(missing.stderr, /configmaps "denied" not found/);

      await stopWebhookServer();
      const refused = await kubectl("create", "configmap", "while-down", "-n", ns, "--from-literal=a=b");
      assert.notEqual(refused.code, 0);
      assert.ok(
        refused.stderr.includes(
          `Internal error occurred: failed calling webhook "label.webhooks.example.com": failed to call webhook: Post "https://127.0.0.1:${port}/mutate?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`,
        ),
        refused.stderr,
      );
      assert.match((await kubectl("get", "configmap", "while-down", "-n", ns)).stderr, /not found/);

      await ok("apply", "-f", file("ignore", configurations("Ignore")));
      const through = await ok("create", "configmap", "while-down", "-n", ns, "--from-literal=a=b", "-o", "jsonpath={.metadata.name}");
      assert.equal(through.stdout, "while-down");
    });
  }
});
