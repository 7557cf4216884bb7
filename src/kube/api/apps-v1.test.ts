import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { APPS_V1 } from "./apps-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const NOW = new Date("2026-01-01T01:00:00Z");
const byKind = (kind: string): ResourceDescriptor => {
  const d = APPS_V1.find((x) => x.kind === kind);
  assert.ok(d, kind);
  return d;
};
const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }, { name: "side", image: "busybox" }] } };

describe("apps/v1 descriptors", () => {
  it("has upstream's discovery facts", () => {
    const facts = APPS_V1.map((d) => [d.plural, d.shortNames, d.categories, d.subresources, d.hasSpec]);
    assert.deepEqual(facts, [
      ["controllerrevisions", [], [], [], false],
      ["daemonsets", ["ds"], ["all"], ["status"], true],
      ["deployments", ["deploy"], ["all"], ["scale", "status"], true],
      ["replicasets", ["rs"], ["all"], ["scale", "status"], true],
      ["statefulsets", ["sts"], ["all"], ["scale", "status"], true],
    ]);
    assert.deepEqual(byKind("Deployment").subresourceKinds, { scale: { group: "autoscaling", version: "v1", kind: "Scale" } });
  });

  it("prints a Deployment like printDeployment", () => {
    const d = byKind("Deployment");
    assert.deepEqual(
      d.columns.map((c) => [c.name, c.priority]),
      [["Name", 0], ["Ready", 0], ["Up-to-date", 0], ["Available", 0], ["Age", 0], ["Containers", 1], ["Images", 1], ["Selector", 1]],
    );
    const deploy: StoredObject = {
      metadata: { name: "web", creationTimestamp: "2026-01-01T00:00:00Z" },
      spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template },
      status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
    };
    assert.deepEqual(d.cells(deploy, NOW), ["web", "1/3", 2, 1, "60m", "nginx,side", "nginx:1.27,busybox", "app=web"]);
    assert.deepEqual(d.cells({ metadata: { name: "x" }, spec: {}, status: {} }, NOW).slice(0, 4), ["x", "0/1", 0, 0]);
  });

  it("prints ReplicaSets, StatefulSets, DaemonSets and ControllerRevisions", () => {
    const base = { metadata: { name: "a", creationTimestamp: "2026-01-01T00:59:00Z" } };
    assert.deepEqual(byKind("ReplicaSet").cells({ ...base, spec: { replicas: 2, selector: {}, template }, status: { replicas: 1, readyReplicas: 1 } }, NOW), [
      "a", 2, 1, 1, "60s", "nginx,side", "nginx:1.27,busybox", "<none>",
    ]);
    assert.deepEqual(byKind("StatefulSet").cells({ ...base, spec: { replicas: 2, template }, status: { readyReplicas: 1 } }, NOW), ["a", "1/2", "60s", "nginx,side", "nginx:1.27,busybox"]);
    const dsTemplate = { ...template, spec: { ...template.spec, nodeSelector: { "kubernetes.io/os": "linux" } } };
    assert.deepEqual(
      byKind("DaemonSet").cells({ ...base, spec: { selector: { matchLabels: { app: "web" } }, template: dsTemplate }, status: { desiredNumberScheduled: 3, currentNumberScheduled: 2, numberReady: 1 } }, NOW),
      ["a", 3, 2, 1, 0, 0, "kubernetes.io/os=linux", "60s", "nginx,side", "nginx:1.27,busybox", "app=web"],
    );
    const owned = { ...base, metadata: { ...base.metadata, ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "db", uid: "u", controller: true }] }, revision: 3 };
    assert.deepEqual(byKind("ControllerRevision").cells(owned, NOW), ["a", "statefulset.apps/db", 3, "60s"]);
    assert.deepEqual(byKind("ControllerRevision").cells({ ...base, revision: 1 }, NOW), ["a", "<none>", 1, "60s"]);
  });
});
