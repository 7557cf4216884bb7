import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { labelSelectorFromObject } from "../../apiserver/selectors.js";
import { ReplicaTally } from "./replica-tally.js";

const rs = (templateLabels: Record<string, string>): StoredObject => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web", namespace: "default", uid: "rs-1" },
  spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: templateLabels } } },
});

const pod = (labels: Record<string, string>, status: Record<string, unknown> = {}, deleting = false): StoredObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "default", labels, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  status,
});
const readyStatus = { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] };

describe("ReplicaTally", () => {
  it("counts active, fully labelled and ready pods as they change, and says when a pod is no longer selected", () => {
    const selector = labelSelectorFromObject({ matchLabels: { app: "web" } });
    const owner = rs({ app: "web", tier: "front" });
    const tally = new ReplicaTally(owner, selector);
    assert.equal(tally.set("a", pod({ app: "web", tier: "front" })), true);
    assert.equal(tally.set("b", pod({ app: "web" }, readyStatus)), true);
    assert.deepEqual(tally.get(), { replicas: 2, fullyLabeled: 1, ready: 1, available: 1 });
    tally.set("a", pod({ app: "web", tier: "front" }, readyStatus));
    assert.deepEqual(tally.get(), { replicas: 2, fullyLabeled: 1, ready: 2, available: 2 });
    // Terminating and finished pods no longer count.
    tally.set("a", pod({ app: "web", tier: "front" }, readyStatus, true));
    tally.set("b", pod({ app: "web" }, { phase: "Succeeded" }));
    assert.deepEqual(tally.get(), { replicas: 0, fullyLabeled: 0, ready: 0, available: 0 });
    tally.delete("a");
    tally.delete("a");
    assert.equal(tally.active, 0);
    assert.equal(tally.set("c", pod({ app: "db" })), false, "not selected: the caller drops the tally");
    assert.equal(tally.fits(owner, selector), true);
    assert.equal(tally.fits(rs({ app: "web" }), selector), false, "another template");
    assert.equal(tally.fits(owner, labelSelectorFromObject({ matchLabels: { app: "web" } })), false, "another selector object");
  });
});
