import type { StoredObject } from "../api/types.js";
import { containerId, imageId, imageSizeBytes, normalizeImage } from "./container-image.js";
import { containerBehaviour, formatGoDuration, type ContainerBehaviour } from "./pod-behaviour.js";

/**
 * One pod's simulated containers as a timeline of stages (KWOK-style data, not processes):
 * sandbox → for each init container in turn, then all containers at once: pull → create/start →
 * running (ready after its delay) → exit, restart with CrashLoopBackOff or stay terminated, as
 * restartPolicy says. `advance(now)` moves every stage whose time has come and returns the
 * kubelet events that happened and when to look again; `status()` projects the pod status.
 */

/** Real durations of the runtime's steps, already multiplied by the time scale. */
export interface RuntimeTimings {
  sandboxMs: number;
  /** First pull of an image on a node. */
  pullMs: number;
  /** A pull of an image the node already has (imagePullPolicy: Always). */
  repullMs: number;
  createMs: number;
  /** How long a container takes to stop after SIGTERM (capped by the grace period). */
  stopMs: number;
}

/** What a pod's runtime asks of its node: the image cache. */
export interface NodeImages {
  has(image: string): boolean;
  add(image: string): void;
}

export interface RuntimeEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** CrashLoopBackOff: 10 s doubling to 5 min; reset after 10 min of running fine (kubelet's back-off GC). */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
const BACKOFF_RESET_MS = 600_000;

interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

type Stage =
  | { kind: "idle" }
  | { kind: "pulling"; since: number; until: number }
  | { kind: "creating"; until: number }
  | { kind: "running"; startedAt: number; readyAt: number; exitAt?: number }
  | { kind: "backoff"; until: number; delayMs: number }
  | { kind: "exited" };

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.map(rec) : []);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const msOf = (v: unknown): number | undefined => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined);

export class ContainerRuntime {
  stage: Stage = { kind: "idle" };
  restartCount = 0;
  /** state.terminated once the container has stopped for good. */
  current?: Terminated;
  /** lastState.terminated: the previous run. */
  last?: Terminated;
  /** The back-off the next exit waits (0 until the first restart). */
  backoffMs = 0;
  /**
   * The resources the container runs with (status.containerStatuses[].resources): the spec's at
   * admission, then each resize the kubelet accepts (pods/resize).
   */
  allocated: Json;

  constructor(
    readonly spec: Json,
    readonly init: boolean,
    readonly behaviour: ContainerBehaviour,
    /** An ephemeral container (kubectl debug): set when it was added; it starts then and never restarts. */
    readonly ephemeral?: { addedAt: number },
  ) {
    this.allocated = rec(spec.resources);
  }

  get name(): string {
    return String(this.spec.name ?? "");
  }
  get image(): string {
    return String(this.spec.image ?? "");
  }
  /** A restartable init container (restartPolicy: Always): a sidecar. */
  get sidecar(): boolean {
    return this.init && this.spec.restartPolicy === "Always";
  }
  isRunning(): boolean {
    return this.stage.kind === "running";
  }
  isReady(now: number): boolean {
    return this.stage.kind === "running" && this.stage.readyAt <= now;
  }
  /** Ran to completion and will not run again. */
  isDone(): boolean {
    return this.stage.kind === "exited";
  }
  succeeded(): boolean {
    return this.stage.kind === "exited" && this.current?.exitCode === 0;
  }
  /** Has run at least once (a waiting container with a past run counts as restarting). */
  hasRun(): boolean {
    return this.stage.kind === "running" || this.restartCount > 0 || this.last !== undefined || this.current !== undefined;
  }
  runningContainerId(podUid: string): string {
    return containerId(podUid, this.name, this.restartCount);
  }
}

export interface PodIdentity {
  uid: string;
  name: string;
  namespace: string;
}

