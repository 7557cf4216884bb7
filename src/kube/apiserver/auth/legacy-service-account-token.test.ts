import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { authCluster, core, testKeys, type AuthCluster } from "./auth-harness.case.js";
import { AUTO_GENERATED_TOKEN_WARNING, INVALID_SINCE_LABEL, LAST_USED_LABEL } from "./legacy-service-account-token.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

/** A ServiceAccount and a token Secret holding a legacy token, as the token controller leaves them. */
async function legacySetup(c: AuthCluster, secretName = "robot-token") {
  const sa = await c.admin.create(core("serviceaccounts", "default"), { metadata: { name: "robot" } });
  const token = c.auth.legacyTokens.legacyToken({ namespace: "default", name: "robot", uid: sa.metadata.uid ?? "" }, secretName);
  await c.admin.create(core("secrets", "default"), {
    metadata: { name: secretName, annotations: { "kubernetes.io/service-account.name": "robot", "kubernetes.io/service-account.uid": sa.metadata.uid ?? "" } },
    type: "kubernetes.io/service-account-token",
    data: { token: b64(token), namespace: b64("default") },
  });
  return { sa, token };
}

const bearer = (c: AuthCluster, token: string) => c.auth.authenticate({ authorization: `Bearer ${token}`, path: "/api" });

describe("legacy service-account tokens", () => {
  it("carry upstream's legacy claims, no expiry, signed by the cluster key", async () => {
    const c = await authCluster();
    const { sa, token } = await legacySetup(c);
    const [header = "", payload = "", signature = ""] = token.split(".");
    assert.deepEqual(decode(header), { alg: "RS256", kid: c.auth.tokens.keyId });
    // Go marshals the merged claims map with sorted keys.
    assert.deepEqual(Object.entries(decode(payload)), [
      ["iss", "kubernetes/serviceaccount"],
      ["kubernetes.io/serviceaccount/namespace", "default"],
      ["kubernetes.io/serviceaccount/secret.name", "robot-token"],
      ["kubernetes.io/serviceaccount/service-account.name", "robot"],
      ["kubernetes.io/serviceaccount/service-account.uid", sa.metadata.uid],
      ["sub", "system:serviceaccount:default:robot"],
    ]);
    assert.equal(verify("sha256", Buffer.from(`${header}.${payload}`), createPublicKey(testKeys().publicKeyPem), Buffer.from(signature, "base64url")), true);
    c.close();
  });

  it("authenticate as the service account while the Secret holds them, and stop when it is deleted", async () => {
    const c = await authCluster();
    const { sa, token } = await legacySetup(c);
    const result = await bearer(c, token);
    assert.deepEqual(result, {
      user: { username: "system:serviceaccount:default:robot", uid: sa.metadata.uid, groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"] },
    });
    // The API server records the day of use on the Secret.
    const secret = await c.admin.get(core("secrets", "default", "robot-token"));
    assert.equal(secret.metadata.labels?.[LAST_USED_LABEL], "2026-01-01");
    await c.admin.delete(core("secrets", "default", "robot-token"));
    assert.deepEqual(await bearer(c, token), { unauthorized: "Token has been invalidated" });
    c.close();
  });

  it("are refused when the Secret holds another token, the account was recreated, or the token was tampered with", async () => {
    const c = await authCluster();
    const { token } = await legacySetup(c);
    const other = c.auth.legacyTokens.legacyToken({ namespace: "default", name: "robot", uid: "other" }, "robot-token");
    assert.deepEqual(await bearer(c, other), { unauthorized: "Token does not match server's copy" });
    const [header, payload, signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...decode(payload ?? ""), "kubernetes.io/serviceaccount/secret.name": "x" })).toString("base64url")}.${signature}`;
    assert.deepEqual(await bearer(c, forged), { unauthorized: "go-jose/go-jose: error in cryptographic primitive" });
    await c.admin.delete(core("serviceaccounts", "default", "robot"));
    assert.deepEqual(await bearer(c, token), { unauthorized: 'serviceaccount "robot" not found' });
    const again = await c.admin.create(core("serviceaccounts", "default"), { metadata: { name: "robot" } });
    const refused = await bearer(c, token);
    assert.ok("unauthorized" in refused);
    assert.match(refused.unauthorized, new RegExp(`^ServiceAccount UID \\(${again.metadata.uid}\\) does not match claim \\(`));
    c.close();
  });

  it("warn when auto-generated (listed in the account's secrets) and are refused once marked invalid", async () => {
    const c = await authCluster();
    const { token } = await legacySetup(c);
    await c.admin.patch(core("serviceaccounts", "default", "robot"), { secrets: [{ name: "robot-token" }] });
    const warned = await bearer(c, token);
    assert.ok("user" in warned);
    assert.deepEqual(warned.warnings, [AUTO_GENERATED_TOKEN_WARNING]);
    await c.admin.patch(core("secrets", "default", "robot-token"), { metadata: { labels: { [INVALID_SINCE_LABEL]: "2025-06-01" } } });
    assert.deepEqual(await bearer(c, token), {
      unauthorized:
        "the token in secret default/robot-token for service account default/robot has been marked invalid. Use tokens from the TokenRequest API or manually " +
        "created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token",
    });
    c.close();
  });

  it("are for the API server's audiences only (TokenReview)", async () => {
    const c = await authCluster();
    const { token } = await legacySetup(c);
    const ok = await c.auth.tokenAuthenticator(token, ["https://kubernetes.default.svc", "other"]);
    assert.ok(ok && "user" in ok);
    assert.deepEqual(ok.audiences, ["https://kubernetes.default.svc"]);
    assert.deepEqual(await c.auth.tokenAuthenticator(token, ["sts.amazonaws.com"]), {
      error: 'token audiences ["https://kubernetes.default.svc"] is invalid for the target audiences ["sts.amazonaws.com"]',
    });
    c.close();
  });
});
