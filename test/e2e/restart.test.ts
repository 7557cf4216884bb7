import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * Rule 1 of the design, seen from a user: state lives in SQLite under the data directory, so
 * after a restart the cluster is still ACTIVE, its API server is back on the same endpoint with
 * the same CA (the kubeconfig keeps working), and the objects are all there.
 */
describe("restart with the SQLite store", () => {
  let t: TestEnv | undefined;
  after(async () => {
    if (t) await t.close();
  });

  it("keeps clusters, their endpoint and their objects", async () => {
    t = await startTestMinieks("eu-west-1", { storage: "sqlite" });
    const { dir, minieks } = t;
    const aws = (...args: string[]) => run("aws", args, t?.env ?? {});
    const kubectl = (...args: string[]) => run(kubectlBinary("1.33"), ["--cache-dir", join(dir, "kube-cache"), ...args], t?.env ?? {});

    const subnets = JSON.parse((await aws("ec2", "describe-subnets", "--query", "Subnets[0:2].SubnetId", "--output", "json")).stdout) as string[];
    const created = await aws("eks", "create-cluster", "--name", "durable", "--role-arn", "arn:aws:iam::000000000000:role/eks",
      "--resources-vpc-config", `subnetIds=${subnets.join(",")}`);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await aws("eks", "wait", "cluster-active", "--name", "durable")).code, 0);
    assert.equal((await aws("eks", "update-kubeconfig", "--name", "durable")).code, 0);
    const cm = await kubectl("create", "configmap", "kept", "--from-literal=k=v");
    assert.equal(cm.code, 0, cm.stderr);
    const before = JSON.parse((await aws("eks", "describe-cluster", "--name", "durable")).stdout).cluster;
    const subnetsBefore = (await aws("ec2", "describe-subnets", "--subnet-ids", ...subnets, "--query", "Subnets[].AvailableIpAddressCount", "--output", "json")).stdout;

    const port = minieks.port;
    await t.close(true);
    t = await startTestMinieks("eu-west-1", { storage: "sqlite", dir, port });

    const after = JSON.parse((await aws("eks", "describe-cluster", "--name", "durable")).stdout).cluster;
    assert.equal(after.status, "ACTIVE");
    assert.equal(after.endpoint, before.endpoint);
    assert.equal(after.certificateAuthority.data, before.certificateAuthority.data);
    const subnetsAfter = (await aws("ec2", "describe-subnets", "--subnet-ids", ...subnets, "--query", "Subnets[].AvailableIpAddressCount", "--output", "json")).stdout;
    assert.equal(subnetsAfter, subnetsBefore, "the control-plane ENI addresses stay taken");
    const got = await kubectl("get", "configmap", "kept", "-o", "jsonpath={.data.k}");
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, "v");
    rmSync(join(dir, "kube-cache"), { recursive: true, force: true });
  });
});