export class PodRuntime {
  readonly init: ContainerRuntime[];
  readonly main: ContainerRuntime[];
  /** Ephemeral containers, in the order they were added (spec.ephemeralContainers). */
  readonly ephemeral: ContainerRuntime[] = [];
  readonly restartPolicy: string;
  readonly hostNetwork: boolean;
  readonly problems: string[] = [];
  /** spec.readinessGates condition types. */
  readonly gates: string[];
  /** When the kubelet admitted the pod (status.startTime). */
  admittedAt: number;
  sandboxReadyAt?: number;
  podIP?: string;
  /** Set once the pod is being deleted: containers stop at `until`. */
  killing?: { until: number };
  /** The containers were stopped for the deletion. */
  killed = false;
  private initDoneAt?: number;
  /** A pods/resize the node cannot accommodate now (the PodResizePending condition), or none. */
  resizePending?: { reason: "Infeasible" | "Deferred"; message: string };
  /** Transition times of the conditions this kubelet owns. */
  private readonly since = new Map<string, { status: string; at: number }>();

  constructor(
    readonly pod: PodIdentity,
    spec: Json,
    private readonly behaviourOf: (container: string) => { behaviour: ContainerBehaviour; problems: string[] },
    admittedAt: number,
  ) {
    const make = (c: Json, init: boolean) => {
      const { behaviour, problems } = behaviourOf(String(c.name ?? ""));
      this.problems.push(...problems);
      // An init container (not a sidecar) runs to completion unless told how long to run.
      const runsToCompletion = init && c.restartPolicy !== "Always" && behaviour.runForMs === undefined;
      return new ContainerRuntime(c, init, runsToCompletion ? { ...behaviour, runForMs: 0 } : behaviour);
    };
    this.init = recs(spec.initContainers).map((c) => make(c, true));
    this.main = recs(spec.containers).map((c) => make(c, false));
    this.restartPolicy = String(spec.restartPolicy ?? "Always");
    this.hostNetwork = spec.hostNetwork === true;
    this.gates = recs(spec.readinessGates).map((g) => String(g.conditionType ?? "")).filter(Boolean);
    this.admittedAt = admittedAt;
    this.addEphemeralContainers(spec, admittedAt);
  }

  /**
   * Takes in the ephemeral containers added to the spec since the last look (pods/ephemeralcontainers);
   * each starts from `now`. Returns whether there were any.
   */
  addEphemeralContainers(spec: Json, now: number): boolean {
    const known = new Set(this.ephemeral.map((c) => c.name));
    let added = false;
    for (const c of recs(spec.ephemeralContainers)) {
      const name = String(c.name ?? "");
      if (!name || known.has(name)) continue;
      const { behaviour, problems } = this.behaviourOf(name);
      this.problems.push(...problems);
      this.ephemeral.push(new ContainerRuntime(c, false, behaviour, { addedAt: now }));
      known.add(name);
      added = true;
    }
    return added;
  }

  static forPod(pod: StoredObject, admittedAt: number): PodRuntime {
    return new PodRuntime(
      { uid: pod.metadata.uid ?? "", name: pod.metadata.name ?? "", namespace: pod.metadata.namespace ?? "" },
      rec(pod.spec),
      (name) => containerBehaviour(pod, name),
      admittedAt,
    );
  }

  get containers(): ContainerRuntime[] {
    return [...this.init, ...this.main, ...this.ephemeral];
  }

  /** The sandbox exists (with its address) from `at`. */
  sandboxReady(at: number, ip: string): void {
    this.sandboxReadyAt = at;
    this.podIP = ip;
  }

  /** Every container exited for good, or was stopped for the deletion. */
  isTerminal(): boolean {
    const phase = this.phase();
    return phase === "Succeeded" || phase === "Failed";
  }

  phase(): "Pending" | "Running" | "Succeeded" | "Failed" {
    if (this.init.some((c) => !c.sidecar && c.isDone() && !c.succeeded())) return "Failed";
    if (this.killed) return this.main.every((c) => c.current?.exitCode === 0) ? "Succeeded" : "Failed";
    if (this.initDoneAt === undefined) return "Pending";
    if (this.main.every((c) => c.isDone())) return this.main.every((c) => c.succeeded()) ? "Succeeded" : "Failed";
    return this.main.some((c) => c.hasRun()) ? "Running" : "Pending";
  }

