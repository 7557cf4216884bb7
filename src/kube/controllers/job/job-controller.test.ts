import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../../api/types.js";
import { JOBS, PODS, TestCluster } from "../common/test-cluster.js";
import { TtlAfterFinishedController } from "../ttl-after-finished/ttl-after-finished-controller.js";
import { JobController } from "./job-controller.js";

const BOUNDED = { timeout: 20_000 };
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests walk deep into objects

const job = (name: string, spec: J = {}) => ({
  metadata: { name },
  spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } }, ...spec },
});

async function withJobs(fn: (c: TestCluster) => Promise<void>): Promise<void> {
  const c = await TestCluster.start();
  const jobs = new JobController(c.kcm).start();
  const ttl = new TtlAfterFinishedController(c.kcm).start();
  try {
    await fn(c);
  } finally {
    ttl.stop();
    jobs.stop();
  }
}

const podsOf = (c: TestCluster, name: string) => c.list(PODS, `batch.kubernetes.io/job-name=${name}`);
const running = async (c: TestCluster, name: string) => (await podsOf(c, name)).filter((p) => !["Succeeded", "Failed"].includes((p.status as J)?.phase));
const statusOf = async (c: TestCluster, name: string) => (await c.get(JOBS, name)).status as J;
const conditionTypes = async (c: TestCluster, name: string) => ((await statusOf(c, name)).conditions ?? []).map((x: J) => x.type);

