import type { StoredObject } from "../api/types.js";
import type { LogLine } from "../apiserver/pod-log.js";
import { errors } from "../apiserver/status.js";
import { containerBehaviour, formatGoDuration } from "./pod-behaviour.js";

/**
 * What a simulated container "printed": deterministic lines derived from its status (start,
 * readiness, a line every minute while it runs, its exit), so the same pod always shows the same
 * log and a restart of minieks loses nothing.
 */

/** A long-running container logs one line per interval of the clock. */
export const LOG_INTERVAL_MS = 60_000;
/** At most this many interval lines per run (the oldest go, as a rotated log file's would). */
const MAX_INTERVAL_LINES = 10_000;

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const msOf = (v: unknown): number | undefined => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined);

/** One run of a container: when it started and, if over, how it ended. */
export interface ContainerRun {
  container: string;
  image: string;
  startedAt: number;
  restartCount: number;
  /** Undefined while it runs. */
  finishedAt?: number;
  exitCode?: number;
  readyDelayMs: number;
}

/**
 * The run `kubectl logs` reads, chosen as the kubelet's validateContainerLogStatus does, or the
 * kubelet's BadRequest when there is none (waiting to start, no previous run…).
 */
export function chooseRun(pod: StoredObject, container: string, previous: boolean): ContainerRun {
  const status = rec(pod.status);
  const statuses = [
    ...(status.containerStatuses as unknown[] | undefined ?? []),
    ...(status.initContainerStatuses as unknown[] | undefined ?? []),
    ...(status.ephemeralContainerStatuses as unknown[] | undefined ?? []),
  ].map(rec);
  const podName = pod.metadata.name ?? "";
  const cs = statuses.find((s) => s.name === container);
  const q = JSON.stringify;
  if (!cs) throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is not available`);
  const spec = rec(pod.spec);
  const specOf = [...((spec.containers as unknown[]) ?? []), ...((spec.initContainers as unknown[]) ?? []), ...((spec.ephemeralContainers as unknown[]) ?? [])]
    .map(rec)
    .find((c) => c.name === container);
  const image = String(specOf?.image ?? cs.image ?? "");
  const readyDelayMs = containerBehaviour(pod, container).behaviour.readyDelayMs;
  const restartCount = Number(cs.restartCount ?? 0);
  const state = rec(cs.state);
  const last = rec(rec(cs.lastState).terminated);
  const running = rec(state.running);
  const terminated = rec(state.terminated);
  // lastState is the run before the current one, or, while waiting to restart, the latest run.
  const lastAttempt = Object.keys(running).length > 0 || Object.keys(terminated).length > 0 ? Math.max(0, restartCount - 1) : restartCount;
  const fromTerminated = (t: Json, attempt: number): ContainerRun => ({
    container,
    image,
    startedAt: msOf(t.startedAt) ?? 0,
    finishedAt: msOf(t.finishedAt) ?? 0,
    exitCode: Number(t.exitCode ?? 0),
    restartCount: attempt,
    readyDelayMs,
  });
  if (previous) {
    if (!last.containerID) throw errors.badRequest(`previous terminated container ${q(container)} in pod ${q(podName)} not found`);
    return fromTerminated(last, lastAttempt);
  }
  if (Object.keys(running).length > 0) return { container, image, startedAt: msOf(running.startedAt) ?? 0, restartCount, readyDelayMs };
  if (Object.keys(terminated).length > 0) {
    if (terminated.containerID) return fromTerminated(terminated, restartCount);
    if (last.containerID) return fromTerminated(last, lastAttempt);
    throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is terminated`);
  }
  if (Object.keys(last).length > 0) {
    if (!last.containerID) throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is terminated`);
    return fromTerminated(last, lastAttempt);
  }
  const waiting = rec(state.waiting);
  if (Object.keys(waiting).length > 0) {
    const reason = String(waiting.reason ?? "");
    if (reason === "ErrImagePull") throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start: image can't be pulled`);
    if (reason === "ImagePullBackOff") throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start: trying and failing to pull image`);
    throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start: ${reason}`);
  }
  throw errors.badRequest(`container ${q(container)} in pod ${q(podName)} is waiting to start - no logs yet`);
}

export const startLine = (run: ContainerRun): string =>
  `minieks: container ${run.container} started (image ${run.image}${run.restartCount > 0 ? `, restart ${run.restartCount}` : ""})`;
export const intervalLine = (run: ContainerRun, elapsedMs: number): string => `minieks: container ${run.container} running for ${formatGoDuration(elapsedMs)}`;
export const exitLine = (run: ContainerRun, exitCode: number): string => `minieks: container ${run.container} exited with code ${exitCode}`;

/** The run's lines up to `now` (or its end). */
export function runLines(run: ContainerRun, now: number): LogLine[] {
  const end = run.finishedAt ?? now;
  const at = (ms: number, text: string): LogLine => ({ time: new Date(ms), text });
  const lines: LogLine[] = [at(run.startedAt, startLine(run))];
  if (run.readyDelayMs > 0 && run.startedAt + run.readyDelayMs <= end) lines.push(at(run.startedAt + run.readyDelayMs, `minieks: container ${run.container} is ready`));
  const intervals = Math.floor((end - run.startedAt) / LOG_INTERVAL_MS);
  for (let k = Math.max(1, intervals - MAX_INTERVAL_LINES + 1); k <= intervals; k++) {
    const t = run.startedAt + k * LOG_INTERVAL_MS;
    if (run.finishedAt !== undefined && t >= run.finishedAt) break;
    lines.push(at(t, intervalLine(run, k * LOG_INTERVAL_MS)));
  }
  lines.sort((a, b) => a.time.getTime() - b.time.getTime());
  if (run.finishedAt !== undefined) lines.push(at(run.finishedAt, exitLine(run, run.exitCode ?? 0)));
  return lines;
}