  /** Starts stopping the containers for a deletion with the given grace period. */
  beginKill(now: number, graceSeconds: number, timings: RuntimeTimings): RuntimeEvent[] {
    if (this.killing || this.killed) return [];
    this.killing = { until: now + Math.min(timings.stopMs, Math.max(0, graceSeconds) * 1000) };
    return this.containers.filter((c) => c.isRunning()).map((c) => ({ type: "Normal" as const, reason: "Killing", message: `Stopping container ${c.name}` }));
  }

  /** Moves every stage whose time has come; returns what happened and the next time to look. */
  advance(now: number, timings: RuntimeTimings, images: NodeImages): { events: RuntimeEvent[]; next?: number } {
    const events: RuntimeEvent[] = [];
    if (this.killing) {
      if (this.killing.until <= now) this.finishKill(this.killing.until);
      return { events, next: this.killed ? undefined : this.killing.until };
    }
    const env: StepEnv = { now, timings, images, events, pod: this.pod, restartPolicy: this.restartPolicy, podIP: this.podIP };
    if (this.sandboxReadyAt !== undefined && this.sandboxReadyAt <= now) {
      let begin = this.sandboxReadyAt;
      let initDone = true;
      for (const c of this.init) {
        step(c, begin, env);
        if (c.sidecar && c.stage.kind === "running") {
          begin = Math.max(begin, c.stage.startedAt);
          continue;
        }
        if (c.succeeded() && c.current) {
          begin = Math.max(begin, c.current.finishedAt);
          continue;
        }
        initDone = false;
        break;
      }
      if (initDone && this.initDoneAt === undefined) this.initDoneAt = begin;
      if (this.initDoneAt !== undefined) for (const c of this.main) step(c, this.initDoneAt, env);
      // Ephemeral containers start as soon as they are added, even before initialization completes, but
      // not in a pod that has finished.
      const finished = this.isTerminal();
      for (const c of this.ephemeral) if (!finished || c.stage.kind !== "idle") step(c, Math.max(this.sandboxReadyAt, c.ephemeral?.addedAt ?? 0), env);
      // Sidecars stop once the regular containers have finished for good.
      if (this.initDoneAt !== undefined && this.main.every((c) => c.isDone())) {
        for (const c of this.init.filter((s) => s.sidecar && s.stage.kind !== "exited")) stopContainer(c, now, this.pod.uid);
      }
    }
    return { events, next: this.nextTime(now) };
  }

  private finishKill(at: number): void {
    for (const c of this.containers) {
      if (c.stage.kind === "running") stopContainer(c, at, this.pod.uid);
      else if (c.stage.kind !== "exited") c.stage = { kind: "exited" };
    }
    this.killing = undefined;
    this.killed = true;
  }

  private nextTime(now: number): number | undefined {
    const times: number[] = [];
    if (this.sandboxReadyAt !== undefined && this.sandboxReadyAt > now) times.push(this.sandboxReadyAt);
    for (const c of this.containers) {
      const s = c.stage;
      if (s.kind === "pulling" || s.kind === "creating" || s.kind === "backoff") times.push(s.until);
      if (s.kind === "running") {
        if (s.readyAt > now) times.push(s.readyAt);
        if (s.exitAt !== undefined) times.push(s.exitAt);
      }
    }
    const future = times.filter((t) => t > now);
    return future.length > 0 ? Math.min(...future) : undefined;
  }