describe("Job controller", () => {
  it("runs pods to completions with parallelism, tracks them with the finalizer, and completes", BOUNDED, () =>
    withJobs(async (c) => {
      const created = await c.create(JOBS, job("pi", { completions: 3, parallelism: 2 }));
      await c.until("2 pods", async () => (await podsOf(c, "pi")).length === 2);
      await c.settle();
      assert.equal((await podsOf(c, "pi")).length, 2, "parallelism 2");
      const [pod] = await podsOf(c, "pi");
      assert.deepEqual(pod?.metadata.finalizers, ["batch.kubernetes.io/job-tracking"]);
      assert.equal(pod?.metadata.labels?.["batch.kubernetes.io/controller-uid"], created.metadata.uid);
      assert.equal(pod?.metadata.labels?.["job-name"], "pi");
      assert.equal(pod?.metadata.ownerReferences?.[0]?.kind, "Job");
      assert.match(pod?.metadata.name ?? "", /^pi-[a-z0-9]{5}$/);
      await c.until("status active 2", async () => (await statusOf(c, "pi")).active === 2);
      const status = await statusOf(c, "pi");
      assert.equal(status.ready, 0);
      assert.equal(status.terminating, 0);
      assert.deepEqual(status.uncountedTerminatedPods, {});
      assert.ok(status.startTime);

      for (let done = 0; done < 3; ) {
        const [next] = await running(c, "pi");
        if (!next) {
          await c.settle();
          continue;
        }
        await c.finish(next, "Succeeded");
        done++;
        await c.until(`${done} succeeded`, async () => ((await statusOf(c, "pi")).succeeded ?? 0) === done);
      }
      await c.until("Complete", async () => (await conditionTypes(c, "pi")).includes("Complete"));
      const final = await statusOf(c, "pi");
      assert.deepEqual(final.conditions.map((x: J) => [x.type, x.status, x.reason, x.message]), [
        ["SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
        ["Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
      ]);
      assert.equal(final.succeeded, 3);
      assert.ok(final.completionTime);
      assert.equal(final.active, undefined);
      await c.until("finalizers removed", async () => (await podsOf(c, "pi")).every((p) => !p.metadata.finalizers));
      assert.equal((await podsOf(c, "pi")).length, 3, "no pod beyond completions");
      assert.equal((await c.events("Completed"))[0]?.message, "Job completed");
    }));

  it("backs off 10 s × 2^n before replacing failed pods and fails past backoffLimit", BOUNDED, () =>
    withJobs(async (c) => {
      await c.create(JOBS, job("flaky", { backoffLimit: 1 }));
      await c.until("a pod", async () => (await running(c, "flaky")).length === 1);
      await c.finish((await running(c, "flaky"))[0] as StoredObject, "Failed");
      await c.until("failed 1", async () => (await statusOf(c, "flaky")).failed === 1);
      await c.settle(30);
      assert.equal((await running(c, "flaky")).length, 0, "no replacement during the back-off");
      c.clock.advance(10_000);
      await c.until("replacement after 10 s", async () => (await running(c, "flaky")).length === 1);
      await c.finish((await running(c, "flaky"))[0] as StoredObject, "Failed");
      await c.until("Failed", async () => (await conditionTypes(c, "flaky")).includes("Failed"));
      const status = await statusOf(c, "flaky");
      assert.deepEqual(status.conditions.map((x: J) => [x.type, x.reason, x.message]), [
        ["FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"],
        ["Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"],
      ]);
      assert.equal(status.failed, 2);
      assert.equal(status.completionTime, undefined);
      assert.equal((await c.events("BackoffLimitExceeded")).length, 1);
    }));

  it("gives Indexed pods their completion index and reports completedIndexes", BOUNDED, () =>
    withJobs(async (c) => {
      await c.create(JOBS, job("idx", { completions: 3, parallelism: 3, completionMode: "Indexed" }));
      await c.until("3 pods", async () => (await podsOf(c, "idx")).length === 3);
      const pods = await podsOf(c, "idx");
      const indexes = pods.map((p) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"]).sort();
      assert.deepEqual(indexes, ["0", "1", "2"]);
      const one = pods.find((p) => p.metadata.labels?.["batch.kubernetes.io/job-completion-index"] === "1") as StoredObject;
      assert.match(one.metadata.name ?? "", /^idx-1-[a-z0-9]{5}$/);
      assert.equal((one.spec as J).hostname, "idx-1");
      assert.deepEqual((one.spec as J).containers[0].env, [
        { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
      ]);
      await c.finish(one, "Succeeded");
      await c.until("completedIndexes", async () => (await statusOf(c, "idx")).completedIndexes === "1");
      for (const p of await running(c, "idx")) await c.finish(p, "Succeeded");
      await c.until("Complete", async () => (await conditionTypes(c, "idx")).includes("Complete"));
      assert.equal((await statusOf(c, "idx")).completedIndexes, "0-2");
      assert.equal((await statusOf(c, "idx")).succeeded, 3);
    }));

  it("fails a job past activeDeadlineSeconds and stops its pods", BOUNDED, () =>
    withJobs(async (c) => {
      await c.create(JOBS, job("late", { activeDeadlineSeconds: 30 }));
      await c.until("a pod", async () => (await podsOf(c, "late")).length === 1);
      c.clock.advance(30_000);
      await c.until("Failed", async () => (await conditionTypes(c, "late")).includes("Failed"));
      const failed = ((await statusOf(c, "late")).conditions as J[]).find((x) => x.type === "Failed");
      assert.equal(failed?.reason, "DeadlineExceeded");
      assert.equal(failed?.message, "Job was active longer than specified deadline");
      await c.until("its pod is gone", async () => (await podsOf(c, "late")).length === 0);
    }));

  it("suspends and resumes", BOUNDED, () =>
    withJobs(async (c) => {
      await c.create(JOBS, job("sus", { suspend: true }));
      await c.until("Suspended", async () => (await conditionTypes(c, "sus")).includes("Suspended"));
      assert.equal((await podsOf(c, "sus")).length, 0);
      await c.admin.patch({ ...JOBS, name: "sus" }, { spec: { suspend: false } });
      await c.until("a pod", async () => (await podsOf(c, "sus")).length === 1);
      const cond = ((await statusOf(c, "sus")).conditions as J[]).find((x) => x.type === "Suspended");
      assert.deepEqual([cond?.status, cond?.reason], ["False", "JobResumed"]);
    }));

  it("deletes a finished job ttlSecondsAfterFinished later, with its pods", BOUNDED, () =>
    withJobs(async (c) => {
      await c.create(JOBS, job("ttl", { ttlSecondsAfterFinished: 60 }));
      await c.until("a pod", async () => (await running(c, "ttl")).length === 1);
      await c.finish((await running(c, "ttl"))[0] as StoredObject, "Succeeded");
      await c.until("Complete", async () => (await conditionTypes(c, "ttl")).includes("Complete"));
      c.clock.advance(59_000);
      await c.settle(20);
      assert.equal((await c.list(JOBS)).length, 1, "still there before the TTL");
      c.clock.advance(1_000);
      await c.until("deleted", async () => (await c.list(JOBS)).length === 0);
    }));

  it("releases the tracking finalizer of pods whose Job is gone", BOUNDED, () =>
    withJobs(async (c) => {
      await c.create(JOBS, job("gone"));
      await c.until("a pod", async () => (await podsOf(c, "gone")).length === 1);
      await c.admin.request("DELETE", `/apis/batch/v1/namespaces/default/jobs/gone`, { body: { propagationPolicy: "Orphan" } });
      // No garbage collector runs here: the job keeps its orphan finalizer; drop it by hand.
      await c.admin.patch({ ...JOBS, name: "gone" }, { metadata: { finalizers: null } });
      await c.until("finalizer released", async () => !(await podsOf(c, "gone"))[0]?.metadata.finalizers);
    }));
});
