import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { StatusError } from "../status.js";
import { authCluster, core, grant, rbac, type AuthCluster } from "./auth-harness.case.js";

const BOUNDED = { timeout: 20_000 };

async function refused(promise: Promise<unknown>, code: number, message: string | RegExp): Promise<StatusError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof StatusError, String(error));
    assert.equal(error.code, code, error.message);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return error;
  }
  assert.fail("the request succeeded");
}

describe("RBAC through the API", BOUNDED, () => {
  let c: AuthCluster;
  before(async () => {
    c = await authCluster({ aggregation: true });
    await c.admin.create(core("namespaces"), { metadata: { name: "x" } });
  });
  after(() => c.close());

  it("creates the default roles and bindings once, and again changes nothing", async () => {
    const roles = await c.admin.list(rbac("clusterroles"));
    const names = roles.items.map((r) => r.metadata.name);
    for (const name of ["cluster-admin", "admin", "edit", "view", "system:discovery", "system:basic-user", "system:public-info-viewer", "system:node", "system:node-proxier", "system:kube-scheduler", "system:kube-controller-manager", "system:kube-dns", "system:auth-delegator", "system:heapster", "system:controller:deployment-controller", "system:controller:clusterrole-aggregation-controller"]) {
      assert.ok(names.includes(name), `missing clusterrole ${name}`);
    }
    const crb = await c.admin.get(rbac("clusterrolebindings", undefined, "cluster-admin"));
    assert.deepEqual(crb.subjects, [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:masters" }]);
    const { ensureBootstrapPolicy } = await import("./bootstrap-reconcile.js");
    assert.deepEqual(await ensureBootstrapPolicy(c.admin), { created: 0, updated: 0 });
  });

  it("refuses a user without a binding with upstream's message, then allows what a RoleBinding grants", async () => {
    const alice = c.as("alice");
    await refused(alice.list(core("pods", "x")), 403, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "x"');
    await refused(alice.get(core("pods", "x", "p")), 403, 'pods "p" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "x"');
    await grant(c, "x", "alice", ["list", "get"], ["pods"]);
    assert.deepEqual((await alice.list(core("pods", "x"))).items, []);
    // Only in that namespace, and only those verbs.
    await refused(alice.list(core("pods", "default")), 403, /cannot list resource "pods" in API group "" in the namespace "default"$/);
    await refused(alice.delete(core("pods", "x", "p")), 403, /cannot delete resource "pods"/);
    await refused(alice.list(core("pods")), 403, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope');
  });

  it("authorizes non-resource paths: discovery for every authenticated user, nothing else", async () => {
    const alice = c.as("alice");
    assert.equal(((await alice.request("GET", "/version")) as { major: string }).major, "1");
    assert.equal(((await alice.request("GET", "/api")) as { kind: string }).kind, "APIVersions");
    assert.equal(((await alice.request("GET", "/apis/apps/v1")) as { kind: string }).kind, "APIResourceList");
    const error = await refused(alice.request("GET", "/metrics"), 403, 'forbidden: User "alice" cannot get path "/metrics"');
    assert.deepEqual(error.details, {});
    const anonymous = c.as({ username: "system:anonymous", groups: ["system:unauthenticated"] });
    assert.equal(await anonymous.request("GET", "/healthz"), "ok");
    await refused(anonymous.request("GET", "/api"), 403, 'forbidden: User "system:anonymous" cannot get path "/api"');
  });

  it("names the roles a binding refers to that do not exist", async () => {
    await c.admin.create(rbac("rolebindings", "x"), {
      metadata: { name: "dangling" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "nope" },
      subjects: [{ kind: "User", name: "carol" }],
    });
    await c.synced();
    await refused(
      c.as("carol").list(core("secrets", "x")),
      403,
      'secrets is forbidden: User "carol" cannot list resource "secrets" in API group "" in the namespace "x": RBAC: role.rbac.authorization.k8s.io "nope" not found',
    );
  });

  it("aggregates admin, edit and view from the labelled roles, and follows new ones", async () => {
    const view = await c.admin.get(rbac("clusterroles", undefined, "view"));
    const rules = view.rules as { resources?: string[]; verbs: string[] }[];
    assert.ok(rules.some((r) => r.resources?.includes("pods") && r.verbs.includes("list")));
    const admin = await c.admin.get(rbac("clusterroles", undefined, "admin"));
    assert.ok((admin.rules as { resources?: string[] }[]).some((r) => r.resources?.includes("rolebindings")), "admin has the rules of aggregate-to-admin");
    assert.ok((admin.rules as { resources?: string[] }[]).some((r) => r.resources?.includes("pods/log")), "admin has view's rules through edit");

    await c.admin.create(rbac("clusterroles"), {
      metadata: { name: "crontabs-view", labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } },
      rules: [{ verbs: ["get"], apiGroups: ["stable.example.com"], resources: ["crontabs"] }],
    });
    await c.synced();
    await c.synced();
    for (const role of ["view", "edit", "admin"]) {
      const got = await c.admin.get(rbac("clusterroles", undefined, role));
      assert.ok((got.rules as { resources?: string[] }[]).some((r) => r.resources?.includes("crontabs")), `${role} aggregated crontabs`);
    }
    // view bound in x: dave may read pods there but not secrets.
    await c.admin.create(rbac("rolebindings", "x"), {
      metadata: { name: "dave-view" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "User", name: "dave" }],
    });
    await c.synced();
    await c.as("dave").list(core("pods", "x"));
    await refused(c.as("dave").list(core("secrets", "x")), 403, /cannot list resource "secrets"/);
  });

  it("prevents escalation: roles only with rules held, bindings only to roles held, unless escalate/bind", async () => {
    await grant(c, "x", "erin", ["create", "update", "get"], ["roles", "rolebindings"], ["rbac.authorization.k8s.io"]);
    await grant(c, "x", "erin", ["get", "list"], ["configmaps"]);
    const erin = c.as("erin");
    await erin.create(rbac("roles", "x"), { metadata: { name: "cm-reader" }, rules: [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"] }] });
    await refused(
      erin.create(rbac("roles", "x"), { metadata: { name: "secret-reader" }, rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["secrets"] }] }),
      403,
      'roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "erin" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
    );
    await refused(
      erin.create(rbac("rolebindings", "x"), {
        metadata: { name: "erin-admin" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [{ kind: "User", name: "erin" }],
      }),
      403,
      /^rolebindings\.rbac\.authorization\.k8s\.io "erin-admin" is forbidden: user "erin" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n/,
    );
    await refused(
      erin.create(rbac("rolebindings", "x"), { metadata: { name: "b" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "missing" }, subjects: [] }),
      404,
      'roles.rbac.authorization.k8s.io "missing" not found',
    );
    // A binding to a role whose rules erin holds is fine.
    await erin.create(rbac("rolebindings", "x"), { metadata: { name: "frank-cm" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cm-reader" }, subjects: [{ kind: "User", name: "frank" }] });
    // With escalate and bind she may do both.
    await grant(c, "x", "erin", ["escalate", "bind"], ["roles", "clusterroles"], ["rbac.authorization.k8s.io"]);
    await erin.create(rbac("roles", "x"), { metadata: { name: "secret-reader" }, rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["secrets"] }] });
    await erin.create(rbac("rolebindings", "x"), {
      metadata: { name: "erin-admin" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subjects: [{ kind: "User", name: "erin" }],
    });
  });

  it("validates roles and bindings with upstream's messages; roleRef cannot change", async () => {
    await refused(c.admin.create(rbac("roles", "x"), { metadata: { name: "bad/name" }, rules: [] }), 422, 'Role.rbac.authorization.k8s.io "bad/name" is invalid: metadata.name: Invalid value: "bad/name": may not contain \'/\'');
    await refused(
      c.admin.create(rbac("roles", "x"), { metadata: { name: "r" }, rules: [{ verbs: [], apiGroups: [""], resources: ["pods"] }] }),
      422,
      'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    );
    await refused(
      c.admin.create(rbac("roles", "x"), { metadata: { name: "r" }, rules: [{ verbs: ["get"], nonResourceURLs: ["/x"] }] }),
      422,
      'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs',
    );
    await refused(
      c.admin.create(rbac("clusterrolebindings"), { metadata: { name: "b" }, roleRef: { kind: "Role", name: "r" }, subjects: [{ kind: "ServiceAccount", name: "s" }] }),
      422,
      'ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value]',
    );
    const created = await c.admin.create(rbac("rolebindings", "x"), { metadata: { name: "rb" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects: [{ kind: "User", name: "u" }] });
    assert.deepEqual(created.roleRef, { kind: "ClusterRole", name: "view", apiGroup: "rbac.authorization.k8s.io" });
    assert.deepEqual(created.subjects, [{ kind: "User", name: "u", apiGroup: "rbac.authorization.k8s.io" }]);
    await refused(
      c.admin.update(rbac("rolebindings", "x", "rb"), { ...created, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" } }),
      422,
      'RoleBinding.rbac.authorization.k8s.io "rb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    );
    // Names with colons, as the default roles have, are fine.
    await c.admin.create(rbac("clusterroles"), { metadata: { name: "team:reader" }, rules: [] });
  });
});
