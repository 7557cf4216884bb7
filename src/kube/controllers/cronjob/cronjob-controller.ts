import type { StoredObject } from "../../api/types.js";
import { resourcePath, type ResourceRef } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { isAlreadyExists, isNotFound, writeStatus, type ControllerContext } from "../common/controller-context.js";
import { controllerRefOf, createdAt, newControllerRef, rec, recs, type Json } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import { BY_CONTROLLER, indexWorkloadObjects } from "../common/indexes.js";
import { allSynced, type SharedInformer } from "../common/shared-informers.js";
import { finishedAt, hasCondition, isFinished } from "../job/job-util.js";
import { knownTimeZone, parseSchedule, ScheduleError, type Schedule } from "./schedule.js";

const CRONJOBS: ResourceRef = { group: "batch", version: "v1", plural: "cronjobs" };
const JOBS: ResourceRef = { group: "batch", version: "v1", plural: "jobs" };
const SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/** Upstream gives up counting missed start times past this many (and says so in an event). */
const MAX_MISSED = 100;
const kubeTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * kube-controller-manager's CronJob controller (v2), on the injected clock: creates a Job named
 * `<cronjob>-<minutes since the epoch of the scheduled time>` at each scheduled time (in
 * spec.timeZone), honouring concurrencyPolicy, startingDeadlineSeconds and suspend, keeps
 * status.active, lastScheduleTime and lastSuccessfulTime, and deletes finished Jobs beyond the
 * history limits.
 */
export class CronJobController {
  private readonly cronJobs: SharedInformer;
  private readonly jobs: SharedInformer;
  private readonly queue: WorkQueue;
  private readonly events: ControllerEvents;
  private readonly unsubscribe: (() => void)[] = [];
  private synced = false;

  constructor(private readonly ctx: ControllerContext) {
    this.cronJobs = ctx.informers.informer(CRONJOBS);
    this.jobs = indexWorkloadObjects(ctx.informers.informer(JOBS));
    this.events = new ControllerEvents(ctx.client, ctx.clock, "cronjob-controller");
    this.queue = new WorkQueue(ctx.clock, (key) => this.sync(key), {
      concurrency: 5,
      onError: (key, error) => ctx.logger.warn("cronjob-controller: sync failed", { key, error: String(error) }),
    });
  }

  start(): this {
    const jobChanged = (job: StoredObject) => {
      const ref = controllerRefOf(job);
      if (ref?.kind === "CronJob") this.queue.add(`${job.metadata.namespace ?? ""}/${ref.name}`);
    };
    this.unsubscribe.push(
      this.cronJobs.subscribe({ onChange: (cj) => this.queue.add(objectKey(cj)) }),
      this.jobs.subscribe({ onChange: jobChanged, onDelete: jobChanged }),
    );
    void allSynced([this.cronJobs, this.jobs]).then(() => {
      this.synced = true;
      for (const owner of this.cronJobs.list()) this.queue.add(objectKey(owner));
    });
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    this.queue.stop();
  }

