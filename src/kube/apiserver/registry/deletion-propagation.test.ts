import { test } from "node:test";
import assert from "node:assert/strict";
import { deletionFinalizers } from "./deletion-propagation.js";

const DEPLOYMENTS = { group: "apps", plural: "deployments" };
const JOBS = { group: "batch", plural: "jobs" };

test("Foreground and Orphan add their finalizers; Background adds none", () => {
  assert.deepEqual(deletionFinalizers(DEPLOYMENTS, [], { propagationPolicy: "Foreground" }), ["foregroundDeletion"]);
  assert.deepEqual(deletionFinalizers(DEPLOYMENTS, [], { propagationPolicy: "Orphan" }), ["orphan"]);
  assert.equal(deletionFinalizers(DEPLOYMENTS, [], { propagationPolicy: "Background" }), undefined);
  assert.deepEqual(deletionFinalizers(DEPLOYMENTS, ["keep"], { propagationPolicy: "Foreground" }), ["keep", "foregroundDeletion"]);
});

test("a later policy replaces the earlier finalizer, other finalizers stay", () => {
  assert.deepEqual(deletionFinalizers(DEPLOYMENTS, ["keep", "orphan"], { propagationPolicy: "Foreground" }), ["keep", "foregroundDeletion"]);
  assert.deepEqual(deletionFinalizers(DEPLOYMENTS, ["foregroundDeletion"], { propagationPolicy: "Background" }), []);
  assert.equal(deletionFinalizers(DEPLOYMENTS, ["orphan"], {}), undefined, "no policy keeps the finalizer already set");
});

test("orphanDependents wins over propagationPolicy, as upstream", () => {
  assert.deepEqual(deletionFinalizers(DEPLOYMENTS, [], { orphanDependents: true, propagationPolicy: "Foreground" }), ["orphan"]);
  assert.equal(deletionFinalizers(DEPLOYMENTS, [], { orphanDependents: false }), undefined);
});

test("batch/v1 Jobs and v1 ReplicationControllers orphan by default; other kinds delete in the background", () => {
  assert.deepEqual(deletionFinalizers(JOBS, [], {}), ["orphan"]);
  assert.deepEqual(deletionFinalizers({ group: "", plural: "replicationcontrollers" }, [], {}), ["orphan"]);
  assert.equal(deletionFinalizers(DEPLOYMENTS, [], {}), undefined);
  assert.equal(deletionFinalizers({ group: "", plural: "pods" }, [], {}), undefined);
  assert.equal(deletionFinalizers(JOBS, [], { propagationPolicy: "Background" }), undefined);
});
