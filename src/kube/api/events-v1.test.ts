import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { coreToEventsV1, EVENTS_V1, eventsV1ToCore, legacyValidateEvent, validateEventsV1Update } from "./events-v1.js";
import type { StoredObject } from "./types.js";

const core: StoredObject = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "e", namespace: "default" },
  involvedObject: { kind: "Pod", name: "p", namespace: "default" },
  reason: "Pulled",
  message: "pulled",
  source: { component: "kubelet" },
  firstTimestamp: "2026-01-01T00:00:00Z",
  lastTimestamp: "2026-01-01T00:01:00Z",
  count: 3,
  type: "Normal",
  reportingComponent: "kubelet",
  reportingInstance: "node-1",
};

describe("events.k8s.io/v1 Event", () => {
  it("renames the core fields and back without loss", () => {
    const ev = coreToEventsV1(core);
    assert.deepEqual(ev, {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "e", namespace: "default" },
      regarding: { kind: "Pod", name: "p", namespace: "default" },
      reason: "Pulled",
      note: "pulled",
      deprecatedSource: { component: "kubelet" },
      deprecatedFirstTimestamp: "2026-01-01T00:00:00Z",
      deprecatedLastTimestamp: "2026-01-01T00:01:00Z",
      deprecatedCount: 3,
      type: "Normal",
      reportingController: "kubelet",
      reportingInstance: "node-1",
    });
    assert.deepEqual(eventsV1ToCore(ev), core);
  });

  it("prints the core Event columns from the converted object", () => {
    const cells = EVENTS_V1.cells(coreToEventsV1({ ...core, metadata: { ...core.metadata, creationTimestamp: "2026-01-01T00:00:00Z" } }), new Date("2026-01-01T00:02:00Z"));
    assert.deepEqual(cells, ["60s", "Normal", "Pulled", "pod/p", "", "kubelet, node-1", "pulled", "2m", 3, "e"]);
    assert.equal(EVENTS_V1.fieldSelectors["regarding.kind"]?.(coreToEventsV1(core)), "Pod");
  });

  it("validates namespaces legacy-style and updates strictly", () => {
    assert.deepEqual(legacyValidateEvent({ ...core, metadata: { name: "e", namespace: "other" } }).map((c) => c.message), ['Invalid value: "default": does not match event.namespace']);
    const changed = { ...core, message: "changed" };
    assert.deepEqual(validateEventsV1Update(changed, core).map((c) => `${c.field}: ${c.message}`), ['message: Invalid value: "changed": field is immutable']);
  });
});
