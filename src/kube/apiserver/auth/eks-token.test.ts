import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { accessSync, constants as fsConstants } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { defaultCredentialStore } from "../../../aws/gateway/credentials.js";
import { EKS_TOKEN_PREFIX, stsHostAllowList, verifyEksToken, type EksTokenResult } from "./eks-token.js";

const credentials = defaultCredentialStore();
const SIGNED_AT = new Date("2026-01-01T00:00:00Z");
const later = (seconds: number) => new Date(SIGNED_AT.getTime() + seconds * 1000);
const allowedHosts = stsHostAllowList(["127.0.0.1:4566", "localhost:4566"]);
const root = credentials.lookup("test")?.principal;

interface MintOptions {
  cluster?: string;
  host?: string;
  protocol?: "https:" | "http:";
  region?: string;
  service?: string;
  accessKeyId?: string;
  signedAt?: Date;
  expiresIn?: number;
  signCluster?: boolean;
}

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A token built as `aws eks get-token` builds it: a presigned STS GetCallerIdentity GET, base64url. */
async function mintToken(o: MintOptions = {}): Promise<string> {
  const host = o.host ?? "sts.us-east-1.amazonaws.com";
  const protocol = o.protocol ?? "https:";
  const signer = new SignatureV4({
    service: o.service ?? "sts",
    region: o.region ?? "us-east-1",
    credentials: { accessKeyId: o.accessKeyId ?? "test", secretAccessKey: "test" },
    sha256: Sha256,
  });
  const headers: Record<string, string> = { host };
  if (o.signCluster ?? true) headers["x-k8s-aws-id"] = o.cluster ?? "c1";
  const signed = await signer.presign(
    { method: "GET", protocol, hostname: host, path: "/", query: { Action: "GetCallerIdentity", Version: "2011-06-15" }, headers },
    { signingDate: o.signedAt ?? SIGNED_AT, expiresIn: o.expiresIn ?? 60 },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
    .join("&");
  return tokenFor(`${protocol}//${host}/?${query}`);
}

const tokenFor = (url: string) => EKS_TOKEN_PREFIX + Buffer.from(url, "utf8").toString("base64url");
const urlOf = (token: string) => Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), "base64url").toString("utf8");

function verify(token: string, now = later(0), clusterName = "c1"): EksTokenResult {
  return verifyEksToken(token, { clusterName, credentials, now, allowedHosts });
}

function failure(result: EksTokenResult): string {
  assert.equal(result.ok, false, "expected the token to be rejected");
  return result.ok ? "" : result.message;
}

