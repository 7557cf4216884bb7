import type { StoredObject } from "../../api/types.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../../apiserver/selectors.js";
import type { ResourceRef } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { runBounded, slowStartBatch } from "../common/batches.js";
import { claim, freshOwnerCheck } from "../common/claims.js";
import { isNotFound, writeStatus, type ControllerContext } from "../common/controller-context.js";
import { controllerRefOf, controllingOwnerKey, int, newControllerRef, rec, recs, type Json } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import { Expectations } from "../common/expectations.js";
import { BY_CONTROLLER, indexWorkloadObjects, ORPHANS_BY_NAMESPACE, podFromTemplate } from "../common/indexes.js";
import { isPodReady, podPhase, restartCount } from "../common/pods.js";
import { allSynced, type SharedInformer } from "../common/shared-informers.js";
import { podsToDelete } from "../replicaset/pod-ranking.js";
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  COMPLETION_INDEX,
  completionsOf,
  formatIndexes,
  hasCondition,
  isFinished,
  isIndexed,
  jobConditions,
  jobSpec,
  jobStatus,
  parseIndexes,
  podFinishedAt,
  podIndex,
  TRACKING_FINALIZER,
  withCondition,
  type JobCondition,
} from "./job-util.js";

const JOBS: ResourceRef = { group: "batch", version: "v1", plural: "jobs" };
const PODS: ResourceRef = { version: "v1", plural: "pods" };
const WORKERS = 5;
const kubeTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const hasFinalizer = (pod: StoredObject) => (pod.metadata.finalizers ?? []).includes(TRACKING_FINALIZER);
/** A pod that will not run any more: Succeeded, Failed, or deleted before it succeeded (counted as failed). */
const outcomeOf = (pod: StoredObject): "succeeded" | "failed" | undefined => {
  const phase = podPhase(pod);
  if (phase === "Succeeded") return "succeeded";
  if (phase === "Failed" || pod.metadata.deletionTimestamp) return "failed";
  return undefined;
};

const SUCCESS_MESSAGE = "Reached expected number of succeeded pods";
const BACKOFF_MESSAGE = "Job has reached the specified backoff limit";
const DEADLINE_MESSAGE = "Job was active longer than specified deadline";

/**
 * kube-controller-manager's Job controller: runs pods to `completions` with at most
 * `parallelism` at a time (NonIndexed, or Indexed with a completion index per pod), counts
 * finished pods through the batch.kubernetes.io/job-tracking finalizer and
 * status.uncountedTerminatedPods, backs off 10 s × 2ⁿ on the clock before replacing failed pods,
 * fails the job past backoffLimit or activeDeadlineSeconds (FailureTarget, then Failed) and
 * completes it (SuccessCriteriaMet, then Complete), and honours suspend.
 */
export class JobController {
  private readonly jobs: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly queue: WorkQueue;
  private readonly expectations: Expectations;
  private readonly events: ControllerEvents;
  private readonly unsubscribe: (() => void)[] = [];
  private synced = false;
  /** Pods already moved from uncountedTerminatedPods into the counts (a stale cache must not count them twice). */
  private readonly counted = new Map<string, Set<string>>();
  private readonly lastFailure = new Map<string, number>();
  private jobsSynced = false;

  constructor(private readonly ctx: ControllerContext) {
    this.jobs = indexWorkloadObjects(ctx.informers.informer(JOBS));
    this.pods = indexWorkloadObjects(ctx.informers.informer(PODS));
    this.expectations = new Expectations(ctx.clock);
    this.events = new ControllerEvents(ctx.client, ctx.clock, "job-controller");
    this.queue = new WorkQueue(ctx.clock, (key) => (key.startsWith("orphan:") ? this.releaseOrphan(key.slice(7)) : this.sync(key)), {
      concurrency: WORKERS,
      onError: (key, error) => ctx.logger.warn("job-controller: sync failed", { key, error: String(error) }),
    });
  }

  start(): this {
    this.unsubscribe.push(
      this.jobs.subscribe({
        onChange: (job) => this.queue.add(objectKey(job)),
        onDelete: (job) => {
          this.queue.add(objectKey(job));
          this.counted.delete(job.metadata.uid ?? "");
          this.lastFailure.delete(job.metadata.uid ?? "");
          for (const pod of this.pods.byIndex(BY_CONTROLLER, job.metadata.uid ?? "")) if (hasFinalizer(pod)) this.queue.add(`orphan:${objectKey(pod)}`);
        },
      }),
      this.pods.subscribe({ onChange: (pod, old) => this.podChanged(pod, old), onDelete: (pod) => this.podDeleted(pod) }),
    );
    void this.jobs.synced().then(() => {
      this.jobsSynced = true;
      for (const pod of this.pods.list()) this.podChanged(pod);
    });
    void allSynced([this.jobs, this.pods]).then(() => {
      this.synced = true;
      for (const owner of this.jobs.list()) this.queue.add(objectKey(owner));
    });
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    this.queue.stop();
  }

