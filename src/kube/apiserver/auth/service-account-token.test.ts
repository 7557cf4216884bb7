import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify } from "node:crypto";
import { FakeClock } from "../../../shared/clock.js";
import { ISSUER, testKeys } from "./auth-harness.case.js";
import { eksOidcIssuer, ServiceAccountTokens } from "./service-account-token.js";

const AUDIENCES = ["https://kubernetes.default.svc"];
const subject = { namespace: "x", serviceAccount: { name: "robot", uid: "sa-uid" }, audiences: AUDIENCES, expirationSeconds: 3600 };
const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

describe("service-account tokens", () => {
  it("are RS256 JWTs with kube-apiserver's claims, signed by the cluster key", () => {
    const clock = new FakeClock("2026-01-01T00:00:00Z");
    const tokens = new ServiceAccountTokens(testKeys(), ISSUER, AUDIENCES, clock);
    const { token } = tokens.issue({ ...subject, pod: { name: "p", uid: "pod-uid" }, node: { name: "n", uid: "node-uid" } });
    const [header = "", payload = "", signature = ""] = token.split(".");
    const kid = createHash("sha256").update(createPublicKey(testKeys().publicKeyPem).export({ type: "spki", format: "der" })).digest("base64url");
    assert.deepEqual(decode(header), { alg: "RS256", kid });
    const claims = decode(payload);
    const iat = Date.parse("2026-01-01T00:00:00Z") / 1000;
    assert.deepEqual(Object.keys(claims), ["aud", "exp", "iat", "iss", "jti", "kubernetes.io", "nbf", "sub"]);
    assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...claims, jti: "" }, {
      aud: AUDIENCES,
      exp: iat + 3600,
      iat,
      iss: ISSUER,
      jti: "",
      "kubernetes.io": { namespace: "x", node: { name: "n", uid: "node-uid" }, pod: { name: "p", uid: "pod-uid" }, serviceaccount: { name: "robot", uid: "sa-uid" } },
      nbf: iat,
      sub: "system:serviceaccount:x:robot",
    });
    assert.equal(verify("sha256", Buffer.from(`${header}.${payload}`), createPublicKey(testKeys().publicKeyPem), Buffer.from(signature, "base64url")), true);
    assert.equal(tokens.jwk().kid, kid);
  });

  it("verify: valid until exp plus go-jose's minute of leeway, then expired", () => {
    const clock = new FakeClock("2026-01-01T00:00:00Z");
    const tokens = new ServiceAccountTokens(testKeys(), ISSUER, AUDIENCES, clock);
    const { token } = tokens.issue(subject);
    const ok = tokens.verify(token);
    assert.equal(ok.ok, true);
    assert.deepEqual(ok.ok && ok.audiences, AUDIENCES);
    clock.advance((3600 + 60) * 1000);
    assert.equal(tokens.verify(token).ok, true);
    clock.advance(1000);
    assert.deepEqual(tokens.verify(token), { ok: false, mine: true, error: "service account token has expired" });
  });

  it("verify: refuses other audiences, tampered tokens, and leaves other issuers' tokens to other authenticators", () => {
    const clock = new FakeClock();
    const tokens = new ServiceAccountTokens(testKeys(), ISSUER, AUDIENCES, clock);
    const { token } = tokens.issue({ ...subject, audiences: ["sts.amazonaws.com"] });
    assert.deepEqual(tokens.verify(token), {
      ok: false,
      mine: true,
      error: 'token audiences ["sts.amazonaws.com"] is invalid for the target audiences ["https://kubernetes.default.svc"]',
    });
    assert.equal(tokens.verify(token, ["sts.amazonaws.com"]).ok, true);
    const [h, p, s] = tokens.issue(subject).token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...decode(p ?? ""), sub: "system:serviceaccount:kube-system:admin" })).toString("base64url");
    assert.deepEqual(tokens.verify(`${h}.${forged}.${s}`), { ok: false, mine: true, error: "invalid bearer token" });
    const other = new ServiceAccountTokens(testKeys(), "https://other.example.com", AUDIENCES, clock);
    assert.equal((tokens.verify(other.issue(subject).token) as { mine: boolean }).mine, false);
    assert.equal((tokens.verify("k8s-aws-v1.abc") as { mine: boolean }).mine, false);
    assert.equal((tokens.verify("a.b.c") as { mine: boolean }).mine, false);
  });

  it("uses EKS's issuer form: the region and the cluster id as 32 upper-case hex digits", () => {
    assert.equal(eksOidcIssuer("us-west-2", "0a1b2c3d-4e5f-6789-abcd-ef0123456789"), "https://oidc.eks.us-west-2.amazonaws.com/id/0A1B2C3D4E5F6789ABCDEF0123456789");
    assert.match(eksOidcIssuer("eu-west-1", "id-1"), /^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
  });
});
