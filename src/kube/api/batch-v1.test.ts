import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BATCH_V1 } from "./batch-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const NOW = new Date("2026-01-01T01:00:00Z");
const byKind = (kind: string): ResourceDescriptor => {
  const d = BATCH_V1.find((x) => x.kind === kind);
  assert.ok(d, kind);
  return d;
};
const podTemplate = { spec: { containers: [{ name: "j", image: "busybox" }], restartPolicy: "Never" } };
const job = (spec: Record<string, unknown>, status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): StoredObject => ({
  metadata: { name: "j", creationTimestamp: "2026-01-01T00:00:00Z", ...meta },
  spec: { selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } }, template: podTemplate, ...spec },
  status,
});

describe("batch/v1 descriptors", () => {
  it("has upstream's discovery facts", () => {
    assert.deepEqual(
      BATCH_V1.map((d) => [d.plural, d.shortNames, d.categories, d.subresources]),
      [
        ["cronjobs", ["cj"], ["all"], ["status"]],
        ["jobs", [], ["all"], ["status"]],
      ],
    );
  });

  it("prints a Job like printJob (1.32+: Status column)", () => {
    const d = byKind("Job");
    assert.deepEqual(
      d.columns.map((c) => c.name),
      ["Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"],
    );
    assert.deepEqual(d.cells(job({ completions: 1, parallelism: 1 }), NOW), ["j", "Running", "0/1", "", "60m", "j", "busybox", "batch.kubernetes.io/controller-uid=u1"]);
    const done = job(
      { completions: 3 },
      { succeeded: 3, startTime: "2026-01-01T00:00:00Z", completionTime: "2026-01-01T00:00:42Z", conditions: [{ type: "Complete", status: "True" }] },
    );
    assert.deepEqual(d.cells(done, NOW).slice(1, 4), ["Complete", "3/3", "42s"]);
    assert.deepEqual(d.cells(job({ parallelism: 4 }, { startTime: "2026-01-01T00:58:00Z" }), NOW).slice(1, 4), ["Running", "0/1 of 4", "2m"]);
    assert.equal(d.cells(job({}, { conditions: [{ type: "Suspended", status: "True" }] }), NOW)[1], "Suspended");
    assert.equal(d.cells(job({}, {}, { deletionTimestamp: "2026-01-01T00:59:00Z" }), NOW)[1], "Terminating");
    assert.equal(d.fieldSelectors["status.successful"]?.(job({}, { succeeded: 2 })), "2");
  });

  it("prints a CronJob like printCronJob", () => {
    const d = byKind("CronJob");
    assert.deepEqual(
      d.columns.map((c) => c.name),
      ["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector"],
    );
    const cj: StoredObject = {
      metadata: { name: "cj", creationTimestamp: "2026-01-01T00:00:00Z" },
      spec: { schedule: "*/5 * * * *", suspend: false, jobTemplate: { spec: { template: podTemplate } } },
      status: { active: [{ name: "cj-1" }], lastScheduleTime: "2026-01-01T00:55:00Z" },
    };
    assert.deepEqual(d.cells(cj, NOW), ["cj", "*/5 * * * *", "<none>", "False", 1, "5m", "60m", "j", "busybox", "<none>"]);
  });
});
