import type { StoredObject } from "../api/types.js";
import { cpuMillis, memoryBytes } from "./node-resources.js";

/**
 * How a simulated container behaves, from the pod's `minieks.io/*` annotations (docs/pod-behaviour.md).
 * `minieks.io/<key>` applies to every container; `minieks.io/<key>.<container>` to one (it wins).
 * Durations are Go durations ("500ms", "5s", "1m30s") on the cluster's clock, not scaled.
 */
export interface ContainerBehaviour {
  /** Extra time between the image being ready and the container starting, on every start. */
  startDelayMs: number;
  /** Time from start until the container reports ready. */
  readyDelayMs: number;
  /** When set, the container exits this long after each start. */
  runForMs?: number;
  exitCode: number;
  /** Exits at once on every start (with `exitCode`, 1 unless given). */
  crash: boolean;
  /** Simulated usage, for metrics.k8s.io. */
  cpuMillis: number;
  memoryBytes: number;
}

export const ANNOTATION_PREFIX = "minieks.io/";
type Key = "start-delay" | "ready-delay" | "run-for" | "exit-code" | "crash" | "cpu-usage" | "memory-usage";

/** What an idle container uses when no annotation says otherwise. */
const DEFAULT_CPU_MILLIS = 1;
const DEFAULT_MEMORY_BYTES = 4 * 1024 * 1024;

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (without a sign): "1h2m3.5s", "250ms", "0". Undefined when it does not parse. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === "0") return 0;
  if (!/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const [, value, unit] of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(value) * (UNIT_MS[unit ?? "s"] ?? 0);
  return Math.round(total);
}

/** Go's time.Duration String for whole milliseconds: "0s", "400ms", "1.2s", "1m30s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, "")}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

export interface BehaviourResult {
  behaviour: ContainerBehaviour;
  /** Annotations that did not parse, as "key: reason". */
  problems: string[];
}

/** The Job pods (owned by a batch/v1 Job) run to completion even without annotations. */
export const isJobPod = (pod: StoredObject): boolean =>
  (pod.metadata.ownerReferences ?? []).some((o) => o.kind === "Job" && String(o.apiVersion ?? "").startsWith("batch/")) ||
  pod.metadata.labels?.["batch.kubernetes.io/job-name"] !== undefined;

export function containerBehaviour(pod: StoredObject, containerName: string): BehaviourResult {
  const annotations = pod.metadata.annotations ?? {};
  const problems: string[] = [];
  const raw = (key: Key): [string, string] | undefined => {
    const specific = `${ANNOTATION_PREFIX}${key}.${containerName}`;
    if (annotations[specific] !== undefined) return [specific, annotations[specific]];
    const general = `${ANNOTATION_PREFIX}${key}`;
    return annotations[general] !== undefined ? [general, annotations[general]] : undefined;
  };
  const duration = (key: Key): number | undefined => {
    const found = raw(key);
    if (!found) return undefined;
    const ms = parseGoDuration(found[1]);
    if (ms === undefined) problems.push(`${found[0]}: ${JSON.stringify(found[1])} is not a duration such as "5s" or "1m30s"`);
    return ms;
  };
  const startDelayMs = duration("start-delay") ?? 0;
  const readyDelayMs = duration("ready-delay") ?? 0;
  let runForMs = duration("run-for");

  let exitCode: number | undefined;
  const exitText = raw("exit-code");
  if (exitText) {
    const n = Number(exitText[1]);
    if (/^\d+$/.test(exitText[1].trim()) && n <= 255) exitCode = n;
    else problems.push(`${exitText[0]}: ${JSON.stringify(exitText[1])} is not an exit code between 0 and 255`);
  }
  let crash = false;
  const crashText = raw("crash");
  if (crashText) {
    if (crashText[1] === "true") crash = true;
    else if (crashText[1] !== "false") problems.push(`${crashText[0]}: ${JSON.stringify(crashText[1])} is not "true" or "false"`);
  }
  const quantity = (key: Key, parse: (q: string) => number, fallback: number): number => {
    const found = raw(key);
    if (!found) return fallback;
    const value = parse(found[1]);
    if (value === 0 && !/^0+[a-zA-Z]*$/.test(found[1].trim())) {
      problems.push(`${found[0]}: ${JSON.stringify(found[1])} is not a resource quantity`);
      return fallback;
    }
    return value;
  };
  // An exit code alone, or a Job pod, means a container that runs to completion.
  if (runForMs === undefined && !crash && (exitCode !== undefined || isJobPod(pod))) runForMs = 0;
  if (crash) runForMs = 0;
  return {
    behaviour: {
      startDelayMs,
      readyDelayMs,
      runForMs,
      exitCode: exitCode ?? (crash ? 1 : 0),
      crash,
      cpuMillis: quantity("cpu-usage", cpuMillis, DEFAULT_CPU_MILLIS),
      memoryBytes: quantity("memory-usage", memoryBytes, DEFAULT_MEMORY_BYTES),
    },
    problems,
  };
}
