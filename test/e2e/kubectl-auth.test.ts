import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import Database from "better-sqlite3";
import { kubectlBinary, run, startTestMinieks, type RunResult, type TestEnv } from "./harness.js";

/**
 * Authentication and authorization as kubectl users meet them: RBAC roles and bindings made with
 * kubectl, `auth can-i` (with --as, -n, --list), upstream's Forbidden texts, `create token` and the
 * token used with --token, `auth whoami`, and a client certificate signed by the cluster CA.
 */
const CLUSTER = "auth";
const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A client certificate for CN=carol, O=devs signed by `ca`/`caKey` (or self-signed when no CA is given). */
async function clientCertificate(dir: string, name: string, ca?: { cert: x509.X509Certificate; key: webcrypto.CryptoKey }): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const common = {
    serialNumber: "0a1b2c3d",
    notBefore,
    notAfter: new Date(notBefore.getTime() + 24 * 3600_000),
    signingAlgorithm: RSA,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  };
  const cert = ca
    ? await x509.X509CertificateGenerator.create({ ...common, subject: "CN=carol, O=devs", issuer: ca.cert.subject, publicKey: keys.publicKey, signingKey: ca.key })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: "CN=mallory, O=system:masters", keys });
  const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
  const paths = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  writeFileSync(paths.cert, cert.toString("pem"));
  writeFileSync(paths.key, keyPem);
  return paths;
}

