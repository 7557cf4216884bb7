import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ADMIN, authCluster, grant, type AuthCluster } from "./auth-harness.case.js";
import { impersonate, wantsImpersonation } from "./impersonation.js";

const BOUNDED = { timeout: 20_000 };

describe("impersonation headers", BOUNDED, () => {
  let c: AuthCluster;
  before(async () => {
    c = await authCluster();
    await c.admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "x" } });
  });
  after(() => c.close());

  it("lets system:masters act as a user, adding system:authenticated", async () => {
    assert.equal(wantsImpersonation({ "impersonate-user": "alice" }), true);
    assert.equal(wantsImpersonation({ authorization: "Bearer x" }), false);
    assert.deepEqual(await impersonate(ADMIN, { "impersonate-user": ["alice"] }, c.auth.authorizer), {
      user: { username: "alice", groups: ["system:authenticated"] },
    });
    assert.deepEqual(
      await impersonate(ADMIN, { "impersonate-user": ["alice"], "impersonate-group": ["dev", "ops"], "impersonate-uid": ["u-1"], "impersonate-extra-scopes": ["a", "b"] }, c.auth.authorizer),
      { user: { username: "alice", groups: ["dev", "ops", "system:authenticated"], uid: "u-1", extra: { scopes: ["a", "b"] } } },
    );
  });

  it("gives a service account its fixed groups unless groups were asked for", async () => {
    const sa = await impersonate(ADMIN, { "impersonate-user": ["system:serviceaccount:x:robot"] }, c.auth.authorizer);
    assert.deepEqual(sa, { user: { username: "system:serviceaccount:x:robot", groups: ["system:serviceaccounts", "system:serviceaccounts:x", "system:authenticated"] } });
    const anonymous = await impersonate(ADMIN, { "impersonate-user": ["system:anonymous"] }, c.auth.authorizer);
    assert.deepEqual(anonymous, { user: { username: "system:anonymous", groups: ["system:unauthenticated"] } });
  });

  it("refuses what the requester may not impersonate, with upstream's messages", async () => {
    const bob = { username: "bob", groups: ["system:authenticated"] };
    const refused = await impersonate(bob, { "impersonate-user": ["alice"] }, c.auth.authorizer);
    assert.ok("error" in refused);
    assert.equal(refused.error.code, 403);
    assert.equal(refused.error.message, 'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    assert.deepEqual(refused.error.details, { name: "alice", kind: "users" });

    await grant(c, "x", "bob", ["impersonate"], ["serviceaccounts"]);
    const inX = await impersonate(bob, { "impersonate-user": ["system:serviceaccount:x:robot"] }, c.auth.authorizer);
    assert.ok("user" in inX);
    const inY = await impersonate(bob, { "impersonate-user": ["system:serviceaccount:y:robot"] }, c.auth.authorizer);
    assert.ok("error" in inY);
    assert.equal(inY.error.message, 'serviceaccounts "robot" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "y"');
    const extra = await impersonate(bob, { "impersonate-user": ["system:serviceaccount:x:robot"], "impersonate-extra-scopes": ["a"] }, c.auth.authorizer);
    assert.ok("error" in extra);
    assert.equal(extra.error.message, 'userextras.authentication.k8s.io "a" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope');
  });

  it("answers 500 for groups without a user", async () => {
    const result = await impersonate(ADMIN, { "impersonate-group": ["system:masters"] }, c.auth.authorizer);
    assert.ok("error" in result);
    assert.equal(result.error.code, 500);
    assert.equal(result.error.message, "Internal error occurred: requested [{Group  system:masters    }] without impersonating a user");
  });
});