  /**
   * The pod status this kubelet reports (the fields it owns), given the conditions the pod has now
   * (for PodScheduled's time and readiness gates).
   */
  status(now: number, nodeIP: string, existingConditions: Json[] = []): Json {
    const phase = this.phase();
    const terminal = phase === "Succeeded" || phase === "Failed";
    const initialized = this.initDoneAt !== undefined || (terminal && this.init.every((c) => c.sidecar || c.succeeded()));
    const unready = this.main.filter((c) => !c.isReady(now)).map((c) => c.name);
    const incomplete = this.init.filter((c) => !(c.sidecar ? c.isRunning() || c.isDone() : c.succeeded())).map((c) => c.name);
    const gates = this.readinessGateProblem(existingConditions);

    const containersReady = terminal
      ? { status: "False", reason: phase === "Succeeded" ? "PodCompleted" : "PodFailed" }
      : unready.length === 0
        ? { status: "True" }
        : { status: "False", reason: "ContainersNotReady", message: `containers with unready status: [${unready.join(" ")}]` };
    const ready = containersReady.status === "True" && gates ? { status: "False", reason: "ReadinessGatesNotReady", message: gates } : containersReady;
    const scheduled = existingConditions.find((c) => c.type === "PodScheduled");
    const condition = (type: string, value: { status: string; reason?: string; message?: string }) => ({
      type,
      status: value.status,
      lastProbeTime: null,
      lastTransitionTime: iso(this.transition(type, value.status, now)),
      reason: value.reason ?? null,
      message: value.message ?? null,
    });
    const conditions = [
      condition("PodReadyToStartContainers", { status: this.sandboxReadyAt !== undefined && this.sandboxReadyAt <= now && !terminal ? "True" : "False" }),
      condition(
        "Initialized",
        initialized ? { status: "True" } : { status: "False", reason: "ContainersNotInitialized", message: `containers with incomplete status: [${incomplete.join(" ")}]` },
      ),
      condition("Ready", ready),
      condition("ContainersReady", containersReady),
      {
        type: "PodScheduled",
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: typeof scheduled?.lastTransitionTime === "string" ? scheduled.lastTransitionTime : iso(this.admittedAt),
      },
    ];
    const sandboxUp = this.sandboxReadyAt !== undefined && this.sandboxReadyAt <= now;
    const status: Json = {
      phase,
      conditions,
      hostIP: nodeIP,
      hostIPs: [{ ip: nodeIP }],
      startTime: iso(this.admittedAt),
      containerStatuses: this.main.map((c) => this.containerStatus(c, now)),
    };
    if (this.init.length > 0) status.initContainerStatuses = this.init.map((c) => this.containerStatus(c, now));
    if (this.ephemeral.length > 0) status.ephemeralContainerStatuses = this.ephemeral.map((c) => this.containerStatus(c, now));
    if (this.resizePending && !terminal) {
      conditions.push({
        type: "PodResizePending",
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: iso(this.transition(`PodResizePending/${this.resizePending.reason}`, "True", now)),
        reason: this.resizePending.reason,
        message: this.resizePending.message,
      });
    }
    if (sandboxUp && this.podIP) {
      status.podIP = this.podIP;
      status.podIPs = [{ ip: this.podIP }];
    }
    return status;
  }

