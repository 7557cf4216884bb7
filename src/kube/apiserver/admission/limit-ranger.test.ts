import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { AdmissionHarness, container, PODS, refusal } from "./admission-harness.case.js";
import { limitRanger } from "./limit-ranger.js";

async function setup(limits: Record<string, unknown>[]) {
  const h = await AdmissionHarness.start((handler) => [limitRanger(handler).plugin()]);
  await h.create("limitranges", { metadata: { name: "limits" }, spec: { limits } });
  await h.settle();
  return h;
}

const resourcesOf = (pod: StoredObject, i = 0) => ((pod.spec as { containers: { resources?: unknown }[] }).containers[i]?.resources ?? {}) as Record<string, Record<string, string>>;

describe("LimitRanger admission", () => {
  it("defaults requests and limits from the Container item and notes it in the annotation", async () => {
    const h = await setup([{ type: "Container", default: { cpu: "500m", memory: "256Mi" }, defaultRequest: { cpu: "0.25" } }]);
    const pod = await h.pod("web", [container("nginx"), container("side", { cpu: "100m" }, { memory: "128Mi" })]);
    assert.deepEqual(resourcesOf(pod, 0), { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "250m", memory: "256Mi" } });
    // A set limit stands for its request; a set request is kept.
    assert.deepEqual(resourcesOf(pod, 1), { limits: { memory: "128Mi", cpu: "500m" }, requests: { cpu: "100m", memory: "128Mi" } });
    assert.equal(
      pod.metadata.annotations?.["kubernetes.io/limit-ranger"],
      "LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for container nginx; cpu limit for container side",
    );
  });

  it("defaults the limit to max and the request to min when no default is given", async () => {
    const h = await setup([{ type: "Container", max: { cpu: "800m" }, min: { memory: "64Mi" } }]);
    const pod = await h.pod("p", [container("c")]);
    assert.deepEqual(resourcesOf(pod), { limits: { cpu: "800m" }, requests: { cpu: "800m", memory: "64Mi" } });
  });

  it("refuses containers outside min and max with upstream's messages, storing nothing", async () => {
    const h = await setup([{ type: "Container", max: { cpu: "500m" }, min: { cpu: "100m" } }]);
    const over = await refusal(h.pod("x", [container("c", { cpu: "200m" }, { cpu: "1" })]));
    assert.equal(over.code, 403);
    assert.equal(over.reason, "Forbidden");
    assert.equal(over.message, 'pods "x" is forbidden: maximum cpu usage per Container is 500m, but limit is 1');
    const under = await refusal(h.pod("y", [container("c", { cpu: "50m" }, { cpu: "1500m" })]));
    assert.equal(under.message, 'pods "y" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, maximum cpu usage per Container is 500m, but limit is 1500m]');
    assert.equal((await h.admin.list(PODS)).items.length, 0);
  });

  it("checks maxLimitRequestRatio and Pod totals", async () => {
    const h = await setup([
      { type: "Container", maxLimitRequestRatio: { memory: "2" } },
      { type: "Pod", max: { cpu: "1" } },
    ]);
    const ratio = await refusal(h.pod("r", [container("c", { memory: "100Mi", cpu: "100m" }, { memory: "300Mi", cpu: "100m" })]));
    assert.equal(ratio.message, 'pods "r" is forbidden: memory max limit to request ratio per Container is 2, but provided ratio is 3.000000');
    const total = await refusal(h.pod("t", [container("a", { cpu: "600m", memory: "1Gi" }, { cpu: "600m", memory: "1Gi" }), container("b", { cpu: "600m", memory: "1Gi" }, { cpu: "600m", memory: "1Gi" })]));
    assert.equal(total.message, 'pods "t" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m');
    await h.pod("ok", [container("a", { cpu: "500m", memory: "1Gi" }, { cpu: "500m", memory: "1Gi" })]);
  });

  it("checks PersistentVolumeClaim storage requests", async () => {
    const h = await setup([{ type: "PersistentVolumeClaim", max: { storage: "2Gi" }, min: { storage: "1Gi" } }]);
    const claim = (name: string, storage: string) =>
      h.create("persistentvolumeclaims", { metadata: { name }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } } });
    const big = await refusal(claim("big", "5Gi"));
    assert.equal(big.message, 'persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi');
    const small = await refusal(claim("small", "500Mi"));
    assert.equal(small.message, 'persistentvolumeclaims "small" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi');
    await claim("fine", "1536Mi");
  });

  it("leaves namespaces without LimitRanges alone", async () => {
    const h = await AdmissionHarness.start((handler) => [limitRanger(handler).plugin()]);
    const pod = await h.pod("p", [container("c")]);
    assert.deepEqual(resourcesOf(pod), {});
    assert.equal(pod.metadata.annotations?.["kubernetes.io/limit-ranger"], undefined);
  });
});
