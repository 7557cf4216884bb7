import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ApiResponder } from "../../api-handler.js";
import { AdmissionHarness, refusal } from "../admission-harness.case.js";
import { evaluatePod, forbiddenDetail } from "./checks.js";
import { podSecurityAdmission } from "./pod-security.js";
import { policyOf } from "./policy.js";

const NAMESPACES = { version: "v1", plural: "namespaces" };

async function setup(labels: Record<string, string>) {
  const h = await AdmissionHarness.start((handler) => [podSecurityAdmission(handler).plugin()]);
  await h.admin.create(NAMESPACES, { metadata: { name: "secure", labels } });
  return h;
}

/** A raw request through the handler, to see the Warning header. */
function send(h: AdmissionHarness, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown>; warning?: string }> {
  return new Promise((resolve) => {
    const responder: ApiResponder = {
      send: (status, _type, payload, headers) =>
        resolve({ status, body: JSON.parse(String(payload)) as Record<string, unknown>, warning: (headers as Record<string, string> | undefined)?.warning }),
      stream: () => ({ write() {}, end() {}, onClose() {} }),
    };
    void h.handler.handle(
      {
        method,
        path,
        query: new URLSearchParams(),
        accept: "application/json",
        contentType: "application/json",
        body: Buffer.from(JSON.stringify(body)),
        user: h.admin.user,
      },
      responder,
    );
  });
}

const NGINX = { name: "nginx", image: "nginx" };
const RESTRICTED_OK = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  containers: [{ ...NGINX, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
};

describe("PodSecurity admission", () => {
  it("refuses pods violating restricted with upstream's exact message", async () => {
    const h = await setup({ "pod-security.kubernetes.io/enforce": "restricted" });
    const error = await refusal(h.admin.create({ version: "v1", plural: "pods", namespace: "secure" }, { metadata: { name: "x" }, spec: { containers: [NGINX] } }));
    assert.equal(error.code, 403);
    assert.equal(
      error.message,
      'pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    await h.admin.create({ version: "v1", plural: "pods", namespace: "secure" }, { metadata: { name: "ok" }, spec: RESTRICTED_OK });
  });

  it("baseline: host namespaces, host ports, privileged, hostPath; baseline reasons come before restricted ones", async () => {
    const spec = {
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: "root", hostPath: { path: "/" } }],
      containers: [{ ...NGINX, ports: [{ containerPort: 80, hostPort: 8080 }], securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } } }],
    };
    assert.equal(
      forbiddenDetail(evaluatePod("baseline", Infinity, {}, spec)),
      'non-default capabilities (container "nginx" must not include "SYS_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "root"), hostPort (container "nginx" uses hostPort 8080), privileged (container "nginx" must not set securityContext.privileged=true)',
    );
    const restricted = forbiddenDetail(evaluatePod("restricted", Infinity, {}, spec));
    assert.match(restricted, /^host namespaces \(hostNetwork=true, hostPID=true\), hostPort .*, privileged .*, allowPrivilegeEscalation != false .*unrestricted capabilities \(container "nginx" must set securityContext.capabilities.drop=\["ALL"\]; container "nginx" must not include "SYS_ADMIN" in securityContext.capabilities.add\), restricted volume types \(volume "root" uses restricted volume type "hostPath"\), runAsNonRoot/);
    assert.deepEqual(evaluatePod("privileged", Infinity, {}, spec), []);
  });

  it("warns (Warning header) at the warn level and for workload templates, without refusing", async () => {
    const h = await setup({ "pod-security.kubernetes.io/warn": "baseline" });
    const pod = await send(h, "POST", "/api/v1/namespaces/secure/pods", { metadata: { name: "p" }, spec: { hostNetwork: true, containers: [NGINX] } });
    assert.equal(pod.status, 201);
    assert.equal(pod.warning, `299 - ${JSON.stringify('would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)')}`);
    const deployment = await send(h, "POST", "/apis/apps/v1/namespaces/secure/deployments", {
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { hostPID: true, containers: [NGINX] } } },
    });
    assert.equal(deployment.status, 201);
    assert.match(deployment.warning ?? "", /would violate PodSecurity \\"baseline:latest\\": host namespaces \(hostPID=true\)/);
    const clean = await send(h, "POST", "/api/v1/namespaces/secure/pods", { metadata: { name: "clean" }, spec: { containers: [NGINX] } });
    assert.equal(clean.warning, undefined);
  });

  it("an enforce level alone also warns on workloads (warn defaults to it)", async () => {
    assert.deepEqual(policyOf({ "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30" }).policy.warn, { level: "restricted", version: "v1.30" });
    const h = await setup({ "pod-security.kubernetes.io/enforce": "restricted" });
    const deployment = await send(h, "POST", "/apis/apps/v1/namespaces/secure/deployments", {
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [NGINX] } } },
    });
    assert.equal(deployment.status, 201, "templates are never refused");
    assert.match(deployment.warning ?? "", /would violate PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false/);
  });

  it("refuses bad labels and warns about existing pods when enforce tightens", async () => {
    const h = await AdmissionHarness.start((handler) => [podSecurityAdmission(handler).plugin()]);
    const bad = await refusal(h.admin.create(NAMESPACES, { metadata: { name: "bad", labels: { "pod-security.kubernetes.io/enforce": "strict" } } }));
    assert.equal(bad.code, 422);
    assert.equal(bad.message, 'Namespace "bad" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
    await h.pod("web-1", [NGINX], { hostNetwork: true });
    await h.pod("web-2", [NGINX], { hostNetwork: true });
    await h.pod("plain", [NGINX]);
    const current = await h.admin.get({ ...NAMESPACES, name: "default" });
    const update = await send(h, "PUT", "/api/v1/namespaces/default", { ...current, metadata: { ...current.metadata, labels: { "pod-security.kubernetes.io/enforce": "baseline" } } });
    assert.equal(update.status, 200);
    assert.equal(
      update.warning,
      [
        'existing pods in namespace "default" violate the new PodSecurity enforce level "baseline:latest"',
        "web-1 (and 1 other pod): host namespaces",
      ]
        .map((w) => `299 - ${JSON.stringify(w)}`)
        .join(", "),
    );
  });
});
