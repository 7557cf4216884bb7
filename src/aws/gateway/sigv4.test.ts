import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { accessSync, constants as fsConstants } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { defaultCredentialStore } from "./credentials.js";
import { verifySigV4, type IncomingSignedRequest, type SigV4Result } from "./sigv4.js";

const store = defaultCredentialStore();
const SIGNED_AT = new Date("2026-01-01T00:00:00Z");
const HOST = "127.0.0.1:4566";
const later = (seconds: number) => new Date(SIGNED_AT.getTime() + seconds * 1000);

interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: string;
}

function signer(service: string, opts: { accessKeyId?: string; secretAccessKey?: string; applyChecksum?: boolean } = {}) {
  return new SignatureV4({
    service,
    region: "us-east-1",
    credentials: { accessKeyId: opts.accessKeyId ?? "test", secretAccessKey: opts.secretAccessKey ?? "test" },
    sha256: Sha256,
    applyChecksum: opts.applyChecksum ?? false,
  });
}

/** Serialises the query the way the SDK's querystring builder puts it on the wire. */
function wireQuery(query: Record<string, string | string[] | null> = {}): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(query)
    .flatMap(([k, v]) => (v === null ? [] : Array.isArray(v) ? v.map((x) => `${enc(k)}=${enc(x)}`) : [`${enc(k)}=${enc(v)}`]))
    .join("&");
}

/** What the gateway would see for a request the SDK sent. */
function received(signed: SdkRequest & { query?: Record<string, string | string[] | null> }): IncomingSignedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  return {
    method: signed.method,
    rawPath: signed.path,
    rawQuery: wireQuery(signed.query),
    headers,
    body: new TextEncoder().encode(signed.body ?? ""),
  };
}

async function sign(req: SdkRequest, service: string, opts: Parameters<typeof signer>[1] = {}): Promise<IncomingSignedRequest> {
  const signed = (await signer(service, opts).sign(req, { signingDate: SIGNED_AT })) as SdkRequest;
  return received(signed);
}

function assertOk(result: SigV4Result): asserts result is Extract<SigV4Result, { ok: true }> {
  assert.equal(result.ok, true, result.ok ? "" : `${result.reason}: ${result.message}`);
}

function assertFail(result: SigV4Result, reason: string): string {
  assert.equal(result.ok, false, "expected a failure");
  if (result.ok) return "";
  assert.equal(result.reason, reason, result.message);
  return result.message;
}

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

const createCluster: SdkRequest = {
  method: "POST",
  protocol: "http:",
  hostname: "127.0.0.1",
  port: 4566,
  path: "/clusters",
  headers: { host: HOST, "content-type": "application/json" },
  body: JSON.stringify({ name: "c1", roleArn: "arn:aws:iam::000000000000:role/eks", resourcesVpcConfig: {} }),
};

const clusterArn = "arn:aws:eks:us-east-1:000000000000:cluster/c1";
const labelEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const tagsGet: SdkRequest = {
  method: "GET",
  protocol: "http:",
  hostname: "127.0.0.1",
  port: 4566,
  path: `/tags/${labelEncode(clusterArn)}`,
  query: { tagKeys: ["team", "env"], nextToken: "a b+c/=~*" },
  headers: { host: HOST },
};

