import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "./types.js";
import { RBAC_V1, rbacNameErrors } from "./rbac-v1.js";

const descriptor = (kind: string) => {
  const d = RBAC_V1.find((x) => x.kind === kind);
  assert.ok(d);
  return d;
};
const NOW = new Date("2026-01-01T01:00:00Z");

describe("rbac.authorization.k8s.io/v1 descriptors", () => {
  it("print bindings as kubectl shows them (wide: users, groups, service accounts)", () => {
    const d = descriptor("RoleBinding");
    assert.deepEqual(
      d.columns.map((c) => [c.name, c.priority]),
      [["Name", 0], ["Role", 0], ["Age", 0], ["Users", 1], ["Groups", 1], ["ServiceAccounts", 1]],
    );
    const binding: StoredObject = {
      metadata: { name: "b", creationTimestamp: "2026-01-01T00:00:00Z" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [
        { kind: "User", name: "alice" },
        { kind: "User", name: "bob" },
        { kind: "Group", name: "devs" },
        { kind: "ServiceAccount", name: "robot", namespace: "x" },
        { kind: "ServiceAccount", name: "local" },
      ],
    };
    assert.deepEqual(d.cells(binding, NOW), ["b", "ClusterRole/view", "60m", "alice, bob", "devs", "x/robot, local"]);
  });

  it("print roles as the default table: Name and Created At", () => {
    const d = descriptor("ClusterRole");
    assert.deepEqual(d.columns.map((c) => [c.name, c.type]), [["Name", "string"], ["Created At", "date"]]);
    assert.deepEqual(d.cells({ metadata: { name: "view", creationTimestamp: "2026-01-01T00:00:00Z" } }, NOW), ["view", "2026-01-01T00:00:00Z"]);
  });

  it("accept path-segment names (colons included) and refuse '/', '%', '.' and '..'", () => {
    assert.deepEqual(rbacNameErrors("system:controller:job-controller"), []);
    assert.deepEqual(rbacNameErrors("a/b%c"), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(rbacNameErrors(".."), ["may not be '..'"]);
  });

  it("default binding API groups and keep roleRef immutable", () => {
    const d = descriptor("ClusterRoleBinding");
    const obj: StoredObject = { metadata: { name: "b" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects: [{ kind: "Group", name: "g" }, { kind: "ServiceAccount", name: "s", namespace: "n" }] };
    d.strategy.prepareForCreate?.(obj);
    assert.deepEqual(obj.roleRef, { kind: "ClusterRole", name: "view", apiGroup: "rbac.authorization.k8s.io" });
    assert.deepEqual(obj.subjects, [{ kind: "Group", name: "g", apiGroup: "rbac.authorization.k8s.io" }, { kind: "ServiceAccount", name: "s", namespace: "n" }]);
    assert.deepEqual(d.strategy.validate?.(obj), []);
    const changed = { ...obj, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" } };
    assert.equal(d.strategy.validateUpdate?.(changed, obj)[0]?.message, 'Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef');
  });
});