describe("verifyEksToken", () => {
  it("accepts a token minted like `aws eks get-token` and reports the principal", async () => {
    const token = await mintToken();
    assert.match(urlOf(token), /^https:\/\/sts\.us-east-1\.amazonaws\.com\/\?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-/);
    assert.match(urlOf(token), /X-Amz-SignedHeaders=host%3Bx-k8s-aws-id/);
    const result = verify(token);
    assert.deepEqual(result, { ok: true, principal: root, accessKeyId: "test", arn: "arn:aws:iam::000000000000:root" });
  });

  it("accepts tokens for the local gateway and the global STS host", async () => {
    assert.equal(verify(await mintToken({ protocol: "http:", host: "127.0.0.1:4566" })).ok, true);
    assert.equal(verify(await mintToken({ protocol: "http:", host: "localhost:4566" })).ok, true);
    assert.equal(verify(await mintToken({ host: "sts.amazonaws.com" })).ok, true);
  });

  it("rejects a token minted for another cluster", async () => {
    const message = failure(verify(await mintToken({ cluster: "c2" })));
    assert.match(message, /^sts getCallerIdentity failed: error from AWS \(expected 200, got 403\)\. Body: .*SignatureDoesNotMatch/);
  });

  it("stays valid 15 minutes after X-Amz-Date whatever X-Amz-Expires says, then expires", async () => {
    const token = await mintToken({ expiresIn: 60 });
    assert.equal(verify(token, later(15 * 60)).ok, true);
    assert.equal(
      failure(verify(token, later(15 * 60 + 1))),
      "input token was not properly formatted: X-Amz-Date parameter is expired (15 minute expiration) 2026-01-01 00:00:00 +0000 UTC",
    );
    assert.match(failure(verify(token, later(-20 * 60))), /Signature not yet current/);
  });

  it("rejects an unknown access key or a signature scoped to another service", async () => {
    assert.match(failure(verify(await mintToken({ accessKeyId: "AKIAUNKNOWN" }))), /InvalidClientTokenId.*The security token included in the request is invalid\./);
    assert.match(failure(verify(await mintToken({ service: "eks" }))), /scoped to correct service: 'sts'/);
  });

  it("rejects malformed tokens with aws-iam-authenticator's messages", async () => {
    const token = await mintToken();
    const bad = (t: string) => failure(verify(t));
    assert.equal(bad(`${EKS_TOKEN_PREFIX}${"A".repeat(5000)}`), "input token was not properly formatted: token is too large");
    assert.equal(
      bad(token.replace("k8s-aws-v1.", "k8s-aws-v2.")),
      'input token was not properly formatted: token is missing expected "k8s-aws-v1." prefix',
    );
    assert.equal(bad(`${EKS_TOKEN_PREFIX}abc$def`), "input token was not properly formatted: illegal base64 data at input byte 3");
    assert.match(bad(`${token}==`), /illegal base64 data/);
    let truncated = token;
    while ((truncated.length - EKS_TOKEN_PREFIX.length) % 4 !== 1) truncated += "A";
    assert.equal(bad(truncated), `input token was not properly formatted: illegal base64 data at input byte ${truncated.length - EKS_TOKEN_PREFIX.length - 1}`);
  });

  it("rejects a URL of the wrong shape or host", async () => {
    const url = urlOf(await mintToken());
    const bad = (u: string) => failure(verify(tokenFor(u)));
    assert.equal(
      bad(url.replace("sts.us-east-1.amazonaws.com", "evil.example.com")),
      'input token was not properly formatted: unexpected hostname "evil.example.com" in pre-signed URL',
    );
    assert.match(bad(url.replace("sts.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com.evil.com")), /unexpected hostname/);
    assert.match(bad(url.replace("https:", "ftp:")), /unexpected scheme "ftp" in pre-signed URL/);
    assert.match(bad(url.replace(".com/?", ".com/x?")), /unexpected path in pre-signed URL/);
    assert.match(bad(url.replace(".com/?", ".com?")), /unexpected path in pre-signed URL/);
    assert.match(bad("not a url"), /input token was not properly formatted: parse/);
  });

  it("rejects unexpected, repeated or missing query parameters", async () => {
    const url = urlOf(await mintToken());
    const bad = (u: string) => failure(verify(tokenFor(u)));
    assert.match(bad(`${url}&Foo=bar`), /non-whitelisted query parameter "Foo"/);
    assert.match(bad(`${url}&Action=GetCallerIdentity`), /query parameter with multiple values not supported/);
    assert.match(bad(`${url}&action=GetCallerIdentity`), /query parameter with multiple values not supported/);
    assert.match(bad(url.replace("Action=GetCallerIdentity", "Action=AssumeRole")), /unexpected action parameter in pre-signed URL/);
    assert.match(bad(url.replace("X-Amz-Date=", "X-Amz-Dte=")), /non-whitelisted query parameter "X-Amz-Dte"/);
    assert.match(bad(url.replace(/&X-Amz-Date=[^&]*/, "")), /X-Amz-Date parameter must be present in pre-signed URL/);
    assert.match(bad(url.replace(/X-Amz-Date=[^&]*/, "X-Amz-Date=2026-01-01")), /error parsing X-Amz-Date parameter 2026-01-01/);
    assert.match(bad(url.replace("X-Amz-Expires=60", "X-Amz-Expires=901")), /invalid X-Amz-Expires parameter in pre-signed URL: 901/);
    assert.match(bad(url.replace("X-Amz-Expires=60", "X-Amz-Expires=-1")), /invalid X-Amz-Expires parameter in pre-signed URL: -1/);
    assert.match(bad(url.replace("X-Amz-Expires=60", "X-Amz-Expires=soon")), /invalid X-Amz-Expires parameter in pre-signed URL: 0/);
    assert.match(bad(`${url}&X-Amz-Security-Token=a;b`), /malformed query parameter/);
    assert.match(bad(url.replace("X-Amz-Expires=60", "X-Amz-Expires=6%zz")), /malformed query parameter/);
  });

  it("requires x-k8s-aws-id among the signed headers", async () => {
    const message = failure(verify(await mintToken({ signCluster: false })));
    assert.equal(message, "input token was not properly formatted: client did not sign the x-k8s-aws-id header in the pre-signed URL");
  });

  it("stsHostAllowList accepts the gateway and STS hosts only", () => {
    for (const host of ["127.0.0.1:4566", "localhost:4566", "sts.amazonaws.com", "sts.ap-northeast-2.amazonaws.com", "sts.us-gov-west-1.amazonaws.com"]) {
      assert.equal(allowedHosts(host), true, host);
    }
    for (const host of ["127.0.0.1:4567", "sts.evil.com", "sts.us-east-1.amazonaws.com.evil.com", "xsts.amazonaws.com", "eks.us-east-1.amazonaws.com"]) {
      assert.equal(allowedHosts(host), false, host);
    }
  });
});

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