  private ownerOf(pod: StoredObject): string | undefined {
    return controllingOwnerKey(pod, "Job", this.jobs);
  }

  private podChanged(pod: StoredObject, old?: StoredObject): void {
    const owner = this.ownerOf(pod);
    if (!owner) {
      // A pod of a Job that is gone keeps no tracking finalizer.
      if (this.jobsSynced && controllerRefOf(pod)?.kind === "Job" && hasFinalizer(pod)) this.queue.add(`orphan:${objectKey(pod)}`);
      return;
    }
    if (!old) this.expectations.creationObserved(owner);
    if (pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) this.expectations.deletionObserved(owner, objectKey(pod));
    this.queue.add(owner);
  }

  private podDeleted(pod: StoredObject): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    this.expectations.deletionObserved(owner, objectKey(pod));
    this.queue.add(owner);
  }

  private async releaseOrphan(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || !hasFinalizer(pod) || this.ownerOf(pod)) return;
    await this.removeFinalizers([pod]);
  }

  private async removeFinalizers(pods: StoredObject[]): Promise<void> {
    await runBounded(pods, 100, async (pod) => {
      const rest = (pod.metadata.finalizers ?? []).filter((f) => f !== TRACKING_FINALIZER);
      try {
        await this.ctx.client.patch(
          { ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name },
          [
            { op: "test", path: "/metadata/uid", value: pod.metadata.uid },
            // An empty list is dropped, as Go's omitempty would.
            rest.length > 0 ? { op: "replace", path: "/metadata/finalizers", value: rest } : { op: "remove", path: "/metadata/finalizers" },
          ],
          "json",
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
  }

  private async sync(key: string): Promise<void> {
    if (!this.synced) return;
    const job = this.jobs.get(key);
    if (!job) {
      this.expectations.delete(key);
      return;
    }
    const uid = job.metadata.uid ?? "";
    const pods = await claim({
      client: this.ctx.client,
      ref: PODS,
      owner: job,
      selector: labelSelectorFromObject(rec(jobSpec(job).selector) as LabelSelectorObject),
      owned: this.pods.byIndex(BY_CONTROLLER, uid),
      orphans: this.pods.byIndex(ORPHANS_BY_NAMESPACE, job.metadata.namespace ?? ""),
      canAdopt: freshOwnerCheck(this.ctx.client, JOBS, job),
    });
    if (isFinished(job)) {
      await this.removeFinalizers(pods.filter(hasFinalizer));
      return;
    }
    const nowMs = this.ctx.clock.now().getTime();
    const now = kubeTime(nowMs);
    const spec = jobSpec(job);
    const previous = jobStatus(job);
    let conditions: JobCondition[] = jobConditions(job);
    const indexed = isIndexed(job);
    const completions = completionsOf(job);
    const suspended = spec.suspend === true;

    // Tracking: finished pods that still hold the finalizer are recorded as uncounted first.
    const counted = this.counted.get(uid) ?? new Set<string>();
    this.counted.set(uid, counted);
    const uncounted = rec(previous.uncountedTerminatedPods);
    const uncountedSucceeded = new Set((uncounted.succeeded as string[] | undefined) ?? []);
    const uncountedFailed = new Set((uncounted.failed as string[] | undefined) ?? []);
    const newlyFinished: StoredObject[] = [];
    for (const pod of pods) {
      const outcome = outcomeOf(pod);
      const podUid = pod.metadata.uid ?? "";
      if (!outcome || !hasFinalizer(pod) || counted.has(podUid)) continue;
      if (uncountedSucceeded.has(podUid) || uncountedFailed.has(podUid)) {
        newlyFinished.push(pod);
        continue;
      }
      (outcome === "succeeded" ? uncountedSucceeded : uncountedFailed).add(podUid);
      newlyFinished.push(pod);
      if (outcome === "failed") this.lastFailure.set(uid, Math.max(this.lastFailure.get(uid) ?? 0, podFinishedAt(pod) ?? nowMs));
    }
    const completed = parseIndexes(previous.completedIndexes);
    if (indexed) {
      for (const pod of pods) {
        const index = podIndex(pod);
        if (index !== undefined && podPhase(pod) === "Succeeded" && index < (completions ?? 0)) completed.add(index);
      }
    }
    let succeeded = int(previous.succeeded) + uncountedSucceeded.size;
    if (indexed) succeeded = completed.size;
    const failed = int(previous.failed) + uncountedFailed.size;

    const active = pods.filter((p) => !outcomeOf(p));
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp && podPhase(p) !== "Succeeded" && podPhase(p) !== "Failed");
    const restarts = spec.template && rec(rec(spec.template).spec).restartPolicy === "OnFailure" ? active.reduce((n, p) => n + restartCount(p), 0) : 0;

    // Has the job met its end?
    const startTime = typeof previous.startTime === "string" ? previous.startTime : suspended ? undefined : now;
    if (!hasCondition(job, "FailureTarget") && !hasCondition(job, "SuccessCriteriaMet")) {
      const deadline = spec.activeDeadlineSeconds;
      if (failed + restarts > int(spec.backoffLimit, 6)) {
        conditions = withCondition(conditions, "FailureTarget", "True", "BackoffLimitExceeded", BACKOFF_MESSAGE, now);
      } else if (typeof deadline === "number" && startTime && !suspended && nowMs - Date.parse(startTime) >= deadline * 1000) {
        conditions = withCondition(conditions, "FailureTarget", "True", "DeadlineExceeded", DEADLINE_MESSAGE, now);
      } else if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) {
        conditions = withCondition(conditions, "SuccessCriteriaMet", "True", "CompletionsReached", SUCCESS_MESSAGE, now);
      } else if (completions === undefined && succeeded > 0) {
        // A work-queue job is done once one pod succeeded: the rest are stopped.
        conditions = withCondition(conditions, "SuccessCriteriaMet", "True", "CompletionsReached", SUCCESS_MESSAGE, now);
      }
    }
    const failing = conditions.find((c) => c.type === "FailureTarget" && c.status === "True");
    const succeeding = conditions.some((c) => c.type === "SuccessCriteriaMet" && c.status === "True");

    if (this.expectations.satisfied(key)) {
      if (failing || succeeding || suspended) await this.deletePods(key, job, active, active.length);
      else await this.managePods(key, job, active, completed, succeeded, failed, nowMs);
    }

    if (suspended && !hasCondition(job, "Suspended")) {
      conditions = withCondition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", now);
      this.events.normal(job, "Suspended", "Job suspended");
    } else if (!suspended && hasCondition(job, "Suspended")) {
      conditions = withCondition(conditions, "Suspended", "False", "JobResumed", "Job resumed", now);
      this.events.normal(job, "Resumed", "Job resumed");
    }

    const status = (extra: Json): Json => ({
      ...(conditions.length ? { conditions } : {}),
      ...(startTime && !suspended ? { startTime } : {}),
      ...(active.length ? { active: active.length } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      ...(indexed && completed.size ? { completedIndexes: formatIndexes(completed) } : {}),
      terminating: terminating.length,
      ready: active.filter(isPodReady).length,
      ...extra,
    });
    const uncountedOf = () => {
      const u: Json = {};
      if (uncountedSucceeded.size) u.succeeded = [...uncountedSucceeded];
      if (uncountedFailed.size) u.failed = [...uncountedFailed];
      return u;
    };

    if (newlyFinished.length > 0) {
      // Record, then release the pods, then count them (trackJobStatusAndRemoveFinalizers).
      const recordedSucceeded = int(previous.succeeded);
      await writeStatus(this.ctx.client, JOBS, job, status({ succeeded: indexed ? succeeded : recordedSucceeded || undefined, failed: int(previous.failed) || undefined, uncountedTerminatedPods: uncountedOf() }));
      await this.removeFinalizers(newlyFinished);
      for (const pod of newlyFinished) {
        counted.add(pod.metadata.uid ?? "");
        uncountedSucceeded.delete(pod.metadata.uid ?? "");
        uncountedFailed.delete(pod.metadata.uid ?? "");
      }
    }

    // The end conditions become final once no pod of the job runs any more.
    const settled = active.length === 0 && terminating.filter(hasFinalizer).length === 0;
    let completionTime: string | undefined;
    if (failing && settled) {
      conditions = withCondition(conditions, "Failed", "True", failing.reason, failing.message, now);
      this.events.warning(job, failing.reason, failing.message);
    } else if (succeeding && settled) {
      conditions = withCondition(conditions, "Complete", "True", "CompletionsReached", SUCCESS_MESSAGE, now);
      completionTime = now;
      this.events.normal(job, "Completed", "Job completed");
    }
    const finalStatus = status({ uncountedTerminatedPods: uncountedOf(), ...(completionTime ? { completionTime } : {}) });
    const latest = this.jobs.get(key) ?? job;
    await writeStatus(this.ctx.client, JOBS, latest, finalStatus);

    // Deadlines and back-off are on the clock: look again when they are due.
    const deadline = spec.activeDeadlineSeconds;
    if (typeof deadline === "number" && startTime && !suspended && !failing && !succeeding) {
      this.queue.addAfter(key, Date.parse(startTime) + deadline * 1000 - nowMs);
    }
  }

  private async managePods(
    key: string,
    job: StoredObject,
    active: StoredObject[],
    completed: Set<number>,
    succeeded: number,
    failed: number,
    nowMs: number,
  ): Promise<void> {
    const spec = jobSpec(job);
    const parallelism = int(spec.parallelism, 1);
    const completions = completionsOf(job);
    let wantActive: number;
    if (completions === undefined) wantActive = succeeded > 0 ? active.length : parallelism;
    else wantActive = Math.max(0, Math.min(parallelism, completions - succeeded));
    if (active.length > wantActive) return this.deletePods(key, job, active, active.length - wantActive);
    const missing = wantActive - active.length;
    if (missing <= 0) return;
    if (failed > 0) {
      const delay = Math.min(BACKOFF_BASE_MS * 2 ** (failed - 1), BACKOFF_MAX_MS);
      const readyAt = (this.lastFailure.get(job.metadata.uid ?? "") ?? 0) + delay;
      if (readyAt > nowMs) {
        this.queue.addAfter(key, readyAt - nowMs);
        return;
      }
    }
    let indexes: number[] = [];
    if (isIndexed(job)) {
      const running = new Set(active.map(podIndex));
      for (let i = 0; i < (completions ?? 0) && indexes.length < missing; i++) if (!completed.has(i) && !running.has(i)) indexes.push(i);
    } else indexes = Array.from({ length: missing }, () => -1);
    if (indexes.length === 0) return;
    this.expectations.expectCreations(key, indexes.length);
    const queue = [...indexes];
    const { successes } = await slowStartBatch(indexes.length, 1, async () => {
      const index = queue.shift() ?? -1;
      try {
        const created = await this.ctx.client.create({ ...PODS, namespace: job.metadata.namespace }, this.podFor(job, index));
        this.events.normal(job, "SuccessfulCreate", `Created pod: ${created.metadata.name ?? ""}`);
      } catch (error) {
        this.expectations.creationObserved(key);
        this.events.warning(job, "FailedCreate", `Error creating: ${(error as Error).message}`);
        throw error;
      }
    });
    for (let i = successes; i < indexes.length; i++) this.expectations.creationObserved(key);
  }

  private podFor(job: StoredObject, index: number): StoredObject {
    const name = job.metadata.name ?? "";
    const indexed = index >= 0;
    const pod = podFromTemplate(jobSpec(job).template, newControllerRef(job) as unknown as Json, {
      generateName: indexed ? `${name}-${index}-` : `${name}-`,
      ...(indexed ? { labels: { [COMPLETION_INDEX]: String(index) }, annotations: { [COMPLETION_INDEX]: String(index) } } : {}),
    });
    pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), TRACKING_FINALIZER];
    if (indexed) {
      const spec = rec(pod.spec);
      spec.hostname ??= `${name}-${index}`;
      const env = { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } };
      for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) c.env = [...recs(c.env), env];
    }
    return pod;
  }

  private async deletePods(key: string, job: StoredObject, active: StoredObject[], count: number): Promise<void> {
    if (count <= 0) return;
    const victims = podsToDelete(active, active, count, this.ctx.clock.now().getTime());
    this.expectations.expectDeletions(key, victims.map(objectKey));
    await runBounded(victims, 100, async (pod) => {
      try {
        await this.ctx.client.delete({ ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name });
        this.events.normal(job, "SuccessfulDelete", `Deleted pod: ${pod.metadata.name ?? ""}`);
      } catch (error) {
        this.expectations.deletionObserved(key, objectKey(pod));
        if (!isNotFound(error)) throw error;
      }
    });
  }
}
