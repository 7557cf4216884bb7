import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { aggregatedRules } from "./clusterrole-aggregation-controller.js";

const role = (name: string, labels: Record<string, string>, rules: unknown[], aggregationRule?: unknown): StoredObject => ({
  kind: "ClusterRole",
  metadata: { name, labels },
  rules,
  ...(aggregationRule ? { aggregationRule } : {}),
});

describe("aggregatedRules", () => {
  const monitoring = role("monitoring", {}, [], { clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate-to-monitoring": "true" } }] });
  const b = role("b-metrics", { "example.com/aggregate-to-monitoring": "true" }, [
    { verbs: ["get"], apiGroups: [""], resources: ["services"] },
    { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
  ]);
  const a = role("a-metrics", { "example.com/aggregate-to-monitoring": "true" }, [{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }]);
  const other = role("other", { team: "x" }, [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]);

  it("takes the rules of the selected roles by name order, each once", () => {
    assert.deepEqual(aggregatedRules(monitoring, [monitoring, b, other, a]), [
      { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
      { verbs: ["get"], apiGroups: [""], resources: ["services"] },
    ]);
  });

  it("supports several selectors and matchExpressions, and never aggregates a role into itself", () => {
    const wide = role("wide", { "example.com/aggregate-to-monitoring": "true" }, [], {
      clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate-to-monitoring": "true" } }, { matchExpressions: [{ key: "team", operator: "In", values: ["x"] }] }],
    });
    assert.deepEqual(aggregatedRules(wide, [wide, a, other]), [
      { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
    ]);
    assert.deepEqual(aggregatedRules(monitoring, [monitoring]), []);
  });
});
