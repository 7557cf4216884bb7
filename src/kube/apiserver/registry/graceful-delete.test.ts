import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../shared/clock.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { CORE_V1 } from "../../api/core-v1.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { ResourceStore } from "./resource-store.js";

const pods = () => {
  const d = withCoreLifecycle(CORE_V1).find((x) => x.plural === "pods");
  if (!d) throw new Error("no pods descriptor");
  return new ResourceStore(new MemoryStorage(), "/k8s/t/registry", d, new FakeClock("2026-01-01T00:00:00Z"));
};
const pod = (finalizers: string[]) => ({ metadata: { name: "p", finalizers }, spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx" }] } });

test("a later delete with a shorter grace period shortens a pending graceful deletion", async () => {
  const store = pods();
  await store.create("default", pod(["batch.kubernetes.io/job-tracking"]));
  const first = await store.delete("default", "p", {});
  assert.equal(first.deleted, false);
  assert.equal(first.object.metadata.deletionGracePeriodSeconds, 30);
  const second = await store.delete("default", "p", { gracePeriodSeconds: 0 });
  assert.equal(second.deleted, false, "the finalizer still holds it");
  assert.equal(second.object.metadata.deletionGracePeriodSeconds, 0);
  assert.equal(second.object.metadata.deletionTimestamp, "2026-01-01T00:00:00Z");
  // Once its finalizer is removed, the pod is gone.
  await store.update("default", "p", (current) => ({ ...current, metadata: { ...current.metadata, finalizers: [] } }));
  await assert.rejects(store.get("default", "p"), { code: 404 });
});

test("a later delete with a longer grace period changes nothing", async () => {
  const store = pods();
  await store.create("default", pod([]));
  const first = await store.delete("default", "p", { gracePeriodSeconds: 10 });
  const second = await store.delete("default", "p", { gracePeriodSeconds: 60 });
  assert.equal(second.object.metadata.resourceVersion, first.object.metadata.resourceVersion);
  assert.equal(second.object.metadata.deletionGracePeriodSeconds, 10);
});
