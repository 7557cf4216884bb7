import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { UserInfo } from "../../api/types.js";
import type { AuthorizationAttributes } from "./authorizer.js";
import { compactRules, compactString, covers, ruleAllows, subjectAppliesTo, type PolicyRule } from "./rbac-rules.js";

const alice: UserInfo = { username: "alice", groups: ["dev", "system:authenticated"] };
const req = (verb: string, group: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({
  user: alice,
  verb,
  group,
  version: "v1",
  resource,
  ...extra,
});
const path = (verb: string, nonResourcePath: string): AuthorizationAttributes => ({ user: alice, verb, group: "", version: "", resource: "", nonResourcePath });

describe("ruleAllows", () => {
  const cases: [string, PolicyRule, AuthorizationAttributes, boolean][] = [
    ["exact verb, group, resource", { verbs: ["list"], apiGroups: [""], resources: ["pods"] }, req("list", "", "pods"), true],
    ["other verb", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, req("list", "", "pods"), false],
    ["other group", { verbs: ["list"], apiGroups: ["apps"], resources: ["pods"] }, req("list", "", "pods"), false],
    ["verb *", { verbs: ["*"], apiGroups: [""], resources: ["pods"] }, req("delete", "", "pods"), true],
    ["group *", { verbs: ["get"], apiGroups: ["*"], resources: ["deployments"] }, req("get", "apps", "deployments"), true],
    ["resource *", { verbs: ["get"], apiGroups: [""], resources: ["*"] }, req("get", "", "secrets"), true],
    ["resource * covers subresources", { verbs: ["get"], apiGroups: [""], resources: ["*"] }, req("get", "", "pods", { subresource: "log" }), true],
    ["pods does not cover pods/log", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, req("get", "", "pods", { subresource: "log" }), false],
    ["pods/log", { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] }, req("get", "", "pods", { subresource: "log" }), true],
    ["pods/log does not cover pods", { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] }, req("get", "", "pods"), false],
    ["*/scale", { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }, req("get", "apps", "deployments", { subresource: "scale" }), true],
    ["*/scale is not */status", { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] }, req("get", "apps", "deployments", { subresource: "status" }), false],
    ["resourceNames match", { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, req("get", "", "configmaps", { name: "a" }), true],
    ["resourceNames other", { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, req("get", "", "configmaps", { name: "b" }), false],
    ["resourceNames never match a list", { verbs: ["list"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, req("list", "", "configmaps"), false],
    ["no apiGroups matches nothing", { verbs: ["get"], resources: ["pods"] }, req("get", "", "pods"), false],
    ["resource rule is not a URL rule", { verbs: ["get"], apiGroups: ["*"], resources: ["*"] }, path("get", "/api"), false],
    ["URL exact", { verbs: ["get"], nonResourceURLs: ["/version"] }, path("get", "/version"), true],
    ["URL exact, no trailing match", { verbs: ["get"], nonResourceURLs: ["/version"] }, path("get", "/version/"), false],
    ["URL prefix *", { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, path("get", "/apis/apps/v1"), true],
    ["URL prefix * needs the prefix", { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, path("get", "/apis"), false],
    ["URL *", { verbs: ["*"], nonResourceURLs: ["*"] }, path("post", "/anything"), true],
    ["URL rule does not allow resources", { verbs: ["*"], nonResourceURLs: ["*"] }, req("get", "", "pods"), false],
  ];
  for (const [name, rule, attrs, want] of cases) {
    it(name, () => assert.equal(ruleAllows(attrs, rule), want));
  }
});

describe("subjectAppliesTo", () => {
  it("matches users, groups and service accounts (defaulting their namespace to the binding's)", () => {
    assert.equal(subjectAppliesTo(alice, { kind: "User", name: "alice" }, ""), true);
    assert.equal(subjectAppliesTo(alice, { kind: "User", name: "bob" }, ""), false);
    assert.equal(subjectAppliesTo(alice, { kind: "Group", name: "dev" }, ""), true);
    const sa: UserInfo = { username: "system:serviceaccount:x:robot", groups: [] };
    assert.equal(subjectAppliesTo(sa, { kind: "ServiceAccount", name: "robot", namespace: "x" }, ""), true);
    assert.equal(subjectAppliesTo(sa, { kind: "ServiceAccount", name: "robot" }, "x"), true);
    assert.equal(subjectAppliesTo(sa, { kind: "ServiceAccount", name: "robot" }, "y"), false);
    assert.equal(subjectAppliesTo(sa, { kind: "ServiceAccount", name: "robot" }, ""), false);
  });
});

describe("covers and compaction (escalation checks)", () => {
  it("finds the atomic rules the owner lacks", () => {
    const owner: PolicyRule[] = [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }];
    assert.deepEqual(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]), { covered: true, missing: [] });
    const { covered, missing } = covers(owner, [{ verbs: ["get", "delete"], apiGroups: [""], resources: ["pods", "secrets"] }]);
    assert.equal(covered, false);
    assert.deepEqual(missing.map(compactString), [
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}',
    ]);
    assert.deepEqual(compactRules(missing).map(compactString), [
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
    ]);
  });

  it("understands *, */subresource, resource names and URL prefixes", () => {
    assert.equal(covers([{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], [{ verbs: ["get"], apiGroups: ["apps"], resources: ["deployments/scale"] }]).covered, true);
    assert.equal(covers([{ verbs: ["get"], apiGroups: ["apps"], resources: ["*/scale"] }], [{ verbs: ["get"], apiGroups: ["apps"], resources: ["deployments/scale"] }]).covered, true);
    assert.equal(covers([{ verbs: ["get"], apiGroups: ["apps"], resources: ["*/scale"] }], [{ verbs: ["get"], apiGroups: ["apps"], resources: ["deployments"] }]).covered, false);
    const named = [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a"] }];
    assert.equal(covers(named, [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a"] }]).covered, true);
    assert.equal(covers(named, [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"] }]).covered, false);
    assert.equal(covers([{ verbs: ["get"], nonResourceURLs: ["/apis/*"] }], [{ verbs: ["get"], nonResourceURLs: ["/apis/apps"] }]).covered, true);
    assert.equal(covers([{ verbs: ["get"], nonResourceURLs: ["/apis/*"] }], [{ verbs: ["get"], nonResourceURLs: ["/api"] }]).covered, false);
  });
});
