import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import type { StoredObject } from "../../api/types.js";
import { testKeys } from "../../apiserver/auth/auth-harness.case.js";
import { legacyTokenGenerator } from "../../apiserver/auth/legacy-service-account-token.js";
import { ServiceAccountTokens } from "../../apiserver/auth/service-account-token.js";
import { StatusError } from "../../apiserver/status.js";
import type { ResourceRef } from "../../client/in-process-client.js";
import { TestCluster } from "../common/test-cluster.js";
import { TokensController } from "./tokens-controller.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
const SAS: ResourceRef = { version: "v1", plural: "serviceaccounts", namespace: "default" };
const SECRETS: ResourceRef = { version: "v1", plural: "secrets", namespace: "default" };
const tokens = new ServiceAccountTokens(testKeys(), "https://oidc.eks.us-west-2.amazonaws.com/id/X", ["https://kubernetes.default.svc"], new FakeClock());
const text = (secret: StoredObject, key: string) => Buffer.from(String((secret.data as Record<string, string> | undefined)?.[key] ?? ""), "base64").toString("utf8");
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, string>;

const tokenSecret = (name: string, account: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, annotations: { "kubernetes.io/service-account.name": account } },
  type: "kubernetes.io/service-account-token",
  ...extra,
});

async function start() {
  const c = await TestCluster.start();
  const controller = new TokensController(c.kcm, legacyTokenGenerator(tokens), CA).start();
  const gone = async (name: string) => {
    try {
      await c.get(SECRETS, name);
      return false;
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return true;
      throw error;
    }
  };
  return { c, controller, gone };
}

describe("serviceaccount-token controller", () => {
  it("fills a token Secret with a legacy token, the CA, the namespace and the account's uid", async () => {
    const { c, controller } = await start();
    const sa = await c.create(SAS, { metadata: { name: "robot" } });
    await c.create(SECRETS, tokenSecret("robot-token", "robot", { metadata: { name: "robot-token", annotations: { "kubernetes.io/service-account.name": "robot" }, labels: { keep: "me" } } }));
    await c.until("the token is written", async () => text(await c.get(SECRETS, "robot-token"), "token") !== "");
    const secret = await c.get(SECRETS, "robot-token");
    assert.equal(text(secret, "ca.crt"), CA);
    assert.equal(text(secret, "namespace"), "default");
    assert.equal(secret.metadata.annotations?.["kubernetes.io/service-account.uid"], sa.metadata.uid);
    assert.equal(secret.metadata.labels?.keep, "me");
    const token = text(secret, "token");
    assert.deepEqual(claimsOf(token), {
      iss: "kubernetes/serviceaccount",
      "kubernetes.io/serviceaccount/namespace": "default",
      "kubernetes.io/serviceaccount/secret.name": "robot-token",
      "kubernetes.io/serviceaccount/service-account.name": "robot",
      "kubernetes.io/serviceaccount/service-account.uid": sa.metadata.uid,
      sub: "system:serviceaccount:default:robot",
    });
    // A changed CA is put back; the token stays the same.
    await c.admin.patch({ ...SECRETS, name: "robot-token" }, { data: { "ca.crt": Buffer.from("tampered").toString("base64") } });
    await c.until("the CA is restored", async () => text(await c.get(SECRETS, "robot-token"), "ca.crt") === CA);
    assert.equal(text(await c.get(SECRETS, "robot-token"), "token"), token);
    controller.stop();
  });

  it("deletes a token Secret whose service account does not exist", async () => {
    const { c, controller, gone } = await start();
    await c.create(SECRETS, tokenSecret("orphan", "nobody"));
    await c.until("the orphan token is deleted", () => gone("orphan"));
    // Other Secrets are not its business.
    await c.create(SECRETS, { metadata: { name: "plain", annotations: { "kubernetes.io/service-account.name": "nobody" } }, type: "Opaque", data: {} });
    await c.settle(50);
    assert.equal(await gone("plain"), false);
    controller.stop();
  });

  it("deletes an account's token Secrets with the account, and no other account's", async () => {
    const { c, controller, gone } = await start();
    const first = await c.create(SAS, { metadata: { name: "robot" } });
    await c.create(SAS, { metadata: { name: "other" } });
    await c.create(SECRETS, tokenSecret("robot-a", "robot"));
    await c.create(SECRETS, tokenSecret("robot-b", "robot"));
    await c.create(SECRETS, tokenSecret("other-a", "other"));
    for (const name of ["robot-a", "robot-b", "other-a"]) await c.until(`${name} is filled`, async () => text(await c.get(SECRETS, name), "token") !== "");
    await c.admin.delete({ ...SAS, name: "robot" });
    await c.until("the account's tokens are deleted", async () => (await gone("robot-a")) && (await gone("robot-b")));
    assert.equal(await gone("other-a"), false);
    // A new account of the same name gets tokens of its own uid.
    const second = await c.create(SAS, { metadata: { name: "robot" } });
    await c.create(SECRETS, tokenSecret("robot-c", "robot"));
    await c.until("robot-c is filled", async () => text(await c.get(SECRETS, "robot-c"), "token") !== "");
    const c2 = await c.get(SECRETS, "robot-c");
    assert.equal(c2.metadata.annotations?.["kubernetes.io/service-account.uid"], second.metadata.uid);
    assert.notEqual(second.metadata.uid, first.metadata.uid);
    await c.settle(50);
    assert.equal(await gone("robot-c"), false);
    controller.stop();
  });

  it("removes a deleted token Secret from its account's secrets list", async () => {
    const { c, controller } = await start();
    await c.create(SAS, { metadata: { name: "robot" }, secrets: [{ name: "robot-token" }, { name: "keep" }] });
    await c.create(SECRETS, tokenSecret("robot-token", "robot"));
    await c.until("the token is written", async () => text(await c.get(SECRETS, "robot-token"), "token") !== "");
    await c.admin.delete({ ...SECRETS, name: "robot-token" });
    await c.until("the reference is removed", async () => JSON.stringify((await c.get(SAS, "robot")).secrets) === JSON.stringify([{ name: "keep" }]));
    controller.stop();
  });
});
