import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StoredObject } from "../api/types.js";
import { containerBehaviour, formatGoDuration, isJobPod, parseGoDuration } from "./pod-behaviour.js";

const pod = (annotations: Record<string, string> = {}, extra: Partial<StoredObject["metadata"]> = {}): StoredObject => ({
  metadata: { name: "p", namespace: "default", annotations, ...extra },
  spec: { containers: [{ name: "app", image: "busybox" }] },
});

describe("Go durations", () => {
  it("parses what time.ParseDuration accepts", () => {
    assert.equal(parseGoDuration("5s"), 5000);
    assert.equal(parseGoDuration("1m30s"), 90_000);
    assert.equal(parseGoDuration("250ms"), 250);
    assert.equal(parseGoDuration("1.5h"), 5_400_000);
    assert.equal(parseGoDuration("0"), 0);
    assert.equal(parseGoDuration("5"), undefined);
    assert.equal(parseGoDuration("soon"), undefined);
    assert.equal(parseGoDuration("-5s"), undefined);
  });

  it("formats as Duration.String does", () => {
    assert.equal(formatGoDuration(0), "0s");
    assert.equal(formatGoDuration(400), "400ms");
    assert.equal(formatGoDuration(1200), "1.2s");
    assert.equal(formatGoDuration(10_000), "10s");
    assert.equal(formatGoDuration(300_000), "5m0s");
    assert.equal(formatGoDuration(90_500), "1m30.5s");
    assert.equal(formatGoDuration(3_600_000), "1h0m0s");
  });
});

describe("pod behaviour annotations", () => {
  it("without annotations a container runs until stopped, with small default usage", () => {
    const { behaviour, problems } = containerBehaviour(pod(), "app");
    assert.deepEqual(problems, []);
    assert.equal(behaviour.runForMs, undefined);
    assert.equal(behaviour.startDelayMs, 0);
    assert.equal(behaviour.readyDelayMs, 0);
    assert.equal(behaviour.exitCode, 0);
    assert.equal(behaviour.crash, false);
    assert.ok(behaviour.cpuMillis > 0 && behaviour.memoryBytes > 0);
  });

  it("reads every annotation; a container-specific one wins", () => {
    const { behaviour } = containerBehaviour(
      pod({
        "minieks.io/start-delay": "5s",
        "minieks.io/ready-delay": "10s",
        "minieks.io/run-for": "30s",
        "minieks.io/run-for.app": "1m",
        "minieks.io/exit-code": "3",
        "minieks.io/cpu-usage": "250m",
        "minieks.io/memory-usage": "64Mi",
      }),
      "app",
    );
    assert.equal(behaviour.startDelayMs, 5000);
    assert.equal(behaviour.readyDelayMs, 10_000);
    assert.equal(behaviour.runForMs, 60_000);
    assert.equal(behaviour.exitCode, 3);
    assert.equal(behaviour.cpuMillis, 250);
    assert.equal(behaviour.memoryBytes, 64 * 1024 * 1024);
  });

  it("crash means exit at once with code 1; an exit code alone means run to completion", () => {
    assert.deepEqual(
      (({ runForMs, exitCode, crash }) => ({ runForMs, exitCode, crash }))(containerBehaviour(pod({ "minieks.io/crash": "true" }), "app").behaviour),
      { runForMs: 0, exitCode: 1, crash: true },
    );
    assert.equal(containerBehaviour(pod({ "minieks.io/exit-code": "0" }), "app").behaviour.runForMs, 0);
  });

  it("Job pods run to completion", () => {
    const job = pod({}, { ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "j", uid: "u", controller: true }] });
    assert.ok(isJobPod(job));
    assert.equal(containerBehaviour(job, "app").behaviour.runForMs, 0);
    assert.ok(!isJobPod(pod()));
  });

  it("reports annotations that do not parse and ignores them", () => {
    const { behaviour, problems } = containerBehaviour(
      pod({ "minieks.io/run-for": "soon", "minieks.io/exit-code": "300", "minieks.io/crash": "yes", "minieks.io/cpu-usage": "lots" }),
      "app",
    );
    assert.equal(behaviour.runForMs, undefined);
    assert.equal(behaviour.crash, false);
    assert.equal(problems.length, 4);
    assert.match(problems[0] ?? "", /^minieks\.io\/run-for: "soon" is not a duration/);
  });
});
