import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../api/types.js";
import { SchedulerCache } from "./cache.js";
import { podInfoOf } from "./pod-info.js";
import { compileLabelSelector } from "./selectors.js";

const pod = (name: string, labels: Record<string, string>, extra: Partial<StoredObject["metadata"]> = {}) =>
  podInfoOf({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "web", uid: name, labels, ...extra }, spec: { containers: [{ name: "c" }] } });

const asObject = (m: ReadonlyMap<string, number>) => Object.fromEntries([...m].sort());

describe("SchedulerCache.matchingPerNode", () => {
  it("keeps per-node counts right as pods are placed, relabelled, deleted and removed", () => {
    const cache = new SchedulerCache();
    cache.upsertBound({ ...pod("a", { app: "web" }), nodeName: "n1" });
    cache.upsertBound({ ...pod("b", { app: "db" }), nodeName: "n1" });
    const app = compileLabelSelector({ matchLabels: { app: "web" } });
    assert.deepEqual(asObject(cache.matchingPerNode("web", app)), { n1: 1 });

    cache.assume(pod("c", { app: "web" }), "n2");
    cache.upsertBound({ ...pod("b", { app: "web" }), nodeName: "n1" });
    // A selector written differently but meaning the same shares the counts.
    const same = compileLabelSelector({ matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] });
    assert.equal(same.key, app.key);
    assert.deepEqual(asObject(cache.matchingPerNode("web", same)), { n1: 2, n2: 1 });

    cache.upsertBound({ ...pod("a", { app: "web" }, { deletionTimestamp: "2026-01-01T00:00:00Z" }), nodeName: "n1" });
    cache.remove("web/c");
    assert.deepEqual(asObject(cache.matchingPerNode("web", app)), { n1: 1 });
    assert.deepEqual(asObject(cache.matchingPerNode("other", app)), {});
  });

  it("answers selectors without a key by counting on the spot", () => {
    const cache = new SchedulerCache();
    cache.upsertBound({ ...pod("a", { app: "web" }), nodeName: "n1" });
    const unkeyed = (labels: Record<string, string>) => labels.app === "web";
    assert.deepEqual(asObject(cache.matchingPerNode("web", unkeyed)), { n1: 1 });
  });

  it("sums the counts per topology domain and follows node labels", () => {
    const cache = new SchedulerCache();
    const node = (name: string, zone?: string): StoredObject => {
      const labels: Record<string, string> = zone ? { "topology.kubernetes.io/zone": zone } : {};
      return { apiVersion: "v1", kind: "Node", metadata: { name, labels } };
    };
    cache.upsertNode(node("n1", "za"));
    cache.upsertNode(node("n2", "za"));
    cache.upsertNode(node("n3"));
    const app = compileLabelSelector({ matchLabels: { app: "web" } });
    const zones = () => asObject(cache.matchingPerDomain("web", app, "topology.kubernetes.io/zone"));
    cache.upsertBound({ ...pod("a", { app: "web" }), nodeName: "n1" });
    cache.upsertBound({ ...pod("b", { app: "web" }), nodeName: "n2" });
    cache.upsertBound({ ...pod("c", { app: "web" }), nodeName: "n3" });
    // A pod on a node the scheduler has no Node object for does not count.
    cache.upsertBound({ ...pod("d", { app: "web" }), nodeName: "ghost" });
    assert.deepEqual(zones(), { "": 1, za: 2 });
    cache.assume(pod("e", { app: "web" }), "n1");
    cache.remove("web/b");
    assert.deepEqual(zones(), { "": 1, za: 2 });
    cache.upsertNode(node("n3", "zb"));
    cache.upsertNode(node("ghost", "zb"));
    assert.deepEqual(zones(), { za: 2, zb: 2 });
  });
});
