import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * What users of the real kubectl (oldest and newest supported) see when they send bad input or bad
 * credentials to a cluster's API server: upstream's error texts, and nothing stored.
 */
const CLUSTER = "bad-input";
const TYPO_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: typo
data:
  a: "1"
spec:
  replicas: 1
`;
const RFC1123_LABEL =
  `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character ` +
  `(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;

describe("kubectl and bad input", { timeout: 600_000 }, () => {
  let t: TestEnv;
  const aws = (...args: string[]) => run("aws", args, t.env);

  before(async () => {
    t = await startTestMinieks();
    const subnets = JSON.parse((await aws("ec2", "describe-subnets", "--output", "json")).stdout).Subnets as { SubnetId: string }[];
    const create = await aws(
      "eks", "create-cluster", "--name", CLUSTER, "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster",
      "--resources-vpc-config", `subnetIds=${subnets[0]?.SubnetId},${subnets[1]?.SubnetId}`,
    );
    assert.equal(create.code, 0, create.stderr);
    const wait = await aws("eks", "wait", "cluster-active", "--name", CLUSTER);
    assert.equal(wait.code, 0, wait.stderr);
    const kubeconfig = await aws("eks", "update-kubeconfig", "--name", CLUSTER);
    assert.equal(kubeconfig.code, 0, kubeconfig.stderr);
    writeFileSync(join(t.dir, "typo.yaml"), TYPO_YAML);
    // Over the API server's 3 MiB body limit, under ConfigMap's 1 MiB data limit times four.
    writeFileSync(join(t.dir, "big.txt"), "a".repeat(4 * 1024 * 1024));
  });
  after(async () => t?.close());

  for (const version of ["1.27", "1.33"]) {
    it(`kubectl ${version} shows upstream's errors and the server stores nothing`, async () => {
      const ns = `v${version.replace(".", "")}`;
      const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, `cache-${version}`), ...args], t.env);
      const fails = async (args: string[], stderr: string | RegExp) => {
        const r = await kubectl(...args);
        assert.notEqual(r.code, 0, `kubectl ${args.join(" ")} succeeded: ${r.stdout}`);
        if (typeof stderr === "string") assert.equal(r.stderr.trim(), stderr, args.join(" "));
        else assert.match(r.stderr, stderr, args.join(" "));
      };
      assert.equal((await kubectl("create", "ns", ns)).stdout.trim(), `namespace/${ns} created`);

      await fails(["create", "ns", "Bad_Name"], `The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${RFC1123_LABEL}`);
      await fails(["get", "ns", "Bad_Name"], 'Error from server (NotFound): namespaces "Bad_Name" not found');

      await fails(["-n", ns, "get", "pods", "-l", "a in (b"], /^Error from server \(BadRequest\): .*unable to parse requirement: found '', expected: ',' or '\)'$/m);
      await fails(["-n", ns, "get", "pods", "--field-selector", "spec.foo=x"], /^Error from server \(BadRequest\): .*field label not supported: spec\.foo$/m);
      await fails(["-n", ns, "get", "cm", "nope"], 'Error from server (NotFound): configmaps "nope" not found');
      await fails(["get", "--raw", `/api/v1/namespaces/${ns}/pods?limit=x`], "Error from server (BadRequest): limit must be a non-negative integer");

      const typo = join(t.dir, "typo.yaml");
      await fails(
        ["-n", ns, "apply", "-f", typo],
        `Error from server (BadRequest): error when creating "${typo}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"`,
      );
      await fails(["-n", ns, "get", "cm", "typo"], 'Error from server (NotFound): configmaps "typo" not found');

      await fails(["-n", ns, "create", "cm", "big", `--from-file=${join(t.dir, "big.txt")}`], "error: failed to create configmap: Request entity too large: limit is 3145728");
      await fails(["-n", ns, "get", "cm", "big"], 'Error from server (NotFound): configmaps "big" not found');

      const warned = await kubectl("-n", ns, "apply", "--validate=warn", "-f", typo);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /^Warning: unknown field "spec"$/m);
      assert.equal(warned.stdout.trim(), "configmap/typo created");
      const stored = await kubectl("-n", ns, "get", "cm", "typo", "-o", "json");
      assert.equal(stored.code, 0, stored.stderr);
      assert.equal(JSON.parse(stored.stdout).spec, undefined);

      const all = await kubectl("-n", ns, "get", "cm,pods,secrets", "-o", "name");
      assert.equal(all.code, 0, all.stderr);
      // Besides kube-root-ca.crt, which every namespace gets, only the one accepted object is stored.
      assert.deepEqual(all.stdout.trim().split("\n").filter((l) => l !== "configmap/kube-root-ca.crt"), ["configmap/typo"]);
    });
  }

  it("answers a request without a token, with a garbage token or with another cluster's token with 401", async () => {
    const kubectl = (...args: string[]) => run(kubectlBinary("1.33"), ["--cache-dir", join(t.dir, "cache-auth"), ...args], t.env);
    const token = async (cluster: string) => {
      const r = await aws("eks", "get-token", "--cluster-name", cluster, "--output", "json");
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).status.token as string;
    };
    const unauthorized = "error: You must be logged in to the server (Unauthorized)";

    // --token replaces the kubeconfig's exec credential, so a valid token works and a bad one is all the server sees.
    const good = await kubectl(`--token=${await token(CLUSTER)}`, "get", "ns", "default", "-o", "name");
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout.trim(), "namespace/default");

    const garbage = await kubectl("--token=garbage", "get", "ns");
    assert.notEqual(garbage.code, 0);
    assert.equal(garbage.stderr.trim(), unauthorized);

    const other = await kubectl(`--token=${await token("other")}`, "get", "ns");
    assert.notEqual(other.code, 0);
    assert.equal(other.stderr.trim(), unauthorized);

    // No Authorization header at all (kubectl would prompt for a password instead of sending that).
    const server = new URL((await kubectl("config", "view", "--minify", "--raw", "-o", "jsonpath={.clusters[0].cluster.server}")).stdout.trim());
    const ca = Buffer.from((await kubectl("config", "view", "--minify", "--raw", "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}")).stdout.trim(), "base64");
    const anonymous = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: server.hostname, port: server.port, path: "/api/v1/namespaces", ca }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(JSON.parse(anonymous.body), { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
  });
});
