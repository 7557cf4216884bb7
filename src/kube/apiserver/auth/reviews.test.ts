import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../../api/types.js";
import { StatusError } from "../status.js";
import { authCluster, core, grant, type AuthCluster } from "./auth-harness.case.js";

const BOUNDED = { timeout: 20_000 };
type J = Record<string, unknown>;

async function refused(promise: Promise<unknown>, code: number, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof StatusError, String(error));
    assert.equal(error.code, code, error.message);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

const post = (client: ReturnType<AuthCluster["as"]>, path: string, body: KubeObject) => client.request<J>("POST", path, { body });
const ssar = (resourceAttributes: J) => ({ kind: "SelfSubjectAccessReview", apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null }, spec: { resourceAttributes }, status: { allowed: false } });

describe("review resources and TokenRequest", BOUNDED, () => {
  let c: AuthCluster;
  before(async () => {
    c = await authCluster();
    await c.admin.create(core("namespaces"), { metadata: { name: "x" } });
    await grant(c, "x", "alice", ["list"], ["pods"]);
  });
  after(() => c.close());

  it("SelfSubjectAccessReview answers for the caller (what `kubectl auth can-i` sends)", async () => {
    const alice = c.as("alice");
    const yes = await post(alice, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ssar({ namespace: "x", verb: "list", resource: "pods" }));
    assert.equal(yes.kind, "SelfSubjectAccessReview");
    assert.deepEqual(yes.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-pods/x" of Role "alice-pods" to User "alice"' });
    const no = await post(alice, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ssar({ namespace: "x", verb: "delete", resource: "pods" }));
    assert.deepEqual(no.status, { allowed: false });
    const admin = await post(c.admin, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ssar({ verb: "*", group: "*", resource: "*" }));
    assert.deepEqual(admin.status, { allowed: true });
    const path = await post(alice, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      kind: "SelfSubjectAccessReview",
      spec: { nonResourceAttributes: { path: "/version", verb: "get" } },
    });
    assert.equal((path.status as J).allowed, true);
    await refused(
      post(alice, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { spec: {} }),
      422,
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    // Nothing is stored, and reviews cannot be read back.
    await refused(alice.request("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"), 405, /does not allow this method/);
  });

  it("SubjectAccessReview and LocalSubjectAccessReview answer for the user in the spec, if the caller may ask", async () => {
    const body = { kind: "SubjectAccessReview", spec: { user: "alice", resourceAttributes: { namespace: "x", verb: "list", resource: "pods" } } };
    const review = await post(c.admin, "/apis/authorization.k8s.io/v1/subjectaccessreviews", body);
    assert.equal((review.status as J).allowed, true);
    await refused(post(c.as("alice"), "/apis/authorization.k8s.io/v1/subjectaccessreviews", body), 403, /cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope/);
    await refused(
      post(c.admin, "/apis/authorization.k8s.io/v1/subjectaccessreviews", { spec: { resourceAttributes: { verb: "get", resource: "pods" } } }),
      422,
      'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    );
    const local = await post(c.admin, "/apis/authorization.k8s.io/v1/namespaces/x/localsubjectaccessreviews", {
      kind: "LocalSubjectAccessReview",
      spec: { user: "alice", resourceAttributes: { namespace: "x", verb: "get", resource: "secrets" } },
    });
    assert.equal((local.status as J).allowed, false);
    await refused(
      post(c.admin, "/apis/authorization.k8s.io/v1/namespaces/x/localsubjectaccessreviews", { spec: { user: "alice", resourceAttributes: { namespace: "y", verb: "get", resource: "pods" } } }),
      422,
      /spec\.resourceAttributes\.namespace: Invalid value: "y": must match metadata\.namespace/,
    );
  });

  it("SelfSubjectRulesReview lists the caller's rules in a namespace (`kubectl auth can-i --list`)", async () => {
    const review = await post(c.as("alice"), "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { kind: "SelfSubjectRulesReview", spec: { namespace: "x" } });
    const status = review.status as { resourceRules: J[]; nonResourceRules: J[]; incomplete: boolean };
    assert.equal(status.incomplete, false);
    assert.ok(status.resourceRules.some((r) => JSON.stringify(r) === JSON.stringify({ verbs: ["list"], apiGroups: [""], resources: ["pods"] })));
    assert.ok(status.resourceRules.some((r) => (r.resources as string[]).includes("selfsubjectaccessreviews")));
    assert.ok(status.nonResourceRules.some((r) => (r.nonResourceURLs as string[]).includes("/version")));
    const node = await post(c.as({ username: "system:node:n1", groups: ["system:nodes", "system:authenticated"] }), "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { spec: { namespace: "x" } });
    assert.deepEqual({ ...(node.status as J), resourceRules: [], nonResourceRules: [] }, {
      resourceRules: [],
      nonResourceRules: [],
      incomplete: true,
      evaluationError: "node authorizer does not support user rule resolution",
    });
  });

  it("SelfSubjectReview tells the caller who it is (`kubectl auth whoami`)", async () => {
    const review = await post(c.as("alice", ["dev"]), "/apis/authentication.k8s.io/v1/selfsubjectreviews", { kind: "SelfSubjectReview", metadata: { creationTimestamp: null }, status: { userInfo: {} } });
    assert.deepEqual(review.status, { userInfo: { username: "alice", groups: ["dev", "system:authenticated"] } });
    assert.equal((review.metadata as J).creationTimestamp, "2026-01-01T00:00:00Z");
  });

  it("TokenRequest issues a bound token that authenticates as the service account until it expires", async () => {
    const sa = await c.admin.create(core("serviceaccounts", "x"), { metadata: { name: "robot" } });
    const request = await post(c.admin, "/api/v1/namespaces/x/serviceaccounts/robot/token", { kind: "TokenRequest", apiVersion: "authentication.k8s.io/v1", spec: {} });
    assert.equal(request.kind, "TokenRequest");
    assert.deepEqual(request.spec, { audiences: ["https://kubernetes.default.svc"], expirationSeconds: 3600 });
    const status = request.status as { token: string; expirationTimestamp: string };
    assert.equal(status.expirationTimestamp, "2026-01-01T01:00:00Z");
    const review = await post(c.admin, "/apis/authentication.k8s.io/v1/tokenreviews", { kind: "TokenReview", spec: { token: status.token } });
    assert.deepEqual(review.status, {
      authenticated: true,
      user: {
        username: "system:serviceaccount:x:robot",
        uid: sa.metadata.uid,
        groups: ["system:serviceaccounts", "system:serviceaccounts:x", "system:authenticated"],
        extra: { "authentication.kubernetes.io/credential-id": [(review.status as { user: { extra: Record<string, string[]> } }).user.extra["authentication.kubernetes.io/credential-id"]?.[0]] },
      },
      audiences: ["https://kubernetes.default.svc"],
    });
    assert.match(JSON.stringify(review.status), /"JTI=[0-9a-f-]{36}"/);

    const authenticated = await c.auth.authenticate({ authorization: `Bearer ${status.token}`, path: "/api" });
    assert.ok("user" in authenticated && authenticated.user.username === "system:serviceaccount:x:robot");
    c.clock.advance((3600 + 61) * 1000);
    const expired = await post(c.admin, "/apis/authentication.k8s.io/v1/tokenreviews", { kind: "TokenReview", spec: { token: status.token } });
    assert.deepEqual(expired.status, { user: {}, error: "service account token has expired" });
    assert.deepEqual(await c.auth.authenticate({ authorization: `Bearer ${status.token}`, path: "/api" }), { unauthorized: "service account token has expired" });
  });

  it("TokenRequest refuses what upstream refuses; a pod-bound token dies with its pod", async () => {
    await refused(post(c.admin, "/api/v1/namespaces/x/serviceaccounts/ghost/token", { spec: {} }), 404, 'serviceaccounts "ghost" not found');
    await refused(
      post(c.admin, "/api/v1/namespaces/x/serviceaccounts/robot/token", { spec: { expirationSeconds: 500 } }),
      422,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 500: may not specify a duration less than 10 minutes',
    );
    await refused(c.admin.request("GET", "/api/v1/namespaces/x/serviceaccounts/robot/token"), 405, /does not allow this method/);
    const pod = await c.admin.create(core("pods", "x"), { metadata: { name: "p" }, spec: { serviceAccountName: "robot", containers: [{ name: "c", image: "nginx" }] } });
    await refused(
      post(c.admin, "/api/v1/namespaces/x/serviceaccounts/robot/token", { spec: { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "p", uid: "wrong" } } }),
      409,
      /the UID in the bound object reference \(wrong\) does not match the UID in record/,
    );
    const bound = await post(c.admin, "/api/v1/namespaces/x/serviceaccounts/robot/token", { spec: { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "p", uid: pod.metadata.uid } } });
    const token = (bound.status as { token: string }).token;
    const ok = await c.auth.authenticate({ authorization: `Bearer ${token}`, path: "/api" });
    assert.ok("user" in ok);
    assert.deepEqual(ok.user.extra?.["authentication.kubernetes.io/pod-name"], ["p"]);
    await c.admin.delete(core("pods", "x", "p"), { gracePeriodSeconds: 0 });
    assert.deepEqual(await c.auth.authenticate({ authorization: `Bearer ${token}`, path: "/api" }), { unauthorized: "service account token has been invalidated" });
  });

  it("authenticates anonymous requests only for the health endpoints (EKS 1.32+), bad credentials never", async () => {
    assert.deepEqual(await c.auth.authenticate({ path: "/healthz" }), { user: { username: "system:anonymous", groups: ["system:unauthenticated"] } });
    assert.ok("unauthorized" in (await c.auth.authenticate({ path: "/version" })));
    assert.ok("unauthorized" in (await c.auth.authenticate({ path: "/healthz", authorization: "Bearer garbage" })));
    const old = await authCluster({ version: "1.31" });
    try {
      assert.ok("user" in (await old.auth.authenticate({ path: "/version" })));
    } finally {
      old.close();
    }
  });
});
