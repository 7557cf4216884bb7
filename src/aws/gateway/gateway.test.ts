import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { loadConfig } from "../../config/config.js";
import { startMinieks, type Minieks } from "../../main.js";

/**
 * Bad input at the AWS endpoint: each class gets a clear error in the protocol's own format,
 * nothing is stored, and the server keeps serving. Requests a real client would never send are
 * built and signed here with the official signer; the rest use the real aws CLI.
 */
describe("AWS gateway bad input", () => {
  let minieks: Minieks;
  const region = "eu-west-1";

  before(async () => {
    minieks = await startMinieks(loadConfig({ port: 0, storage: "memory", dataDir: mkdtempSync(join(tmpdir(), "minieks-gw-")) }));
  });
  after(async () => minieks.stop());

  async function signed(
    service: string,
    method: string,
    path: string,
    body: string,
    options: { contentType?: string; secret?: string; date?: Date; query?: Record<string, string> } = {},
  ) {
    const url = new URL(minieks.endpoint);
    const signer = new SignatureV4({
      service,
      region,
      sha256: Sha256,
      credentials: { accessKeyId: "test", secretAccessKey: options.secret ?? "test" },
    });
    const request = await signer.sign(
      {
        method,
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path,
        query: options.query ?? {},
        headers: { host: url.host, "content-type": options.contentType ?? "application/json" },
        body,
      },
      { signingDate: options.date ?? new Date() },
    );
    const query = new URLSearchParams(options.query ?? {}).toString();
    const res = await fetch(`${minieks.endpoint}${path}${query ? `?${query}` : ""}`, {
      method,
      headers: request.headers as Record<string, string>,
      body: method === "GET" ? undefined : body,
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  const eksError = (reply: { status: number; headers: Headers; text: string }) => ({
    status: reply.status,
    type: reply.headers.get("x-amzn-errortype"),
    message: (JSON.parse(reply.text) as { message: string }).message,
  });

  it("refuses malformed JSON with SerializationException", async () => {
    const e = eksError(await signed("eks", "POST", "/clusters", "{not json"));
    assert.deepEqual([e.status, e.type], [400, "SerializationException"]);
  });

  it("names a missing required parameter", async () => {
    const e = eksError(await signed("eks", "POST", "/clusters", JSON.stringify({ name: "x", resourcesVpcConfig: {} })));
    assert.deepEqual(e, { status: 400, type: "InvalidParameterException", message: "Missing required parameter: roleArn" });
  });

  it("refuses a parameter of the wrong type", async () => {
    const e = eksError(await signed("eks", "POST", "/clusters", JSON.stringify({ name: 5, roleArn: "r", resourcesVpcConfig: {} })));
    assert.equal(e.type, "InvalidParameterException");
    assert.match(e.message, /^Invalid value for parameter name:/);
  });

  it("answers an unknown route and a known but unimplemented operation differently", async () => {
    assert.deepEqual(eksError(await signed("eks", "GET", "/no-such-thing", "")).type, "UnknownOperationException");
    const e = eksError(await signed("eks", "GET", "/clusters/x/addons", ""));
    assert.deepEqual(e, { status: 501, type: "NotImplemented", message: "minieks does not implement eks:ListAddons yet" });
  });

  it("refuses bodies over 3 MiB with 413", async () => {
    const reply = await signed("eks", "POST", "/clusters", JSON.stringify({ name: "x".repeat(3 * 1024 * 1024) }));
    assert.equal(reply.status, 413);
    assert.equal(reply.headers.get("x-amzn-errortype"), "RequestEntityTooLarge");
  });

  it("refuses a request signed more than 15 minutes ago", async () => {
    const e = eksError(await signed("eks", "GET", "/clusters", "", { date: new Date(Date.now() - 16 * 60_000) }));
    assert.equal(e.type, "RequestExpired");
    assert.match(e.message, /^Signature expired:/);
  });

  it("answers query-protocol errors in XML", async () => {
    const missingAction = await signed("sts", "POST", "/", "Version=2011-06-15", { contentType: "application/x-www-form-urlencoded; charset=utf-8" });
    assert.equal(missingAction.status, 400);
    assert.match(missingAction.text, /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>MissingAction<\/Code>/);
    const unknown = await signed("ec2", "POST", "/", "Action=RunInstances&Version=2016-11-15", { contentType: "application/x-www-form-urlencoded; charset=utf-8" });
    assert.equal(unknown.status, 501);
    assert.match(unknown.text, /<Response><Errors><Error><Code>NotImplemented<\/Code><Message>minieks does not implement ec2:RunInstances yet<\/Message>/);
    const badCidr = await signed("ec2", "POST", "/", "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0/8", { contentType: "application/x-www-form-urlencoded" });
    assert.match(badCidr.text, /<Code>InvalidVpc.Range<\/Code><Message>The CIDR (&apos;|')10.0.0.0\/8(&apos;|') is invalid.<\/Message>/);
  });

  it("reports unknown keys and bad signatures through the real CLI, and stored nothing", async () => {
    // Asynchronous on purpose: the server runs in this process and must keep answering.
    const cli = (args: string[], key: string, secret: string) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        const env = {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PYENV_ROOT: process.env.PYENV_ROOT,
          AWS_ACCESS_KEY_ID: key,
          AWS_SECRET_ACCESS_KEY: secret,
          AWS_DEFAULT_REGION: region,
          AWS_ENDPOINT_URL: minieks.endpoint,
          AWS_CONFIG_FILE: "/nonexistent",
          AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
          AWS_MAX_ATTEMPTS: "1",
        };
        execFile("aws", args, { env, timeout: 60_000 }, (error, stdout, stderr) => resolve({ status: error ? 1 : 0, stdout, stderr }));
      });
    assert.match((await cli(["sts", "get-caller-identity"], "AKIAUNKNOWN", "x")).stderr, /\(InvalidClientTokenId\).*The security token included in the request is invalid/);
    assert.match((await cli(["eks", "list-clusters"], "AKIAUNKNOWN", "x")).stderr, /\(UnrecognizedClientException\)/);
    assert.match((await cli(["eks", "list-clusters"], "test", "wrong")).stderr, /\(SignatureDoesNotMatch\)/);
    assert.match((await cli(["eks", "create-cluster", "--name", "bad name", "--role-arn", "arn:aws:iam::000000000000:role/r", "--resources-vpc-config", "subnetIds=a,b"], "test", "test")).stderr, /\(InvalidParameterException\).*cluster name 'bad name' is invalid/);
    assert.match((await cli(["eks", "list-addons", "--cluster-name", "x"], "test", "test")).stderr, /\(NotImplemented\).*minieks does not implement eks:ListAddons yet/);
    const list = await cli(["eks", "list-clusters", "--output", "json"], "test", "test");
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), { clusters: [] });
  });
});