  private async sync(key: string): Promise<void> {
    if (!this.synced) return;
    const cj = this.cronJobs.get(key);
    if (!cj || cj.metadata.deletionTimestamp) return;
    const spec = rec(cj.spec);
    const previous = rec(cj.status);
    const nowMs = this.ctx.clock.now().getTime();
    const ns = cj.metadata.namespace ?? "";
    const owned = this.jobs.byIndex(BY_CONTROLLER, cj.metadata.uid ?? "");

    // Active list and lastSuccessfulTime from the Jobs as they are now.
    const active: Json[] = [];
    let lastSuccessful = typeof previous.lastSuccessfulTime === "string" ? Date.parse(previous.lastSuccessfulTime) : undefined;
    const wasActive = new Set(recs(previous.active).map((r) => r.uid));
    for (const job of owned) {
      if (!isFinished(job)) {
        active.push(jobRef(job));
        continue;
      }
      if (wasActive.has(job.metadata.uid)) {
        const condition = hasCondition(job, "Complete") ? "Complete" : "Failed";
        this.events.normal(cj, "SawCompletedJob", `Saw completed job: ${job.metadata.name ?? ""}, condition: ${condition}`);
      }
      if (hasCondition(job, "Complete")) {
        const done = typeof rec(job.status).completionTime === "string" ? Date.parse(String(rec(job.status).completionTime)) : finishedAt(job);
        if (done !== undefined && (lastSuccessful === undefined || done > lastSuccessful)) lastSuccessful = done;
      }
    }
    for (const ref of recs(previous.active)) {
      if (owned.some((j) => j.metadata.uid === ref.uid)) continue;
      if (await this.exists(ns, String(ref.name ?? ""), String(ref.uid ?? ""))) {
        active.push(ref);
        continue;
      }
      this.events.normal(cj, "MissingJob", `Active job went missing: ${String(ref.name ?? "")}`);
    }
    await this.cleanupHistory(cj, owned);

    const status: Json = { ...previous, active: active.length ? active : undefined };
    if (lastSuccessful !== undefined) status.lastSuccessfulTime = kubeTime(lastSuccessful);
    const finish = async () => {
      await writeStatus(this.ctx.client, CRONJOBS, cj, dropUndefined(status));
    };

    if (spec.suspend === true) return finish();
    const timeZone = typeof spec.timeZone === "string" ? spec.timeZone : undefined;
    if (timeZone !== undefined && !knownTimeZone(timeZone)) {
      this.events.warning(cj, "UnknownTimeZone", `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}`);
      return finish();
    }
    let schedule: Schedule;
    try {
      schedule = parseSchedule(String(spec.schedule ?? ""), timeZone);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      this.events.warning(cj, "UnparseableSchedule", `unparseable schedule: "${String(spec.schedule ?? "")}" : ${error.message}`);
      return finish();
    }

    // The most recent scheduled time not yet acted on (mostRecentScheduleTime).
    const deadline = typeof spec.startingDeadlineSeconds === "number" ? spec.startingDeadlineSeconds : undefined;
    let earliest = typeof previous.lastScheduleTime === "string" ? Date.parse(previous.lastScheduleTime) : createdAt(cj);
    if (deadline !== undefined) earliest = Math.max(earliest, nowMs - deadline * 1000);
    // Bounded: a clock far ahead of lastScheduleTime must not loop for ever.
    const { count: missed, last: scheduled } = schedule.between(earliest, nowMs, 100_000);
    if (missed > MAX_MISSED) {
      this.events.warning(cj, "TooManyMissedTimes", `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const requeue = () => this.queue.addAfter(key, schedule.next(nowMs) - nowMs + 100);
    if (scheduled === undefined) {
      await finish();
      return requeue();
    }
    if (deadline !== undefined && scheduled + deadline * 1000 < nowMs) {
      this.events.warning(cj, "MissSchedule", `Missed scheduled time to start a job: ${new Date(scheduled).toISOString()}`);
      await finish();
      return requeue();
    }
    const policy = String(spec.concurrencyPolicy ?? "Allow");
    if (policy === "Forbid" && active.length > 0) {
      this.events.normal(cj, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
      await finish();
      return requeue();
    }
    if (policy === "Replace") {
      for (const ref of active.splice(0)) await this.deleteJob(cj, String(ref.name ?? ""));
    }

    const job = jobFromTemplate(cj, scheduled);
    try {
      const created = await this.ctx.client.create({ ...JOBS, namespace: ns }, job);
      this.events.normal(cj, "SuccessfulCreate", `Created job ${created.metadata.name ?? ""}`);
      active.push(jobRef(created));
    } catch (error) {
      if (!isAlreadyExists(error)) {
        this.events.warning(cj, "FailedCreate", `Error creating job: ${(error as Error).message}`);
        throw error;
      }
      // Created by an earlier sync whose status write was lost: it is this scheduled time's job.
    }
    status.active = active.length ? active : undefined;
    status.lastScheduleTime = kubeTime(scheduled);
    await finish();
    requeue();
  }

  private async exists(namespace: string, name: string, uid: string): Promise<boolean> {
    try {
      return (await this.ctx.client.get({ ...JOBS, namespace, name })).metadata.uid === uid;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** successfulJobsHistoryLimit / failedJobsHistoryLimit: the oldest finished Jobs beyond them go. */
  private async cleanupHistory(cj: StoredObject, owned: StoredObject[]): Promise<void> {
    const spec = rec(cj.spec);
    const byStart = (a: StoredObject, b: StoredObject) => startOf(a) - startOf(b);
    const succeeded = owned.filter((j) => hasCondition(j, "Complete") && !j.metadata.deletionTimestamp).sort(byStart);
    const failed = owned.filter((j) => hasCondition(j, "Failed") && !j.metadata.deletionTimestamp).sort(byStart);
    const excess = (list: StoredObject[], limit: unknown) => (typeof limit === "number" ? list.slice(0, Math.max(0, list.length - limit)) : []);
    for (const job of [...excess(succeeded, spec.successfulJobsHistoryLimit), ...excess(failed, spec.failedJobsHistoryLimit)]) {
      await this.deleteJob(cj, job.metadata.name ?? "");
    }
  }

  private async deleteJob(cj: StoredObject, name: string): Promise<void> {
    try {
      await this.ctx.client.request("DELETE", resourcePath({ ...JOBS, namespace: cj.metadata.namespace, name }), { body: { propagationPolicy: "Background" } });
      this.events.normal(cj, "SuccessfulDelete", `Deleted job ${name}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

const startOf = (job: StoredObject): number => {
  const t = rec(job.status).startTime;
  return typeof t === "string" ? Date.parse(t) : createdAt(job);
};

const jobRef = (job: StoredObject): Json => ({
  kind: "Job",
  namespace: job.metadata.namespace,
  name: job.metadata.name,
  uid: job.metadata.uid,
  apiVersion: "batch/v1",
  resourceVersion: job.metadata.resourceVersion,
});

/** getJobFromTemplate2: the Job for one scheduled time, owned by the CronJob. */
function jobFromTemplate(cj: StoredObject, scheduled: number): StoredObject {
  const template = rec(rec(cj.spec).jobTemplate);
  const meta = rec(template.metadata);
  const name = `${cj.metadata.name ?? ""}-${Math.floor(scheduled / 60_000)}`;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      ...(Object.keys(rec(meta.labels)).length ? { labels: { ...(rec(meta.labels) as Record<string, string>) } } : {}),
      annotations: { ...(rec(meta.annotations) as Record<string, string>), [SCHEDULED_TIMESTAMP]: kubeTime(scheduled) },
      ownerReferences: [newControllerRef(cj) as unknown as Json],
    },
    spec: structuredClone(rec(template.spec)),
  };
}

const dropUndefined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

