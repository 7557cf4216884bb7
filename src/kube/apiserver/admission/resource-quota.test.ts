import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ResourceQuotaController } from "../../controllers/resourcequota/resourcequota-controller.js";
import { AdmissionHarness, container, PODS, refusal } from "./admission-harness.case.js";
import { limitRanger } from "./limit-ranger.js";
import { resourceQuotaAdmission } from "./resource-quota.js";

const QUOTAS = { version: "v1", plural: "resourcequotas", namespace: "default" };

async function setup(hard: Record<string, string>, extra: Record<string, unknown> = {}) {
  const h = await AdmissionHarness.start((handler, clock) => [limitRanger(handler).plugin(), resourceQuotaAdmission(handler, clock).plugin()]);
  const controller = new ResourceQuotaController(h.kcm).start();
  await h.create("resourcequotas", { metadata: { name: "compute" }, spec: { hard, ...extra } });
  const status = async () => (await h.admin.get({ ...QUOTAS, name: "compute" })).status as { hard?: Record<string, string>; used?: Record<string, string> } | undefined;
  await h.until("the controller fills in the quota status", async () => (await status())?.used !== undefined);
  return { h, controller, status };
}

describe("ResourceQuota admission and controller", () => {
  it("the controller sets hard and zero usage; admission charges creates and refuses what exceeds hard", async () => {
    const { h, controller, status } = await setup({ "requests.cpu": "2", "requests.memory": "1Gi", pods: "10" });
    assert.deepEqual(await status(), { hard: { pods: "10", "requests.cpu": "2", "requests.memory": "1Gi" }, used: { pods: "0", "requests.cpu": "0", "requests.memory": "0" } });
    await h.pod("a", [container("c", { cpu: "1", memory: "256Mi" })]);
    await h.pod("b", [container("c", { cpu: "500m", memory: "256Mi" })]);
    assert.deepEqual((await status())?.used, { pods: "2", "requests.cpu": "1500m", "requests.memory": "512Mi" }, "admission raised status.used at once");
    const over = await refusal(h.pod("x", [container("c", { cpu: "600m", memory: "64Mi" })]));
    assert.equal(over.code, 403);
    assert.equal(over.message, 'pods "x" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=1500m, limited: requests.cpu=2');
    await h.pod("c", [container("c", { cpu: "500m", memory: "64Mi" })]);
    assert.deepEqual((await status())?.used, { pods: "3", "requests.cpu": "2", "requests.memory": "576Mi" });
    controller.stop();
  });

  it("requires every container to say what a cpu or memory quota tracks", async () => {
    const { h, controller } = await setup({ "limits.cpu": "4", "requests.memory": "1Gi" });
    const missing = await refusal(h.pod("nginx", [container("nginx", { cpu: "100m" })]));
    assert.equal(missing.message, 'pods "nginx" is forbidden: failed quota: compute: must specify limits.cpu for: nginx; requests.memory for: nginx');
    controller.stop();
  });

  it("usage drops when pods finish or are deleted (the controller recalculates)", async () => {
    const { h, controller, status } = await setup({ "requests.cpu": "1", "count/pods": "5" });
    await h.pod("a", [container("c", { cpu: "600m" })]);
    const b = await h.pod("b", [container("c", { cpu: "300m" })]);
    assert.equal((await refusal(h.pod("x", [container("c", { cpu: "200m" })]))).code, 403);
    await h.admin.patch({ ...PODS, name: "b", subresource: "status" }, { status: { phase: "Succeeded" } });
    await h.until("the finished pod no longer counts", async () => (await status())?.used?.["requests.cpu"] === "600m");
    assert.equal((await status())?.used?.["count/pods"], "2", "count/pods counts every stored pod");
    await h.admin.delete({ ...PODS, name: b.metadata.name ?? "" }, { gracePeriodSeconds: 0 });
    await h.admin.delete({ ...PODS, name: "a" }, { gracePeriodSeconds: 0 });
    await h.until("deleted pods no longer count", async () => (await status())?.used?.["count/pods"] === "0");
    assert.equal((await status())?.used?.["requests.cpu"], "0");
    await h.pod("y", [container("c", { cpu: "1" })]);
    controller.stop();
  });

  it("counts objects: services, node ports, load balancers, configmaps", async () => {
    const { h, controller } = await setup({ services: "2", "services.loadbalancers": "0", configmaps: "1" });
    await h.create("services", { metadata: { name: "s1" }, spec: { ports: [{ port: 80 }] } });
    const lb = await refusal(h.create("services", { metadata: { name: "lb" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } }));
    assert.equal(lb.message, 'services "lb" is forbidden: exceeded quota: compute, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0');
    await h.create("configmaps", { metadata: { name: "one" }, data: {} });
    const cm = await refusal(h.create("configmaps", { metadata: { name: "two" }, data: {} }));
    assert.equal(cm.message, 'configmaps "two" is forbidden: exceeded quota: compute, requested: configmaps=1, used: configmaps=1, limited: configmaps=1');
    controller.stop();
  });

  it("scopes: a BestEffort quota counts only best-effort pods; a Terminating one only pods with a deadline", async () => {
    const h = await AdmissionHarness.start((handler, clock) => [resourceQuotaAdmission(handler, clock).plugin()]);
    const controller = new ResourceQuotaController(h.kcm).start();
    await h.create("resourcequotas", { metadata: { name: "besteffort" }, spec: { hard: { pods: "1" }, scopes: ["BestEffort"] } });
    await h.create("resourcequotas", { metadata: { name: "terminating" }, spec: { hard: { "requests.cpu": "1" }, scopes: ["Terminating"] } });
    await h.until("both quotas have status", async () => (await h.admin.list(QUOTAS)).items.every((q) => (q.status as { used?: unknown } | undefined)?.used));
    await h.pod("be", [container("c")]);
    const second = await refusal(h.pod("be2", [container("c")]));
    assert.match(second.message, /exceeded quota: besteffort, requested: pods=1, used: pods=1, limited: pods=1$/);
    await h.pod("burstable", [container("c", { cpu: "2" })], {});
    const deadline = await refusal(h.pod("job", [container("c", { cpu: "2" })], { activeDeadlineSeconds: 60 }));
    assert.match(deadline.message, /exceeded quota: terminating, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1$/);
    controller.stop();
  });

  it("a dry run is checked but charges nothing", async () => {
    const { h, controller, status } = await setup({ pods: "1" });
    await h.admin.request("POST", "/api/v1/namespaces/default/pods", { query: { dryRun: "All" }, body: { metadata: { name: "d" }, spec: { containers: [container("c")] } } });
    assert.equal((await status())?.used?.pods, "0");
    controller.stop();
  });
});