const getCallerIdentity: SdkRequest = {
  method: "POST",
  protocol: "http:",
  hostname: "127.0.0.1",
  port: 4566,
  path: "/",
  headers: { host: HOST, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  body: "Action=GetCallerIdentity&Version=2011-06-15",
};

const describeCluster: SdkRequest = {
  method: "GET",
  protocol: "http:",
  hostname: "127.0.0.1",
  port: 4566,
  path: "/clusters/c1",
  headers: { host: HOST },
};

async function presign(req: SdkRequest, expiresIn: number): Promise<IncomingSignedRequest> {
  const signed = (await signer("eks").presign(req, { signingDate: SIGNED_AT, expiresIn })) as SdkRequest;
  return received(signed);
}

describe("verifySigV4 against @smithy/signature-v4", () => {
  it("accepts a rest-json POST with a JSON body (body hashed by the verifier)", async () => {
    const result = verifySigV4(await sign(createCluster, "eks"), store, later(60));
    assertOk(result);
    assert.equal(result.accessKey.accessKeyId, "test");
    assert.equal(result.accessKey.principal.arn, "arn:aws:iam::000000000000:root");
    assert.equal(result.region, "us-east-1");
    assert.equal(result.service, "eks");
    assert.equal(result.presigned, false);
    assert.deepEqual(result.signedHeaders, ["content-type", "host", "x-amz-date"]);
    assert.deepEqual(result.signedAt, SIGNED_AT);
  });

  it("accepts a rest-json POST that carries x-amz-content-sha256", async () => {
    const req = await sign(createCluster, "eks", { applyChecksum: true });
    assert.ok(req.headers["x-amz-content-sha256"]);
    assertOk(verifySigV4(req, store, later(0)));
  });

  it("accepts a GET with an encoded ARN label and repeated query keys", async () => {
    const req = await sign(tagsGet, "eks");
    assert.match(req.rawPath, /arn%3Aaws%3Aeks%3Aus-east-1%3A000000000000%3Acluster%2Fc1$/);
    assert.equal(req.rawQuery, "tagKeys=team&tagKeys=env&nextToken=a%20b%2Bc%2F%3D~%2A");
    assertOk(verifySigV4(req, store, later(0)));
  });

  it("accepts a query-protocol POST with a form body", async () => {
    const result = verifySigV4(await sign(getCallerIdentity, "sts"), store, later(0));
    assertOk(result);
    assert.equal(result.service, "sts");
  });

  it("accepts a presigned GET", async () => {
    const req = await presign(describeCluster, 300);
    assert.equal(req.headers.authorization, undefined);
    const result = verifySigV4(req, store, later(300));
    assertOk(result);
    assert.equal(result.presigned, true);
    assert.deepEqual(result.signedHeaders, ["host"]);
  });

  it("accepts a presigned GET signed as S3 does (UNSIGNED-PAYLOAD) when there is no body", async () => {
    const req = received(
      (await signer("eks").presign(
        { ...describeCluster, headers: { ...describeCluster.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
        {
          signingDate: SIGNED_AT,
          expiresIn: 60,
          unhoistableHeaders: new Set(["x-amz-content-sha256"]),
          unsignableHeaders: new Set(["x-amz-content-sha256"]),
        },
      )) as SdkRequest,
    );
    delete req.headers["x-amz-content-sha256"];
    assertOk(verifySigV4(req, store, later(0)));
    req.body = new TextEncoder().encode("{}");
    assertFail(verifySigV4(req, store, later(0)), "SignatureDoesNotMatch");
  });

  it("rejects a tampered body", async () => {
    for (const applyChecksum of [false, true]) {
      const req = await sign(createCluster, "eks", { applyChecksum });
      req.body = new TextEncoder().encode(createCluster.body?.replace("c1", "c2"));
      assert.equal(assertFail(verifySigV4(req, store, later(0)), "SignatureDoesNotMatch").length > 0, true);
    }
    const req = await sign(getCallerIdentity, "sts");
    req.body = new TextEncoder().encode("Action=GetCallerIdentity&Version=2011-06-16");
    assert.equal(assertFail(verifySigV4(req, store, later(0)), "SignatureDoesNotMatch"), MISMATCH);
  });

  it("rejects a tampered path", async () => {
    const req = await sign(tagsGet, "eks");
    req.rawPath = req.rawPath.replace("c1", "c2");
    assert.equal(assertFail(verifySigV4(req, store, later(0)), "SignatureDoesNotMatch"), MISMATCH);
    // Single-encoding the ARN is not what the SDK signed.
    const decoded = await sign(tagsGet, "eks");
    decoded.rawPath = decodeURIComponent(decoded.rawPath);
    assertFail(verifySigV4(decoded, store, later(0)), "SignatureDoesNotMatch");
  });

  it("rejects a tampered query", async () => {
    const req = await sign(tagsGet, "eks");
    req.rawQuery = req.rawQuery.replace("tagKeys=env", "tagKeys=prod");
    assertFail(verifySigV4(req, store, later(0)), "SignatureDoesNotMatch");
    const added = await sign(tagsGet, "eks");
    added.rawQuery += "&tagKeys=extra";
    assertFail(verifySigV4(added, store, later(0)), "SignatureDoesNotMatch");
    const presigned = await presign(describeCluster, 60);
    presigned.rawQuery = presigned.rawQuery.replace("X-Amz-Expires=60", "X-Amz-Expires=600");
    assertFail(verifySigV4(presigned, store, later(0)), "SignatureDoesNotMatch");
  });

  it("rejects a tampered signed header, method or secret", async () => {
    const req = await sign(createCluster, "eks");
    req.headers["content-type"] = "application/x-amz-json-1.1";
    assertFail(verifySigV4(req, store, later(0)), "SignatureDoesNotMatch");
    const host = await presign(describeCluster, 60);
    host.headers.host = "localhost:4566";
    assertFail(verifySigV4(host, store, later(0)), "SignatureDoesNotMatch");
    const method = await sign(tagsGet, "eks");
    method.method = "DELETE";
    assertFail(verifySigV4(method, store, later(0)), "SignatureDoesNotMatch");
    const secret = await sign(createCluster, "eks", { secretAccessKey: "not-test" });
    assertFail(verifySigV4(secret, store, later(0)), "SignatureDoesNotMatch");
  });

  it("ignores unsigned headers and normalises whitespace in signed ones", async () => {
    const req = await sign({ ...createCluster, headers: { ...createCluster.headers, "x-custom": "a   b" } }, "eks");
    req.headers["user-agent"] = "anything";
    req.headers["x-custom"] = "  a b ";
    assertOk(verifySigV4(req, store, later(0)));
  });

  it("reports an unknown access key", async () => {
    const req = await sign(createCluster, "eks", { accessKeyId: "AKIAUNKNOWN" });
    assert.equal(
      assertFail(verifySigV4(req, store, later(0)), "UnknownAccessKey"),
      "The security token included in the request is invalid.",
    );
  });

  it("rejects a header-signed request more than 15 minutes old or ahead", async () => {
    const req = await sign(createCluster, "eks");
    assertOk(verifySigV4(req, store, later(15 * 60)));
    assert.equal(
      assertFail(verifySigV4(req, store, later(15 * 60 + 1)), "RequestExpired"),
      "Signature expired: 20260101T000000Z is now earlier than 20260101T000001Z (20260101T001501Z - 15 min.)",
    );
    assertOk(verifySigV4(req, store, later(-15 * 60)));
    assert.equal(
      assertFail(verifySigV4(req, store, later(-16 * 60)), "RequestExpired"),
      "Signature not yet current: 20260101T000000Z is still later than 20251231T235900Z (20251231T234400Z + 15 min.)",
    );
  });

  it("expires a presigned request after X-Amz-Expires, or the fixed validity", async () => {
    const req = await presign(describeCluster, 300);
    assertOk(verifySigV4(req, store, later(300)));
    assert.equal(assertFail(verifySigV4(req, store, later(301)), "RequestExpired"), "Request has expired.");
    assertFail(verifySigV4(req, store, later(200), { maxPresignSeconds: 100 }), "RequestExpired");
    assertOk(verifySigV4(req, store, later(900), { fixedValiditySeconds: 900 }));
    assertFail(verifySigV4(req, store, later(901), { fixedValiditySeconds: 900 }), "RequestExpired");
    assertFail(verifySigV4(req, store, later(-16 * 60)), "RequestExpired");
  });

  it("reports a request without any authentication", async () => {
    const req = await sign(createCluster, "eks");
    delete req.headers.authorization;
    assert.equal(assertFail(verifySigV4(req, store, later(0)), "MissingAuthentication"), "Missing Authentication Token");
  });

  it("reports a malformed Authorization header", async () => {
    const req = await sign(createCluster, "eks");
    req.headers.authorization = "Bearer eyJhbGciOi";
    const message = assertFail(verifySigV4(req, store, later(0)), "IncompleteSignature");
    assert.equal(
      message,
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer eyJhbGciOi",
    );

    const noDate = await sign(createCluster, "eks");
    delete noDate.headers["x-amz-date"];
    assert.match(assertFail(verifySigV4(noDate, store, later(0)), "IncompleteSignature"), /'X-Amz-Date' or a 'Date' header/);

    const partial = await sign(createCluster, "eks");
    partial.headers.authorization = String(partial.headers.authorization).replace(/, Signature=[0-9a-f]+/, "");
    assert.match(assertFail(verifySigV4(partial, store, later(0)), "IncompleteSignature"), /requires 'Signature' parameter/);

    const badPair = await sign(createCluster, "eks");
    badPair.headers.authorization = String(badPair.headers.authorization).replace("Credential=", "Credential ");
    assert.match(assertFail(verifySigV4(badPair, store, later(0)), "IncompleteSignature"), /not a valid key=value pair/);

    const badScope = await sign(createCluster, "eks");
    badScope.headers.authorization = String(badScope.headers.authorization).replace("/aws4_request", "/aws5_request");
    assert.match(assertFail(verifySigV4(badScope, store, later(0)), "IncompleteSignature"), /valid terminator/);

    const noHost = await sign({ ...createCluster, headers: { "content-type": "application/json" } }, "eks");
    noHost.headers.host = HOST;
    assert.match(assertFail(verifySigV4(noHost, store, later(0)), "IncompleteSignature"), /'Host' or ':authority'/);

    const badDate = await sign(createCluster, "eks");
    badDate.headers["x-amz-date"] = "2026-01-01T00:00:00Z";
    assert.match(assertFail(verifySigV4(badDate, store, later(0)), "IncompleteSignature"), /ISO-8601 'basic format'/);
  });

  it("reports incomplete presigned query parameters", async () => {
    const req = await presign(describeCluster, 60);
    const without = (name: string) => ({ ...req, rawQuery: req.rawQuery.split("&").filter((p) => !p.startsWith(`${name}=`)).join("&") });
    assert.match(assertFail(verifySigV4(without("X-Amz-Date"), store, later(0)), "IncompleteSignature"), /requires the X-Amz-Algorithm/);
    assertFail(verifySigV4(without("X-Amz-Expires"), store, later(0)), "IncompleteSignature");
    assertFail(verifySigV4({ ...req, rawQuery: `${req.rawQuery}&X-Amz-Date=20260101T000000Z` }, store, later(0)), "IncompleteSignature");
    const both = { ...req, headers: { ...req.headers, authorization: "AWS4-HMAC-SHA256 Credential=x" } };
    assertFail(verifySigV4(both, store, later(0)), "IncompleteSignature");
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

/** A clean environment for the AWS CLI: only test/test, no profile, no retries, no IMDS. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_MAX_ATTEMPTS: "1",
    AWS_RETRY_MODE: "standard",
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

/** Runs an `aws` command against a local server that records the request and answers `reply`. */
async function captureCliRequest(
  args: string[],
  reply: { contentType: string; body: string },
): Promise<IncomingSignedRequest> {
  let captured: IncomingSignedRequest | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      captured ??= {
        method: req.method ?? "GET",
        rawPath: q < 0 ? url : url.slice(0, q),
        rawQuery: q < 0 ? "" : url.slice(q + 1),
        headers: { ...req.headers },
        body: Buffer.concat(chunks),
      };
      res.writeHead(200, { "content-type": reply.contentType }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await promisify(execFile)("aws", [...args, "--endpoint-url", `http://127.0.0.1:${port}`], {
      env: cliEnv({ AWS_DEFAULT_REGION: "us-east-1" }),
      timeout: 60_000,
    }).catch(() => undefined);
  } finally {
    server.close();
  }
  assert.ok(captured, "the CLI sent no request");
  return captured;
}

function dateOf(req: IncomingSignedRequest): Date {
  const v = String(req.headers["x-amz-date"]);
  return new Date(`${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T${v.slice(9, 11)}:${v.slice(11, 13)}:${v.slice(13, 15)}Z`);
}

describe("verifySigV4 against the real AWS CLI", { skip: onPath("aws") ? false : "aws CLI not on PATH" }, () => {
  it("verifies `aws sts get-caller-identity` (query protocol, form body)", async () => {
    const req = await captureCliRequest(["sts", "get-caller-identity"], {
      contentType: "text/xml",
      body:
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
        "<Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account>" +
        "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
    });
    assert.equal(req.method, "POST");
    assert.match(Buffer.from(req.body).toString(), /Action=GetCallerIdentity/);
    const result = verifySigV4(req, store, dateOf(req));
    assertOk(result);
    assert.equal(result.service, "sts");
    assert.equal(result.region, "us-east-1");
    assert.equal(result.accessKey.principal.arn, "arn:aws:iam::000000000000:root");

    req.body = Buffer.from("Action=GetCallerIdentity&Version=2011-06-15&X=1");
    assertFail(verifySigV4(req, store, dateOf(req)), "SignatureDoesNotMatch");
  });

  it("verifies `aws eks list-clusters` (rest-json GET)", async () => {
    const req = await captureCliRequest(["eks", "list-clusters", "--max-items", "5", "--page-size", "3"], {
      contentType: "application/json",
      body: '{"clusters":[]}',
    });
    assert.equal(req.method, "GET");
    assert.equal(req.rawPath, "/clusters");
    const result = verifySigV4(req, store, dateOf(req));
    assertOk(result);
    assert.equal(result.service, "eks");
    assertFail(verifySigV4(req, store, new Date(dateOf(req).getTime() + 16 * 60_000)), "RequestExpired");
  });

  it("verifies `aws eks untag-resource` (ARN label in the path, repeated query keys)", async () => {
    const args = ["eks", "untag-resource", "--resource-arn", "arn:aws:eks:us-east-1:000000000000:cluster/c 1", "--tag-keys", "b", "a"];
    const req = await captureCliRequest(args, { contentType: "application/json", body: "{}" });
    assert.equal(req.method, "DELETE");
    assert.equal(req.rawPath, "/tags/arn%3Aaws%3Aeks%3Aus-east-1%3A000000000000%3Acluster%2Fc%201");
    assert.equal(req.rawQuery, "tagKeys=b&tagKeys=a");
    assertOk(verifySigV4(req, store, dateOf(req)));
    assertFail(verifySigV4({ ...req, rawQuery: "tagKeys=b" }, store, dateOf(req)), "SignatureDoesNotMatch");
  });
});