  /** Restores what an earlier kubelet (before a restart) reported, so the timeline continues. */
  restore(status: Json, nodeIP: string): void {
    const startTime = msOf(status.startTime);
    if (startTime !== undefined) this.admittedAt = startTime;
    const podIP = typeof status.podIP === "string" ? status.podIP : undefined;
    if (podIP || this.hostNetwork) {
      const sandbox = recs(status.conditions).find((c) => c.type === "PodReadyToStartContainers");
      this.sandboxReady(msOf(sandbox?.lastTransitionTime) ?? this.admittedAt, podIP ?? nodeIP);
    }
    for (const c of recs(status.conditions)) {
      const at = msOf(c.lastTransitionTime);
      if (typeof c.type === "string" && typeof c.status === "string" && at !== undefined) this.since.set(c.type, { status: c.status, at });
    }
    const restoreOne = (c: ContainerRuntime, s: Json | undefined) => {
      if (!s) return;
      c.restartCount = Number(s.restartCount ?? 0);
      const last = rec(rec(s.lastState).terminated);
      if (Object.keys(last).length > 0) c.last = terminatedOf(last);
      const state = rec(s.state);
      const running = rec(state.running);
      const waiting = rec(state.waiting);
      const terminated = rec(state.terminated);
      if (Object.keys(running).length > 0) {
        const startedAt = msOf(running.startedAt) ?? this.admittedAt;
        const runFor = c.behaviour.runForMs;
        c.stage = {
          kind: "running",
          startedAt,
          readyAt: s.ready === true ? startedAt : startedAt + c.behaviour.readyDelayMs,
          exitAt: runFor === undefined ? undefined : startedAt + runFor,
        };
        c.backoffMs = c.restartCount > 0 ? BACKOFF_INITIAL_MS * 2 ** Math.max(0, c.restartCount - 1) : 0;
        c.backoffMs = Math.min(c.backoffMs, BACKOFF_MAX_MS);
      } else if (Object.keys(terminated).length > 0) {
        c.current = terminatedOf(terminated);
        c.stage = { kind: "exited" };
      } else if (waiting.reason === "CrashLoopBackOff" && c.last) {
        const delay = Math.min(BACKOFF_INITIAL_MS * 2 ** Math.max(0, c.restartCount - 1), BACKOFF_MAX_MS);
        c.backoffMs = delay;
        c.stage = { kind: "backoff", until: c.last.finishedAt + delay, delayMs: delay };
      }
    };
    const byName = (list: unknown) => new Map(recs(list).map((s) => [String(s.name ?? ""), s]));
    const initStatuses = byName(status.initContainerStatuses);
    const mainStatuses = byName(status.containerStatuses);
    const ephemeralStatuses = byName(status.ephemeralContainerStatuses);
    for (const c of this.init) restoreOne(c, initStatuses.get(c.name));
    for (const c of this.main) restoreOne(c, mainStatuses.get(c.name));
    for (const c of this.ephemeral) restoreOne(c, ephemeralStatuses.get(c.name));
    // The resources a container runs with survive a restart of the kubelet (its allocation checkpoint).
    for (const c of [...this.init, ...this.main]) {
      const reported = (c.init ? initStatuses : mainStatuses).get(c.name)?.resources;
      if (reported !== undefined) c.allocated = rec(reported);
    }
    if (recs(status.conditions).find((c) => c.type === "Initialized")?.status === "True") {
      this.initDoneAt = this.init.reduce((t, c) => Math.max(t, c.current?.finishedAt ?? t), this.sandboxReadyAt ?? this.admittedAt);
    }
  }

  private transition(type: string, status: string, now: number): number {
    const before = this.since.get(type);
    if (before && before.status === status) return before.at;
    this.since.set(type, { status, at: now });
    return now;
  }

  private readinessGateProblem(conditions: Json[]): string | undefined {
    return this.gates.map((gate) => {
      const c = conditions.find((x) => x.type === gate);
      if (!c) return `corresponding condition of pod readiness gate "${gate}" does not exist.`;
      if (c.status !== "True") return `the status of pod readiness gate "${gate}" is not "True", but ${String(c.status)}`;
      return undefined;
    }).find((m) => m !== undefined);
  }