describe("kubectl and authentication/authorization", { timeout: 600_000 }, () => {
  let t: TestEnv;
  const aws = (...args: string[]) => run("aws", args, t.env);

  before(async () => {
    // sqlite, so the test can read the cluster CA's key from the stored PKI and sign a client certificate.
    t = await startTestMinieks("ap-northeast-2", { storage: "sqlite" });
    const subnets = JSON.parse((await aws("ec2", "describe-subnets", "--output", "json")).stdout).Subnets as { SubnetId: string }[];
    const create = await aws(
      "eks", "create-cluster", "--name", CLUSTER, "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster",
      "--resources-vpc-config", `subnetIds=${subnets[0]?.SubnetId},${subnets[1]?.SubnetId}`,
    );
    assert.equal(create.code, 0, create.stderr);
    assert.equal((await aws("eks", "wait", "cluster-active", "--name", CLUSTER)).code, 0);
    assert.equal((await aws("eks", "update-kubeconfig", "--name", CLUSTER)).code, 0);
  });
  after(async () => t?.close());

  for (const version of ["1.27", "1.33"]) {
    it(`kubectl ${version}: roles, bindings, can-i, Forbidden, tokens, whoami`, async () => {
      const ns = `auth-v${version.replace(".", "")}`;
      const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, `cache-${version}`), ...args], t.env);
      const ok = async (...args: string[]): Promise<string> => {
        const r = await kubectl(...args);
        assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
        return r.stdout;
      };
      const fails = async (args: string[]): Promise<RunResult> => {
        const r = await kubectl(...args);
        assert.notEqual(r.code, 0, `kubectl ${args.join(" ")} succeeded: ${r.stdout}`);
        return r;
      };

      assert.equal((await ok("create", "namespace", ns)).trim(), `namespace/${ns} created`);
      assert.equal((await ok("-n", ns, "create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods")).trim(), "role.rbac.authorization.k8s.io/pod-reader created");
      assert.equal((await ok("-n", ns, "create", "rolebinding", "alice-reads-pods", "--role=pod-reader", "--user=alice")).trim(), "rolebinding.rbac.authorization.k8s.io/alice-reads-pods created");
      assert.match(await ok("-n", ns, "get", "rolebinding", "alice-reads-pods", "-o", "wide"), /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\nalice-reads-pods\s+Role\/pod-reader\s+\S+\s+alice\s*$/m);
      assert.match(await ok("get", "clusterrole", "view"), /^NAME\s+CREATED AT\nview\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);

      // can-i, for the admin and, by impersonation, for alice.
      assert.equal((await ok("auth", "can-i", "create", "deployments")).trim(), "yes");
      assert.equal((await ok("auth", "can-i", "list", "pods", "--as", "alice", "-n", ns)).trim(), "yes");
      assert.equal((await fails(["auth", "can-i", "delete", "pods", "--as", "alice", "-n", ns])).stdout.trim(), "no");
      assert.equal((await fails(["auth", "can-i", "list", "pods", "--as", "alice", "-n", "default"])).stdout.trim(), "no");
      assert.equal((await ok("auth", "can-i", "get", "/version", "--as", "alice")).trim(), "yes");
      const list = await ok("auth", "can-i", "--list", "--as", "alice", "-n", ns);
      assert.match(list, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
      assert.match(list, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
      assert.match(list, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
      assert.match(list, /^\s+\[\/version\]\s+\[\]\s+\[get\]$/m);

      // What alice sees when a request is refused.
      assert.equal((await ok("-n", ns, "get", "pods", "--as", "alice")).trim(), "");
      const denied = await fails(["-n", ns, "get", "secrets", "--as", "alice"]);
      assert.equal(denied.stderr.trim(), `Error from server (Forbidden): secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "${ns}"`);
      const escalate = await fails(["-n", ns, "create", "rolebinding", "alice-admin", "--clusterrole=admin", "--user=alice", "--as", "alice"]);
      assert.match(escalate.stderr, /rolebindings\.rbac\.authorization\.k8s\.io is forbidden: User "alice" cannot create resource "rolebindings" in API group "rbac\.authorization\.k8s\.io" in the namespace/);
      // The admin may impersonate anyone, system:masters included.
      await ok("-n", ns, "get", "secrets", "--as", "bob", "--as-group", "system:masters");

      // whoami: 1.27 asks authentication.k8s.io/v1beta1 (and v1alpha1), which a 1.34 API server does not serve.
      if (version === "1.27") {
        const whoami = await fails(["auth", "whoami"]);
        assert.match(whoami.stderr, /the selfsubjectreviews API is not enabled in the cluster/);
      } else {
        assert.match(await ok("auth", "whoami"), /^Groups\s+\[system:masters system:authenticated\]$/m);
        const asAlice = await ok("auth", "whoami", "--as", "alice", "--as-group", "devs");
        assert.match(asAlice, /^ATTRIBUTE\s+VALUE\nUsername\s+alice\nGroups\s+\[devs system:authenticated\]$/m);
      }

      // A service-account token from `kubectl create token`, used as a bearer token.
      let created = "";
      for (let i = 0; i < 50 && !created; i++) {
        const r = await kubectl("-n", ns, "create", "token", "default");
        if (r.code === 0) created = r.stdout.trim();
        else assert.match(r.stderr, /serviceaccounts "default" not found/, r.stderr);
      }
      assert.match(created, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      const claims = JSON.parse(Buffer.from(created.split(".")[1] ?? "", "base64url").toString("utf8")) as { iss: string; sub: string; aud: string[] };
      assert.match(claims.iss, /^https:\/\/oidc\.eks\.ap-northeast-2\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
      assert.equal(claims.sub, `system:serviceaccount:${ns}:default`);
      assert.deepEqual(claims.aud, ["https://kubernetes.default.svc"]);
      const asToken = (...args: string[]) => kubectl(`--token=${created}`, ...args);
      const saDenied = await asToken("-n", ns, "get", "pods");
      assert.equal(saDenied.stderr.trim(), `Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:${ns}:default" cannot list resource "pods" in API group "" in the namespace "${ns}"`);
      assert.equal((await asToken("auth", "can-i", "create", "selfsubjectaccessreviews.authorization.k8s.io")).stdout.trim(), "yes");
      const cannotImpersonate = await asToken("get", "pods", "--as", "alice");
      assert.equal(
        cannotImpersonate.stderr.trim(),
        `Error from server (Forbidden): users "alice" is forbidden: User "system:serviceaccount:${ns}:default" cannot impersonate resource "users" in API group "" at the cluster scope`,
      );
      if (version !== "1.27") {
        const whoami = await asToken("auth", "whoami");
        assert.equal(whoami.code, 0, whoami.stderr);
        assert.match(whoami.stdout, new RegExp(`^Username\\s+system:serviceaccount:${ns}:default$`, "m"));
        assert.match(whoami.stdout, new RegExp(`^Groups\\s+\\[system:serviceaccounts system:serviceaccounts:${ns} system:authenticated\\]$`, "m"));
      }
      const tooShort = await fails(["-n", ns, "create", "token", "default", "--duration=5m"]);
      assert.match(tooShort.stderr, /spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
    });
  }

  it("authenticates a client certificate signed by the cluster CA as CN/O; refuses others", async () => {
    const db = new Database(join(t.dir, "data", "state.db"), { readonly: true });
    const row = db.prepare("SELECT value FROM kv WHERE name LIKE '/k8s/%/pki' ORDER BY id DESC LIMIT 1").get() as { value: Buffer };
    db.close();
    const pki = JSON.parse(row.value.toString("utf8")) as { caCertificate: string; caKey: string };
    const caKey = await webcrypto.subtle.importKey("pkcs8", x509.PemConverter.decodeFirst(pki.caKey), RSA, false, ["sign"]);
    const carol = await clientCertificate(t.dir, "carol", { cert: new x509.X509Certificate(pki.caCertificate), key: caKey });
    const mallory = await clientCertificate(t.dir, "mallory");
    const kubectl = (...args: string[]) => run(kubectlBinary("1.33"), ["--cache-dir", join(t.dir, "cache-cert"), ...args], t.env);
    for (const [user, paths] of [["carol", carol], ["mallory", mallory]] as const) {
      const set = await kubectl("config", "set-credentials", user, `--client-certificate=${paths.cert}`, `--client-key=${paths.key}`, "--embed-certs");
      assert.equal(set.code, 0, set.stderr);
    }
    const whoami = await kubectl("--user=carol", "auth", "whoami");
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, /^Username\s+carol$/m);
    assert.match(whoami.stdout, /^Groups\s+\[devs system:authenticated\]$/m);
    assert.match(whoami.stdout, /^Extra: authentication\.kubernetes\.io\/credential-id\s+\[X509SHA256=[0-9a-f]{64}\]$/m);
    const denied = await kubectl("--user=carol", "get", "nodes");
    assert.equal(denied.stderr.trim(), 'Error from server (Forbidden): nodes is forbidden: User "carol" cannot list resource "nodes" in API group "" at the cluster scope');
    const untrusted = await kubectl("--user=mallory", "get", "nodes");
    assert.notEqual(untrusted.code, 0);
    assert.equal(untrusted.stderr.trim(), "error: You must be logged in to the server (Unauthorized)");
  });
});
