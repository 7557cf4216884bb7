import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { UserInfo } from "../../api/types.js";
import type { AuthorizationAttributes } from "./authorizer.js";
import { authCluster, core, type AuthCluster } from "./auth-harness.case.js";
import { nodeIdentity } from "./node-authorizer.js";

const BOUNDED = { timeout: 20_000 };
const kubelet: UserInfo = { username: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };
const attrs = (verb: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({
  user: kubelet,
  verb,
  group: "",
  version: "v1",
  resource,
  ...extra,
});

describe("the Node authorizer", BOUNDED, () => {
  let c: AuthCluster;
  const allowed = async (a: AuthorizationAttributes) => (await c.auth.authorizer.authorize(a)).allowed;
  before(async () => {
    c = await authCluster();
    await c.admin.create(core("serviceaccounts", "default"), { metadata: { name: "default" } });
    await c.admin.create(core("serviceaccounts", "default"), { metadata: { name: "app" } });
    await c.admin.create(core("pods", "default"), {
      metadata: { name: "on-n1" },
      spec: {
        nodeName: "n1",
        serviceAccountName: "app",
        containers: [{ name: "c", image: "nginx", envFrom: [{ secretRef: { name: "db" } }] }],
        volumes: [{ name: "cfg", configMap: { name: "settings" } }],
      },
    });
    await c.admin.create(core("pods", "default"), { metadata: { name: "on-n2" }, spec: { nodeName: "n2", containers: [{ name: "c", image: "nginx" }] } });
  });
  after(() => c.close());

  it("identifies kubelets by user name and group", () => {
    assert.equal(nodeIdentity(kubelet), "n1");
    assert.equal(nodeIdentity({ username: "system:node:n1", groups: [] }), undefined);
    assert.equal(nodeIdentity({ username: "alice", groups: ["system:nodes"] }), undefined);
  });

  it("lets a kubelet read its own Node and Lease, not others'", async () => {
    assert.equal(await allowed(attrs("get", "nodes", { name: "n1" })), true);
    assert.equal(await allowed(attrs("patch", "nodes", { name: "n1", subresource: "status" })), true);
    assert.equal(await allowed(attrs("create", "nodes")), true);
    const other = await c.auth.authorizer.authorize(attrs("get", "nodes", { name: "n2" }));
    assert.deepEqual(other, { allowed: false, reason: "node 'n1' cannot read 'n2', only its own Node object" });
    assert.equal(await allowed(attrs("list", "nodes")), false);
    assert.equal(await allowed(attrs("list", "nodes", { name: "n1" })), true);
    const lease = { group: "coordination.k8s.io", namespace: "kube-node-lease" };
    assert.equal(await allowed(attrs("update", "leases", { ...lease, name: "n1" })), true);
    assert.equal(await allowed(attrs("create", "leases", lease)), true);
    assert.deepEqual(await c.auth.authorizer.authorize(attrs("update", "leases", { ...lease, name: "n2" })), {
      allowed: false,
      reason: "can only access node lease with the same name as the requesting node",
    });
  });

  it("lets a kubelet read its pods (list/watch only by spec.nodeName) and write their status", async () => {
    assert.equal(await allowed(attrs("get", "pods", { namespace: "default", name: "on-n1" })), true);
    assert.equal(await allowed(attrs("get", "pods", { namespace: "default", name: "on-n2" })), false);
    assert.equal(await allowed(attrs("list", "pods", { fieldSelector: "spec.nodeName=n1" })), true);
    assert.deepEqual(await c.auth.authorizer.authorize(attrs("list", "pods")), { allowed: false, reason: "can only list/watch pods with spec.nodeName field selector" });
    assert.equal(await allowed(attrs("patch", "pods", { namespace: "default", name: "on-n1", subresource: "status" })), true);
    assert.equal(await allowed(attrs("create", "events", { namespace: "default" })), true);
    assert.equal(await allowed(attrs("create", "deployments", { group: "apps", namespace: "default" })), false);
  });

  it("lets a kubelet read only the secrets and config maps its pods use, and tokens of their service accounts", async () => {
    assert.equal(await allowed(attrs("get", "secrets", { namespace: "default", name: "db" })), true);
    assert.deepEqual(await c.auth.authorizer.authorize(attrs("get", "secrets", { namespace: "default", name: "other" })), {
      allowed: false,
      reason: "no relationship found between node 'n1' and this object",
    });
    assert.equal(await allowed(attrs("get", "configmaps", { namespace: "default", name: "settings" })), true);
    assert.equal(await allowed(attrs("update", "configmaps", { namespace: "default", name: "settings" })), false);
    assert.equal(await allowed(attrs("create", "serviceaccounts", { namespace: "default", name: "app", subresource: "token" })), true);
    assert.equal(await allowed(attrs("create", "serviceaccounts", { namespace: "default", name: "default", subresource: "token" })), false);
  });

  it("has no opinion about other users", async () => {
    assert.equal(await allowed({ ...attrs("get", "nodes", { name: "n1" }), user: { username: "alice", groups: ["system:authenticated"] } }), false);
  });
});