interface ExecCredential {
  kind: string;
  apiVersion: string;
  status: { expirationTimestamp: string; token: string };
}

/** Runs the real `aws eks get-token`; it only presigns, so it needs no server. */
async function cliToken(cluster: string, endpointUrl?: string): Promise<ExecCredential> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_DEFAULT_REGION: "ap-northeast-2",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
  });
  if (endpointUrl) env.AWS_ENDPOINT_URL = endpointUrl;
  const { stdout } = await promisify(execFile)("aws", ["eks", "get-token", "--cluster-name", cluster, "--output", "json"], {
    env,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as ExecCredential;
}

function signedAtOf(token: string): Date {
  const d = new URL(urlOf(token)).searchParams.get("X-Amz-Date") ?? "";
  return new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
}

describe("verifyEksToken against the real `aws eks get-token`", { skip: onPath("aws") ? false : "aws CLI not on PATH" }, () => {
  it("verifies a token presigned for the local gateway (AWS_ENDPOINT_URL)", async () => {
    const cred = await cliToken("c1", "http://127.0.0.1:4566");
    assert.equal(cred.kind, "ExecCredential");
    assert.equal(cred.apiVersion, "client.authentication.k8s.io/v1beta1");
    const { token } = cred.status;
    assert.ok(token.startsWith(EKS_TOKEN_PREFIX));
    assert.match(urlOf(token), /^http:\/\/127\.0\.0\.1:4566\/\?Action=GetCallerIdentity&Version=2011-06-15&/);
    assert.match(urlOf(token), /X-Amz-Credential=test%2F\d{8}%2Fap-northeast-2%2Fsts%2Faws4_request/);
    assert.match(urlOf(token), /X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&/);

    const now = signedAtOf(token);
    const expiresInMs = new Date(cred.status.expirationTimestamp).getTime() - now.getTime();
    assert.ok(Math.abs(expiresInMs - 14 * 60_000) < 5_000, `expirationTimestamp is ${expiresInMs} ms after X-Amz-Date`);

    const ok = verifyEksToken(token, { clusterName: "c1", credentials, now, allowedHosts });
    assert.deepEqual(ok, { ok: true, principal: root, accessKeyId: "test", arn: "arn:aws:iam::000000000000:root" });
    assert.equal(verifyEksToken(token, { clusterName: "c1", credentials, now: new Date(now.getTime() + 14 * 60_000), allowedHosts }).ok, true);
    assert.match(failure(verifyEksToken(token, { clusterName: "c2", credentials, now, allowedHosts })), /SignatureDoesNotMatch/);
    assert.match(
      failure(verifyEksToken(token, { clusterName: "c1", credentials, now: new Date(now.getTime() + 16 * 60_000), allowedHosts })),
      /X-Amz-Date parameter is expired \(15 minute expiration\)/,
    );
    assert.match(
      failure(verifyEksToken(token, { clusterName: "c1", credentials, now, allowedHosts: stsHostAllowList([]) })),
      /unexpected hostname "127\.0\.0\.1:4566"/,
    );
  });

  it("verifies a token presigned for the regional STS host (no AWS_ENDPOINT_URL)", async () => {
    const { status } = await cliToken("c1");
    assert.match(urlOf(status.token), /^https:\/\/sts\.ap-northeast-2\.amazonaws\.com\/\?Action=GetCallerIdentity&Version=2011-06-15&/);
    const now = signedAtOf(status.token);
    assert.equal(verifyEksToken(status.token, { clusterName: "c1", credentials, now, allowedHosts }).ok, true);
    assert.equal(verifyEksToken(status.token, { clusterName: "other", credentials, now, allowedHosts }).ok, false);
  });
});
