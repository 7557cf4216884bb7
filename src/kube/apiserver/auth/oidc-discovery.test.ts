import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify, type JsonWebKey } from "node:crypto";
import type { UserInfo } from "../../api/types.js";
import type { ApiHandler } from "../api-handler.js";
import { ADMIN, authCluster, core, ISSUER } from "./auth-harness.case.js";
import { issuerDiscovery } from "./oidc-discovery.js";

interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

/** One GET through the handler, keeping what HTTP would write (status, content type, headers). */
function get(handler: ApiHandler, user: UserInfo, path: string, method = "GET"): Promise<Reply> {
  return new Promise((resolve) => {
    void handler.handle(
      { method, path, query: new URLSearchParams(), accept: "application/json, */*", contentType: "", body: new Uint8Array(), user },
      {
        send: (status, contentType, body, headers) => resolve({ status, contentType, body: typeof body === "string" ? body : Buffer.from(body).toString("utf8"), headers: headers ?? {} }),
        stream: () => assert.fail("no stream expected"),
      },
    );
  });
}

const saUser = (namespace: string, name: string): UserInfo => ({
  username: `system:serviceaccount:${namespace}:${name}`,
  groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
});

describe("service-account issuer discovery", () => {
  it("serves kube-apiserver's configuration document and JWKS, cacheable for an hour", async () => {
    const c = await authCluster();
    const config = await get(c.handler, ADMIN, "/.well-known/openid-configuration");
    assert.equal(config.status, 200);
    assert.equal(config.contentType, "application/json");
    assert.equal(config.headers["cache-control"], "public, max-age=3600");
    // Exact bytes: field order and values of openIDMetadata.
    assert.equal(
      config.body,
      `{"issuer":"${ISSUER}","jwks_uri":"https://127.0.0.1:6443/openid/v1/jwks","response_types_supported":["id_token"],` +
        `"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}`,
    );
    const keys = await get(c.handler, ADMIN, "/openid/v1/jwks");
    assert.equal(keys.status, 200);
    assert.equal(keys.contentType, "application/jwk-set+json");
    assert.equal(keys.headers["cache-control"], "public, max-age=3600");
    const jwks = JSON.parse(keys.body) as { keys: Record<string, string>[] };
    assert.equal(jwks.keys.length, 1);
    assert.deepEqual(Object.keys(jwks.keys[0] ?? {}), ["use", "kty", "kid", "alg", "n", "e"]);
    assert.deepEqual({ ...jwks.keys[0], n: "" }, { use: "sig", kty: "RSA", kid: c.auth.tokens.keyId, alg: "RS256", n: "", e: "AQAB" });
    const post = await get(c.handler, ADMIN, "/openid/v1/jwks", "POST");
    assert.equal(post.status, 405);
    c.close();
  });

  it("the served key verifies a token from the TokenRequest API", async () => {
    const c = await authCluster();
    await c.admin.create(core("serviceaccounts", "default"), { metadata: { name: "robot" } });
    const request = (await c.admin.create(core("serviceaccounts", "default", "robot", "token"), { spec: {} })) as { status?: { token?: string } };
    const token = request.status?.token ?? "";
    const jwks = JSON.parse((await get(c.handler, saUser("default", "robot"), "/openid/v1/jwks")).body) as { keys: JsonWebKey[] };
    const [header = "", payload = "", signature = ""] = token.split(".");
    const key = createPublicKey({ key: jwks.keys[0] ?? {}, format: "jwk" });
    assert.equal(verify("sha256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url")), true);
    assert.equal(JSON.parse(Buffer.from(header, "base64url").toString()).kid, jwks.keys[0]?.kid);
    assert.equal(JSON.parse(Buffer.from(payload, "base64url").toString()).iss, ISSUER);
    // A tampered token does not verify with it.
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "system:serviceaccount:kube-system:admin" })).toString("base64url");
    assert.equal(verify("sha256", Buffer.from(`${header}.${forged}`), key, Buffer.from(signature, "base64url")), false);
    c.close();
  });

  it("is for service accounts (system:service-account-issuer-discovery), not for every user or anonymous", async () => {
    const c = await authCluster({ version: "1.31" });
    assert.equal((await get(c.handler, saUser("team-a", "x"), "/.well-known/openid-configuration")).status, 200);
    const alice = await get(c.handler, { username: "alice", groups: ["system:authenticated"] }, "/openid/v1/jwks");
    assert.equal(alice.status, 403);
    assert.equal(JSON.parse(alice.body).message, 'forbidden: User "alice" cannot get path "/openid/v1/jwks"');
    // Before 1.32 an unauthenticated request is system:anonymous, whom RBAC refuses here.
    const anonymous = await c.auth.authenticate({ path: "/.well-known/openid-configuration" });
    assert.ok("user" in anonymous);
    const refused = await get(c.handler, anonymous.user, "/.well-known/openid-configuration");
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.body).message, 'forbidden: User "system:anonymous" cannot get path "/.well-known/openid-configuration"');
    c.close();
    // EKS 1.32+: anonymous requests outside the health endpoints are 401.
    const recent = await authCluster({ version: "1.34" });
    assert.deepEqual(await recent.auth.authenticate({ path: "/.well-known/openid-configuration" }), { unauthorized: "no credentials" });
    recent.close();
  });

  it("is not installed for an issuer that is not an https URL without query or fragment", () => {
    const key = { use: "sig", kty: "RSA", kid: "k", alg: "RS256", n: "x", e: "AQAB" };
    assert.equal(issuerDiscovery("http://issuer.example", "https://a/openid/v1/jwks", [key]), undefined);
    assert.equal(issuerDiscovery("https://issuer.example?x=1", "https://a/openid/v1/jwks", [key]), undefined);
    assert.equal(issuerDiscovery("kubernetes/serviceaccount", "https://a/openid/v1/jwks", [key]), undefined);
    assert.ok(issuerDiscovery("https://issuer.example/id/1", "https://a/openid/v1/jwks", [key]));
  });
});
