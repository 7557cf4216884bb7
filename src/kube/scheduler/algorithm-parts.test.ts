import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { numFeasibleNodesToFind } from "./framework.js";
import { podRequests } from "./resources.js";
import { compileNodeSelectorTerm, pinnedNodeNames, tolerates } from "./selectors.js";
import { fitErrorMessage, unresolvable, unschedulable } from "./status.js";

describe("numFeasibleNodesToFind", () => {
  it("scores every node below 100 nodes, then an adaptive share (50% − nodes/125, at least 5% and 100)", () => {
    assert.equal(numFeasibleNodesToFind(50), 50);
    assert.equal(numFeasibleNodesToFind(100), 100);
    assert.equal(numFeasibleNodesToFind(1000), 420);
    assert.equal(numFeasibleNodesToFind(5000), 500);
    assert.equal(numFeasibleNodesToFind(10_000), 500);
  });
});

describe("fitErrorMessage", () => {
  it("counts reasons per node, sorts them as strings and appends the preemption message", () => {
    const statuses = new Map([
      ["a", unschedulable("NodeResourcesFit", "Insufficient cpu", "Insufficient memory")],
      ["b", unresolvable("TaintToleration", "node(s) had untolerated taint {dedicated: gpu}")],
      ["c", unschedulable("NodeResourcesFit", "Insufficient cpu")],
    ]);
    assert.equal(
      fitErrorMessage({ numAllNodes: 12, statuses, absent: unresolvable("NodeAffinity", "node(s) didn't satisfy plugin(s) [NodeAffinity]"), postFilterMsg: "preemption: x." }),
      "0/12 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu, 9 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: x.",
    );
  });
});

describe("podRequests", () => {
  it("sums containers, takes the largest init container, adds sidecars and overhead", () => {
    const r = podRequests({
      initContainers: [
        { resources: { requests: { cpu: "2", memory: "1Gi" } } },
        { restartPolicy: "Always", resources: { requests: { cpu: "250m" } } },
        { resources: { requests: { cpu: "500m", memory: "3Gi" } } },
      ],
      containers: [{ resources: { requests: { cpu: "1", memory: "1Gi" } } }, { resources: { limits: { cpu: "100m" } } }],
      overhead: { cpu: "10m" },
    });
    // Containers 1.1 CPU + sidecar 250m = 1350m; init max(2, 500m + 250m) = 2 CPU; + 10m overhead.
    assert.equal(r.milliCPU, 2010);
    // Memory: containers 1Gi; init max(1Gi, 3Gi) = 3Gi.
    assert.equal(r.memory, 3 * 2 ** 30);
    const nonZero = podRequests({ containers: [{}, { resources: { requests: { cpu: "0" } } }] }, true);
    assert.deepEqual([nonZero.milliCPU, nonZero.memory], [100, 2 * 200 * 2 ** 20]);
  });
});

describe("selectors", () => {
  it("matches node selector terms with Gt/Lt on integers only and metadata.name fields", () => {
    const gt = compileNodeSelectorTerm({ matchExpressions: [{ key: "n", operator: "Gt", values: ["3"] }] });
    assert.equal(gt({ name: "x", labels: { n: "4" } }), true);
    assert.equal(gt({ name: "x", labels: { n: "3" } }), false);
    assert.equal(gt({ name: "x", labels: { n: "four" } }), false);
    assert.equal(compileNodeSelectorTerm({})({ name: "x", labels: {} }), false, "an empty term matches nothing");
    assert.deepEqual(
      [...(pinnedNodeNames({ nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["a", "b"] }] }] }) ?? [])],
      ["a", "b"],
    );
    assert.equal(pinnedNodeNames({ nodeSelectorTerms: [{ matchExpressions: [{ key: "k", operator: "Exists" }] }] }), undefined);
  });

  it("tolerations: empty key with Exists tolerates everything; effects must match when set", () => {
    const taint = { key: "k", value: "v", effect: "NoSchedule" };
    assert.equal(tolerates({ key: "", operator: "Exists", value: "", effect: "" }, taint), true);
    assert.equal(tolerates({ key: "k", operator: "Equal", value: "v", effect: "NoExecute" }, taint), false);
    assert.equal(tolerates({ key: "k", operator: "", value: "v", effect: "" }, taint), true);
    assert.equal(tolerates({ key: "k", operator: "Equal", value: "w", effect: "" }, taint), false);
  });
});
