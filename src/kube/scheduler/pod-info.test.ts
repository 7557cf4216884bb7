import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../api/types.js";
import { podInfoOf } from "./pod-info.js";

type Json = Record<string, unknown>;
const pod = (specCpu: string, runningCpu?: string, conditions: Json[] = []): StoredObject => ({
  metadata: { name: "web", namespace: "default", uid: "u1" },
  spec: { nodeName: "n1", containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: specCpu, memory: "64Mi" } } }] },
  status: {
    phase: "Running",
    conditions,
    containerStatuses: runningCpu === undefined ? [{ name: "app" }] : [{ name: "app", resources: { requests: { cpu: runningCpu, memory: "64Mi" } } }],
  },
});

describe("pod requests during an in-place resize", () => {
  it("counts the spec when the container runs with it (or reports nothing)", () => {
    assert.equal(podInfoOf(pod("250m", "250m")).cpu, 250);
    assert.equal(podInfoOf(pod("250m")).cpu, 250);
  });

  it("counts the larger of spec and running resources while a resize is in flight", () => {
    assert.equal(podInfoOf(pod("500m", "200m")).cpu, 500, "growing: the new request");
    assert.equal(podInfoOf(pod("100m", "400m")).cpu, 400, "shrinking: what still runs until the kubelet applies it");
    assert.equal(podInfoOf(pod("100m", "400m")).memory, 64 * 1024 * 1024);
  });

  it("counts only the running resources when the kubelet found the resize Infeasible", () => {
    const infeasible = [{ type: "PodResizePending", status: "True", reason: "Infeasible" }];
    assert.equal(podInfoOf(pod("8", "200m", infeasible)).cpu, 200);
    const deferred = [{ type: "PodResizePending", status: "True", reason: "Deferred" }];
    assert.equal(podInfoOf(pod("1", "200m", deferred)).cpu, 1000);
  });
});
