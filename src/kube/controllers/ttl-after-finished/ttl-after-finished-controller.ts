import type { StoredObject } from "../../api/types.js";
import { resourcePath, type ResourceRef } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { isConflict, isNotFound, type ControllerContext } from "../common/controller-context.js";
import type { SharedInformer } from "../common/shared-informers.js";
import { finishedAt, jobSpec } from "../job/job-util.js";

const JOBS: ResourceRef = { group: "batch", version: "v1", plural: "jobs" };

/**
 * kube-controller-manager's TTL-after-finished controller: a finished Job with
 * spec.ttlSecondsAfterFinished is deleted (propagationPolicy Background, so its pods go too)
 * that many seconds after its Complete or Failed condition, on the injected clock.
 */
export class TtlAfterFinishedController {
  private readonly jobs: SharedInformer;
  private readonly queue: WorkQueue;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.jobs = ctx.informers.informer(JOBS);
    this.queue = new WorkQueue(ctx.clock, (key) => this.sync(key), {
      concurrency: 5,
      onError: (key, error) => ctx.logger.warn("ttl-after-finished-controller: failed", { key, error: String(error) }),
    });
  }

  start(): this {
    this.unsubscribe = this.jobs.subscribe({ onChange: (job) => this.enqueue(job) });
    return this;
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private enqueue(job: StoredObject): void {
    if (job.metadata.deletionTimestamp || typeof jobSpec(job).ttlSecondsAfterFinished !== "number" || finishedAt(job) === undefined) return;
    this.queue.add(objectKey(job));
  }

  private async sync(key: string): Promise<void> {
    const job = this.jobs.get(key);
    if (!job || job.metadata.deletionTimestamp) return;
    const ttl = jobSpec(job).ttlSecondsAfterFinished;
    const finished = finishedAt(job);
    if (typeof ttl !== "number" || finished === undefined) return;
    const due = finished + ttl * 1000 - this.ctx.clock.now().getTime();
    if (due > 0) {
      this.queue.addAfter(key, due);
      return;
    }
    try {
      // The uid and resourceVersion preconditions keep a Job that changed meanwhile (e.g. a new TTL).
      await this.ctx.client.request("DELETE", resourcePath({ ...JOBS, namespace: job.metadata.namespace, name: job.metadata.name }), {
        body: { propagationPolicy: "Background", preconditions: { uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion } },
      });
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }
}