  private containerStatus(c: ContainerRuntime, now: number): Json {
    const s = c.stage;
    const started = s.kind === "running";
    let state: Json;
    if (s.kind === "running") state = { running: { startedAt: iso(s.startedAt) } };
    else if (s.kind === "exited" && c.current) state = { terminated: terminatedJson(c.current) };
    else if (s.kind === "backoff") {
      const pod = `${this.pod.name}_${this.pod.namespace}(${this.pod.uid})`;
      state = { waiting: { reason: "CrashLoopBackOff", message: `back-off ${formatGoDuration(s.delayMs)} restarting failed container=${c.name} pod=${pod}` } };
    } else {
      const initPending = !c.init && !c.ephemeral && this.initDoneAt === undefined && this.init.length > 0;
      state = { waiting: { reason: c.init || initPending ? "PodInitializing" : "ContainerCreating" } };
    }
    // Until a container exists, the status shows the image as the spec names it.
    const created = c.hasRun();
    const out: Json = {
      name: c.name,
      image: created ? normalizeImage(c.image) : c.image,
      imageID: created ? imageId(c.image) : "",
      // An ephemeral container is never ready: it serves nothing.
      ready: c.ephemeral ? false : c.isReady(now),
      started,
      restartCount: c.restartCount,
      state,
      lastState: c.last ? { terminated: terminatedJson(c.last) } : {},
    };
    if (started) out.containerID = c.runningContainerId(this.pod.uid);
    else if (s.kind === "exited" && c.current) out.containerID = c.current.containerID;
    else if (c.last) out.containerID = c.last.containerID;
    // The resources the container runs with (ephemeral containers have none to report).
    if (!c.ephemeral && Object.keys(c.allocated).length > 0) out.resources = c.allocated;
    if (created) out.user = { linux: { uid: 0, gid: 0, supplementalGroups: [0] } };
    const mounts = recs(c.spec.volumeMounts);
    if (mounts.length > 0) {
      out.volumeMounts = mounts.map((m) => ({
        name: m.name,
        mountPath: m.mountPath,
        ...(m.readOnly === true ? { readOnly: true, recursiveReadOnly: "Disabled" } : {}),
      }));
    }
    return out;
  }
}

interface StepEnv {
  now: number;
  timings: RuntimeTimings;
  images: NodeImages;
  events: RuntimeEvent[];
  pod: PodIdentity;
  restartPolicy: string;
  podIP?: string;
}

/** Runs one container's stages up to `env.now`, starting its sequence at `beginAt` if it has not begun. */
function step(c: ContainerRuntime, beginAt: number, env: StepEnv): void {
  for (let guard = 0; guard < 64; guard++) {
    const s = c.stage;
    switch (s.kind) {
      case "idle":
        if (beginAt > env.now) return;
        beginSequence(c, beginAt, env);
        continue;
      case "pulling":
        if (s.until > env.now) return;
        env.images.add(c.image);
        env.events.push({
          type: "Normal",
          reason: "Pulled",
          message: `Successfully pulled image "${c.image}" in ${formatGoDuration(s.until - s.since)} (${formatGoDuration(s.until - s.since)} including waiting). Image size: ${imageSizeBytes(c.image)} bytes.`,
        });
        c.stage = { kind: "creating", until: s.until + env.timings.createMs + c.behaviour.startDelayMs };
        continue;
      case "creating": {
        if (s.until > env.now) return;
        const startedAt = s.until;
        env.events.push({ type: "Normal", reason: "Created", message: `Created container: ${c.name}` });
        env.events.push({ type: "Normal", reason: "Started", message: `Started container ${c.name}` });
        c.stage = {
          kind: "running",
          startedAt,
          readyAt: startedAt + c.behaviour.readyDelayMs,
          exitAt: c.behaviour.runForMs === undefined ? undefined : startedAt + c.behaviour.runForMs,
        };
        const probe = unhealthyMessage(c, env.podIP);
        if (probe && c.behaviour.readyDelayMs > 0) env.events.push({ type: "Warning", reason: "Unhealthy", message: probe });
        continue;
      }
      case "running":
        if (s.exitAt === undefined || s.exitAt > env.now) return;
        exitContainer(c, s.startedAt, s.exitAt, c.behaviour.exitCode, env);
        continue;
      case "backoff":
        if (s.until > env.now) return;
        c.backoffMs = Math.min(s.delayMs * 2, BACKOFF_MAX_MS);
        c.restartCount++;
        beginSequence(c, s.until, env);
        continue;
      case "exited":
        return;
    }
  }
}

