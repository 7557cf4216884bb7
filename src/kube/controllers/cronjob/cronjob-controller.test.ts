import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CRONJOBS, JOBS, TestCluster } from "../common/test-cluster.js";
import { CronJobController } from "./cronjob-controller.js";
import { parseSchedule } from "./schedule.js";

const BOUNDED = { timeout: 20_000 };
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests walk deep into objects
const MINUTE = 60_000;
/** The controller looks 100 ms after each scheduled time, as upstream does. */
const SLACK = 1_000;

const cronJob = (name: string, schedule: string, spec: J = {}) => ({
  metadata: { name },
  spec: {
    schedule,
    jobTemplate: { metadata: { labels: { cron: name } }, spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox" }] } } } },
    ...spec,
  },
});

async function withCron(fn: (c: TestCluster) => Promise<void>): Promise<void> {
  const c = await TestCluster.start();
  const controller = new CronJobController(c.kcm).start();
  try {
    await fn(c);
  } finally {
    controller.stop();
  }
}

const jobsOf = (c: TestCluster, name: string) => c.list(JOBS, `cron=${name}`);
const statusOf = async (c: TestCluster, name: string) => (await c.get(CRONJOBS, name)).status as J;
const minutes = (iso: string) => Math.floor(Date.parse(iso) / MINUTE);

/** Plays the Job controller: the job is done. */
async function complete(c: TestCluster, name: string, type = "Complete"): Promise<void> {
  const now = c.clock.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  await c.admin.patch(
    { ...JOBS, name, subresource: "status" },
    { status: { conditions: [{ type, status: "True", lastTransitionTime: now }], ...(type === "Complete" ? { completionTime: now, succeeded: 1 } : {}) } },
  );
}

describe("CronJob controller", () => {
  it("creates a Job named after the scheduled minute at each scheduled time", BOUNDED, () =>
    withCron(async (c) => {
      const cj = await c.create(CRONJOBS, cronJob("tick", "*/5 * * * *"));
      await c.settle(20);
      assert.equal((await jobsOf(c, "tick")).length, 0, "nothing before the first scheduled time");
      c.clock.advance(5 * MINUTE + SLACK);
      await c.until("a job", async () => (await jobsOf(c, "tick")).length === 1);
      const [job] = await jobsOf(c, "tick");
      assert.equal(job?.metadata.name, `tick-${minutes("2026-01-01T00:05:00Z")}`);
      assert.equal(job?.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"], "2026-01-01T00:05:00Z");
      assert.deepEqual(job?.metadata.ownerReferences?.[0], { apiVersion: "batch/v1", kind: "CronJob", name: "tick", uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true });
      await c.until("status", async () => (await statusOf(c, "tick")).lastScheduleTime === "2026-01-01T00:05:00Z");
      assert.equal((await statusOf(c, "tick")).active[0].name, job?.metadata.name);
      assert.equal((await c.events("SuccessfulCreate"))[0]?.message, `Created job ${job?.metadata.name}`);

      await complete(c, job?.metadata.name ?? "");
      await c.until("saw it complete", async () => (await statusOf(c, "tick")).active === undefined);
      assert.equal((await statusOf(c, "tick")).lastSuccessfulTime, "2026-01-01T00:05:01Z", "the job's completionTime");
      assert.equal((await c.events("SawCompletedJob"))[0]?.message, `Saw completed job: ${job?.metadata.name}, condition: Complete`);
      c.clock.advance(5 * MINUTE + SLACK);
      await c.until("a second job", async () => (await jobsOf(c, "tick")).length === 2);
    }));

  it("Forbid skips a run while the last one is active; Replace replaces it", BOUNDED, () =>
    withCron(async (c) => {
      await c.create(CRONJOBS, cronJob("forbid", "* * * * *", { concurrencyPolicy: "Forbid" }));
      await c.create(CRONJOBS, cronJob("replace", "* * * * *", { concurrencyPolicy: "Replace" }));
      await c.settle(20);
      c.clock.advance(MINUTE + SLACK);
      await c.until("first jobs", async () => (await jobsOf(c, "forbid")).length === 1 && (await jobsOf(c, "replace")).length === 1);
      const [firstReplace] = await jobsOf(c, "replace");
      c.clock.advance(MINUTE + SLACK);
      await c.until("replaced", async () => {
        const jobs = await jobsOf(c, "replace");
        return jobs.length === 1 && jobs[0]?.metadata.name !== firstReplace?.metadata.name;
      });
      await c.settle(20);
      assert.equal((await jobsOf(c, "forbid")).length, 1, "Forbid did not start a second job");
      assert.ok((await c.events("JobAlreadyActive")).length >= 1);
    }));

  it("keeps successfulJobsHistoryLimit finished jobs", BOUNDED, () =>
    withCron(async (c) => {
      await c.create(CRONJOBS, cronJob("hist", "* * * * *", { successfulJobsHistoryLimit: 1 }));
      await c.settle(20);
      for (let i = 1; i <= 3; i++) {
        c.clock.advance(MINUTE + SLACK);
        await c.until(`job ${i}`, async () => (await jobsOf(c, "hist")).some((j) => !j.status || !(j.status as J).conditions));
        const running = (await jobsOf(c, "hist")).find((j) => !(j.status as J)?.conditions);
        await complete(c, running?.metadata.name ?? "");
        await c.settle(10);
      }
      await c.until("one finished job kept", async () => (await jobsOf(c, "hist")).length === 1);
    }));

  it("does nothing while suspended", BOUNDED, () =>
    withCron(async (c) => {
      await c.create(CRONJOBS, cronJob("zz", "* * * * *", { suspend: true }));
      c.clock.advance(3 * MINUTE);
      await c.settle(30);
      assert.equal((await jobsOf(c, "zz")).length, 0);
    }));

  it("skips a start missed by more than startingDeadlineSeconds, but runs a missed one without a deadline", BOUNDED, () =>
    withCron(async (c) => {
      await c.create(CRONJOBS, cronJob("strict", "0 * * * *", { startingDeadlineSeconds: 30, suspend: true }));
      await c.create(CRONJOBS, cronJob("lenient", "0 * * * *", { suspend: true }));
      await c.settle(10);
      // Suspended over the hour; resumed 45 s after it, 15 s past the starting deadline.
      c.clock.advance(60 * MINUTE + 45_000);
      await c.admin.patch({ ...CRONJOBS, name: "strict" }, { spec: { suspend: false } });
      await c.admin.patch({ ...CRONJOBS, name: "lenient" }, { spec: { suspend: false } });
      await c.until("the lenient one runs the missed start", async () => (await jobsOf(c, "lenient")).length === 1);
      await c.settle(20);
      assert.equal((await jobsOf(c, "strict")).length, 0);
      // To the controller's look 100 ms after the hour (work after a timer sees the clock where advance left it).
      c.clock.advance(59 * MINUTE + 15_100);
      await c.until("the strict one runs at the next hour", async () => (await jobsOf(c, "strict")).length === 1);
    }));

  it("schedules in spec.timeZone and reports schedules it cannot parse", BOUNDED, () =>
    withCron(async (c) => {
      await c.create(CRONJOBS, cronJob("seoul", "0 9 * * *", { timeZone: "Asia/Seoul" }));
      await c.create(CRONJOBS, cronJob("bad", "* * * *"));
      c.clock.advance(MINUTE);
      await c.settle(20);
      assert.equal((await jobsOf(c, "seoul")).length, 0);
      c.clock.advance(24 * 60 * MINUTE - MINUTE + SLACK);
      await c.until("09:00 in Seoul is 00:00 UTC", async () => (await jobsOf(c, "seoul")).length === 1);
      assert.equal((await jobsOf(c, "seoul"))[0]?.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"], "2026-01-02T00:00:00Z");
      assert.equal((await c.events("UnparseableSchedule"))[0]?.message, 'unparseable schedule: "* * * *" : expected exactly 5 fields, found 4: [* * * *]');
    }));
});

describe("cron schedules", () => {
  it("accepts descriptors and standard fields, refuses others", () => {
    const start = Date.parse("2026-01-01T00:05:00Z");
    assert.equal(new Date(parseSchedule("@hourly").next(start)).toISOString(), "2026-01-01T01:00:00.000Z");
    assert.equal(new Date(parseSchedule("@daily").next(start)).toISOString(), "2026-01-02T00:00:00.000Z");
    assert.equal(new Date(parseSchedule("*/10 * * * *").next(start)).toISOString(), "2026-01-01T00:10:00.000Z");
    assert.throws(() => parseSchedule("0 0 * * * *"), /expected exactly 5 fields, found 6/);
    assert.throws(() => parseSchedule("61 * * * *"));
    assert.throws(() => parseSchedule("@fortnightly"), /unrecognized descriptor/);
  });
});
