import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify, type JsonWebKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestCluster, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Service-account identity as kubectl users meet it: the issuer discovery documents
 * (`get --raw /.well-known/openid-configuration`, `/openid/v1/jwks`) whose key verifies the tokens
 * `kubectl create token` prints, and legacy secret-based tokens: a `kubernetes.io/service-account-token`
 * Secret gets its token from the controller, the token authenticates, and stops once the Secret is gone.
 */
const CLUSTER = "sa-tokens";

/** Polls a condition in real time (the server's controllers run on their own): up to ~10 s. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("kubectl and service-account tokens", { timeout: 300_000 }, () => {
  let t: TestEnv;
  let issuer = "";
  let caPem = "";

  before(async () => {
    t = await startTestMinieks("eu-west-1");
    await createTestCluster(t, CLUSTER);
    const described = await run("aws", ["eks", "describe-cluster", "--name", CLUSTER, "--output", "json"], t.env);
    assert.equal(described.code, 0, described.stderr);
    const cluster = JSON.parse(described.stdout).cluster as { identity: { oidc: { issuer: string } }; certificateAuthority: { data: string } };
    issuer = cluster.identity.oidc.issuer;
    caPem = Buffer.from(cluster.certificateAuthority.data, "base64").toString("utf8");
  });
  after(async () => t?.close());

  for (const version of ["1.27", "1.33"]) {
    it(`kubectl ${version}: issuer discovery, create token, legacy token Secrets`, async () => {
      const kubectl = (...args: string[]) => run(kubectlBinary(version), args, t.env);
      const ok = async (...args: string[]) => {
        const r = await kubectl(...args);
        assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
        return r.stdout;
      };
      const ns = `tokens-${version.replace(".", "-")}`;

      // Discovery: the DescribeCluster issuer, and the key that verifies the cluster's tokens.
      const config = JSON.parse(await ok("get", "--raw", "/.well-known/openid-configuration")) as Record<string, unknown>;
      assert.deepEqual(Object.keys(config), ["issuer", "jwks_uri", "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"]);
      assert.equal(config.issuer, issuer);
      // As on EKS: the API server instance's private DNS name (unreachable; IRSA clients use <issuer>/keys).
      assert.match(String(config.jwks_uri), /^https:\/\/ip-\d+-\d+-\d+-\d+\.eu-west-1\.compute\.internal:443\/openid\/v1\/jwks$/);
      assert.deepEqual([config.response_types_supported, config.subject_types_supported, config.id_token_signing_alg_values_supported], [["id_token"], ["public"], ["RS256"]]);
      const jwks = JSON.parse(await ok("get", "--raw", "/openid/v1/jwks")) as { keys: JsonWebKey[] };
      assert.equal(jwks.keys.length, 1);
      const key = createPublicKey({ key: jwks.keys[0] ?? {}, format: "jwk" });

      await ok("create", "namespace", ns);
      await ok("-n", ns, "create", "serviceaccount", "robot");
      const created = (await ok("-n", ns, "create", "token", "robot")).trim();
      const [header = "", payload = "", signature = ""] = created.split(".");
      assert.equal(verify("sha256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url")), true, "the JWKS key verifies the TokenRequest token");
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { iss: string; sub: string };
      assert.equal(claims.iss, issuer);
      assert.equal(claims.sub, `system:serviceaccount:${ns}:robot`);

      // A legacy token Secret, applied as a user would.
      const manifest = join(t.dir, `${ns}-secret.yaml`);
      writeFileSync(
        manifest,
        [
          "apiVersion: v1",
          "kind: Secret",
          "metadata:",
          "  name: robot-token",
          `  namespace: ${ns}`,
          "  annotations:",
          "    kubernetes.io/service-account.name: robot",
          "type: kubernetes.io/service-account-token",
          "",
        ].join("\n"),
      );
      await ok("apply", "-f", manifest);
      const data = await waitFor("the controller to fill the token Secret", async () => {
        const r = await kubectl("-n", ns, "get", "secret", "robot-token", "-o", "json");
        const secret = r.code === 0 ? (JSON.parse(r.stdout) as { data?: Record<string, string> }) : undefined;
        return secret?.data?.token ? secret.data : undefined;
      });
      const legacy = Buffer.from(data.token ?? "", "base64").toString("utf8");
      assert.equal(Buffer.from(data.namespace ?? "", "base64").toString("utf8"), ns);
      assert.equal(Buffer.from(data["ca.crt"] ?? "", "base64").toString("utf8"), caPem);
      const legacyClaims = JSON.parse(Buffer.from(legacy.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, string>;
      assert.equal(legacyClaims.iss, "kubernetes/serviceaccount");
      assert.equal(legacyClaims["kubernetes.io/serviceaccount/secret.name"], "robot-token");

      // The legacy token authenticates as the service account (discovery is open to every authenticated user).
      const api = await kubectl(`--token=${legacy}`, "get", "--raw", "/api");
      assert.equal(api.code, 0, api.stderr);
      assert.equal(JSON.parse(api.stdout).kind, "APIVersions");
      if (version === "1.33") {
        const whoami = await kubectl(`--token=${legacy}`, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
        assert.equal(whoami.code, 0, whoami.stderr);
        assert.equal(whoami.stdout, `system:serviceaccount:${ns}:robot`);
      }
      // RBAC still decides what it may do.
      const pods = await kubectl(`--token=${legacy}`, "-n", ns, "get", "pods");
      assert.notEqual(pods.code, 0);
      assert.match(pods.stderr, new RegExp(`User "system:serviceaccount:${ns}:robot" cannot list resource "pods"`));

      // Listed in the account's `secrets` it counts as auto-generated: upstream's warning comes back with every reply.
      await ok("-n", ns, "patch", "serviceaccount", "robot", "-p", '{"secrets":[{"name":"robot-token"}]}');
      const warned = await kubectl(`--token=${legacy}`, "get", "--raw", "/api");
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /Warning: Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens\./);
      assert.doesNotMatch(api.stderr, /Warning/);

      await ok("-n", ns, "delete", "secret", "robot-token");
      const refused = await kubectl(`--token=${legacy}`, "get", "--raw", "/api");
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Unauthorized/);

      // A token Secret naming no existing service account is deleted by the controller.
      const orphan = join(t.dir, `${ns}-orphan.yaml`);
      writeFileSync(
        orphan,
        ["apiVersion: v1", "kind: Secret", "metadata:", "  name: orphan", `  namespace: ${ns}`, "  annotations:", "    kubernetes.io/service-account.name: nobody", "type: kubernetes.io/service-account-token", ""].join("\n"),
      );
      await ok("apply", "-f", orphan);
      await waitFor("the orphan token Secret to be deleted", async () => ((await kubectl("-n", ns, "get", "secret", "orphan")).code !== 0 ? true : undefined));
    });
  }
});