function beginSequence(c: ContainerRuntime, at: number, env: StepEnv): void {
  const policy = String(c.spec.imagePullPolicy ?? "IfNotPresent");
  const present = env.images.has(c.image);
  if (policy === "Always" || (!present && policy !== "Never")) {
    env.events.push({ type: "Normal", reason: "Pulling", message: `Pulling image "${c.image}"` });
    c.stage = { kind: "pulling", since: at, until: at + (present ? env.timings.repullMs : env.timings.pullMs) };
    return;
  }
  // "Never" with a missing image would fail upstream (ErrImageNeverPull); every simulated node can run any image.
  env.events.push({ type: "Normal", reason: "Pulled", message: `Container image "${c.image}" already present on machine` });
  c.stage = { kind: "creating", until: at + env.timings.createMs + c.behaviour.startDelayMs };
}

function exitContainer(c: ContainerRuntime, startedAt: number, at: number, exitCode: number, env: StepEnv): void {
  const run: Terminated = {
    exitCode,
    reason: exitCode === 0 ? "Completed" : "Error",
    startedAt,
    finishedAt: at,
    containerID: c.runningContainerId(env.pod.uid),
  };
  // Ephemeral containers are never restarted; sidecars always are.
  let restart: boolean;
  if (c.ephemeral) restart = false;
  else if (c.sidecar) restart = true;
  else if (c.init) restart = exitCode !== 0 && env.restartPolicy !== "Never";
  else restart = env.restartPolicy === "Always" || (env.restartPolicy === "OnFailure" && exitCode !== 0);
  if (!restart) {
    c.current = run;
    c.stage = { kind: "exited" };
    return;
  }
  c.last = run;
  if (at - startedAt >= BACKOFF_RESET_MS) c.backoffMs = 0;
  if (c.backoffMs === 0) {
    // The kubelet restarts a container the first time at once, and backs off from the second exit.
    c.backoffMs = BACKOFF_INITIAL_MS;
    c.restartCount++;
    beginSequence(c, at, env);
    return;
  }
  c.stage = { kind: "backoff", until: at + c.backoffMs, delayMs: c.backoffMs };
  const pod = `${env.pod.name}_${env.pod.namespace}(${env.pod.uid})`;
  env.events.push({ type: "Warning", reason: "BackOff", message: `Back-off restarting failed container ${c.name} in pod ${pod}` });
}

/** Stops a running container on SIGTERM (exit 0, as a well-behaved process does). */
function stopContainer(c: ContainerRuntime, at: number, podUid: string): void {
  const startedAt = c.stage.kind === "running" ? c.stage.startedAt : at;
  c.current = { exitCode: 0, reason: "Completed", startedAt, finishedAt: at, containerID: c.runningContainerId(podUid) };
  c.stage = { kind: "exited" };
}

/** What a readiness probe reports while the container is not ready yet. */
function unhealthyMessage(c: ContainerRuntime, podIP = ""): string | undefined {
  const probe = rec(c.spec.readinessProbe);
  const http = rec(probe.httpGet);
  const tcp = rec(probe.tcpSocket);
  if (Object.keys(http).length > 0) {
    const scheme = String(http.scheme ?? "HTTP").toLowerCase();
    const port = String(http.port ?? "80");
    return `Readiness probe failed: Get "${scheme}://${podIP}:${port}${String(http.path ?? "/")}": dial tcp ${podIP}:${port}: connect: connection refused`;
  }
  if (Object.keys(tcp).length > 0) return `Readiness probe failed: dial tcp ${podIP}:${String(tcp.port ?? "")}: connect: connection refused`;
  if (Object.keys(rec(probe.exec)).length > 0) return "Readiness probe failed: ";
  return undefined;
}

const terminatedJson = (t: Terminated): Json => ({
  exitCode: t.exitCode,
  reason: t.reason,
  startedAt: iso(t.startedAt),
  finishedAt: iso(t.finishedAt),
  containerID: t.containerID,
});

function terminatedOf(t: Json): Terminated {
  return {
    exitCode: Number(t.exitCode ?? 0),
    reason: String(t.reason ?? ""),
    startedAt: msOf(t.startedAt) ?? 0,
    finishedAt: msOf(t.finishedAt) ?? 0,
    containerID: String(t.containerID ?? ""),
  };
}
