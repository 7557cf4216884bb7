import { scaled, type Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { StoredObject } from "../api/types.js";
import type { LogLine, PodLogProvider } from "../apiserver/pod-log.js";
import { StatusError } from "../apiserver/status.js";
import type { InProcessClient } from "../client/in-process-client.js";
import { Informer, objectKey } from "../client/informer.js";
import { WorkQueue } from "../client/work-queue.js";
import { sandboxId } from "./container-image.js";
import { EventSink } from "./event-sink.js";
import { NodeAgent } from "./node-agent.js";
import { nodeObject, type ClusterFacts } from "./node-object.js";
import type { ClusterNodeSource, NodeInstance } from "./node-source.js";
import { admitPod, type Rejection } from "./pod-admission.js";
import { chooseRun, exitLine, intervalLine, LOG_INTERVAL_MS, runLines, type ContainerRun } from "./pod-logs.js";
import { PodRuntime, type RuntimeEvent, type RuntimeTimings } from "./pod-runtime.js";
import { allocatedPod, resizeCompletedMessage, resizeRefusal, wantedResize } from "./pod-resize.js";
import { fleetUsage, type FleetUsage } from "./usage.js";

/** The real durations of the simulated runtime's steps (multiplied by the time scale). */
const SANDBOX_MS = 500;
const PULL_MS = 1200;
const REPULL_MS = 400;
const CREATE_MS = 300;
const STOP_MS = 500;
/** A pod without an address retries its sandbox on the kubelet's next sync (clock time, not scaled). */
const SANDBOX_RETRY_MS = 10_000;
/** The AWS cloud controller's node monitor period: how soon a terminated instance's Node goes (scaled). */
const NODE_DELETE_MS = 5_000;

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.map(rec) : []);
const podRef = (namespace: string, name: string, subresource?: string) => ({ version: "v1", plural: "pods", namespace, name, subresource });
const nodeNameOf = (pod: StoredObject): string => String(rec(pod.spec).nodeName ?? "");
const isTerminalPhase = (phase: unknown): boolean => phase === "Succeeded" || phase === "Failed";
/** Pod conditions the kubelet removes when they stop holding. */
const KUBELET_TRANSIENT_CONDITIONS = new Set(["PodResizePending", "PodResizeInProgress"]);

export interface KubeletFleetOptions {
  nodeSource: ClusterNodeSource;
  clock: Clock;
  logger: Logger;
  /** EKS's real durations are multiplied by this (0 = instant). */
  timeScale: number;
  cluster: ClusterFacts;
  /** The fleet's shared pod and node watch. */
  reader: InProcessClient;
  /** A kubelet's own client (system:node:<name>). */
  kubeletClient(nodeName: string): InProcessClient;
  /** The cloud controller manager's client: it deletes the Node of a terminated instance. */
  cloudController: InProcessClient;
  /** Registers the pods/log provider with the API server (cleared on stop). */
  setLogProvider?(provider: PodLogProvider | undefined): void;
  /** Pods synced at once. */
  concurrency?: number;
}

interface Follower {
  run: ContainerRun;
  onLine(line: LogLine): void;
  onEnd(): void;
  cancelTimers(): void;
}

/**
 * Every simulated kubelet of one cluster: one agent per instance the node source reports (Node
 * registration, lease, address pool) and one shared pod watch whose pods are dispatched to their
 * node's agent by spec.nodeName. Each pod's containers follow a PodRuntime timeline; its status is
 * written through pods/status as the node's user, its events as the node's kubelet.
 */
export class KubeletFleet {
  private readonly agents = new Map<string, NodeAgent>();
  private readonly podsOnNode = new Map<string, Set<string>>();
  private readonly nodeOfPod = new Map<string, string>();
  private readonly runtimes = new Map<string, PodRuntime>();
  /** The status last written per pod (JSON), to write only changes. */
  private readonly written = new Map<string, string>();
  private readonly followers = new Map<string, Set<Follower>>();
  private readonly nodeDeletions = new Map<string, () => void>();
  /** Pods without an address: when their sandbox is tried again (an address freed on the node tries at once). */
  private readonly sandboxRetryAt = new Map<string, number>();
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly queue: WorkQueue;
  private readonly timings: RuntimeTimings;
  /** Every kubelet's events, written in the background. */
  readonly events = new EventSink();
  private stopWatch?: () => void;
  private stopped = false;
  private readonly tracksObservedGeneration: boolean;

  constructor(private readonly options: KubeletFleetOptions) {
    const { clock, timeScale } = options;
    const [major = 1, minor = 0] = options.cluster.kubernetesPatch.split(".").map(Number);
    this.tracksObservedGeneration = major > 1 || minor >= 34;
    this.timings = {
      sandboxMs: scaled(SANDBOX_MS, timeScale),
      pullMs: scaled(PULL_MS, timeScale),
      repullMs: scaled(REPULL_MS, timeScale),
      createMs: scaled(CREATE_MS, timeScale),
      stopMs: scaled(STOP_MS, timeScale),
    };
    this.queue = new WorkQueue(clock, (key) => this.syncPod(key), {
      concurrency: options.concurrency ?? 64,
      onError: (key, error) => options.logger.warn("kubelet pod sync failed", { pod: key, error: (error as Error).message }),
    });
    this.pods = new Informer(options.reader, { version: "v1", plural: "pods" }, clock, {
      onChange: (pod) => this.podChanged(pod),
      onDelete: (pod) => this.podDeleted(pod),
    }, { fieldSelector: "spec.nodeName!=" });
    this.nodes = new Informer(options.reader, { version: "v1", plural: "nodes" }, clock);
  }

  async start(): Promise<this> {
    this.pods.start();
    this.nodes.start();
    await Promise.all([this.pods.synced(), this.nodes.synced()]);
    if (this.stopped) return this;
    this.stopWatch = this.options.nodeSource.watchInstances((instance) => this.instanceChanged(instance));
    this.options.setLogProvider?.((pod, opts) => this.logs(pod, opts));
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.options.setLogProvider?.(undefined);
    this.stopWatch?.();
    this.queue.stop();
    this.pods.stop();
    this.nodes.stop();
    for (const agent of this.agents.values()) agent.stop();
    for (const cancel of this.nodeDeletions.values()) cancel();
    for (const key of [...this.followers.keys()]) this.endFollowers(key);
    this.events.close();
  }

  /** The simulated CPU and memory use of every running pod and ready node (for metrics.k8s.io). */
  usage(): FleetUsage {
    return fleetUsage(this.options.clock.now(), this.agents, this.runtimes, (key) => this.pods.get(key));
  }

  /** The node agent for a node name (tests, diagnostics: its address pool and image cache). */
  agent(nodeName: string): NodeAgent | undefined {
    return this.agents.get(nodeName);
  }

  // --- instances -------------------------------------------------------------------------------

  private instanceChanged(instance: NodeInstance): void {
    if (this.stopped) return;
    const name = instance.privateDnsName;
    let agent = this.agents.get(name);
    // First seen running with its Node already registered: minieks restarted, the machine did not.
    const booted = !agent && this.nodes.get(name) !== undefined;
    if (!agent) {
      agent = new NodeAgent(instance, {
        client: this.options.kubeletClient(name),
        network: this.options.nodeSource.network,
        clock: this.options.clock,
        logger: this.options.logger,
        timeScale: this.options.timeScale,
        cluster: this.options.cluster,
        currentNode: (n) => this.nodes.get(n),
        addressesInUse: (n) => this.addressesInUse(n),
        onReady: (n) => this.requeueNode(n),
        events: this.events,
      });
      this.agents.set(name, agent);
    } else {
      agent.instance = instance;
    }
    if (instance.state === "running") {
      this.nodeDeletions.get(name)?.();
      this.nodeDeletions.delete(name);
      agent.start(booted);
      return;
    }
    agent.stop();
    if (instance.state === "terminated" && !this.nodeDeletions.has(name)) {
      // The cloud controller manager deletes the Node once EC2 says the instance is gone; the
      // node's pods are left to the pod garbage collector, as in EKS.
      const cancel = this.options.clock.setTimer(scaled(NODE_DELETE_MS, this.options.timeScale), () => void this.deleteNode(name));
      this.nodeDeletions.set(name, cancel);
    }
  }

  private async deleteNode(name: string): Promise<void> {
    this.nodeDeletions.delete(name);
    this.agents.delete(name);
    try {
      await this.options.cloudController.delete({ version: "v1", plural: "nodes", name });
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) {
        this.options.logger.warn("could not delete the node of a terminated instance", { node: name, error: (error as Error).message });
      }
    }
  }

  private requeueNode(nodeName: string): void {
    for (const key of this.podsOnNode.get(nodeName) ?? []) this.queue.add(key);
  }

  /** Addresses held by the node's pods (status.podIP), from which ipamd rebuilds its pool. */
  private addressesInUse(nodeName: string): Map<string, string> {
    const inUse = new Map<string, string>();
    for (const key of this.podsOnNode.get(nodeName) ?? []) {
      const pod = this.pods.get(key);
      const status = rec(pod?.status);
      if (!pod || rec(pod.spec).hostNetwork === true || isTerminalPhase(status.phase)) continue;
      if (typeof status.podIP === "string" && status.podIP) inUse.set(key, status.podIP);
    }
    return inUse;
  }

  // --- pods ------------------------------------------------------------------------------------

  private podChanged(pod: StoredObject): void {
    const key = objectKey(pod);
    const node = nodeNameOf(pod);
    const before = this.nodeOfPod.get(key);
    if (before !== node) {
      if (before) this.podsOnNode.get(before)?.delete(key);
      this.nodeOfPod.set(key, node);
      if (!this.podsOnNode.has(node)) this.podsOnNode.set(node, new Set());
      this.podsOnNode.get(node)?.add(key);
    }
    if (this.agents.has(node)) this.queue.add(key);
  }

  private podDeleted(pod: StoredObject): void {
    const key = objectKey(pod);
    const node = this.nodeOfPod.get(key);
    if (node) this.podsOnNode.get(node)?.delete(key);
    this.nodeOfPod.delete(key);
    this.forget(key, node);
  }

  /** Drops a pod's runtime and gives its address back. */
  private forget(key: string, nodeName?: string): void {
    this.runtimes.delete(key);
    this.sandboxRetryAt.delete(key);
    this.written.delete(key);
    this.endFollowers(key);
    const agent = nodeName ? this.agents.get(nodeName) : undefined;
    if (agent) {
      agent.waitingForIp.delete(key);
      if (agent.ipam.release(key)) this.wakeIpWaiters(agent);
    }
    if (nodeName) this.retryPendingResizes(nodeName);
  }

  /** Room freed on a node (a pod gone, finished or resized): deferred resizes there are tried again. */
  private retryPendingResizes(nodeName: string): void {
    for (const key of this.podsOnNode.get(nodeName) ?? []) if (this.runtimes.get(key)?.resizePending) this.queue.add(key);
  }

  private wakeIpWaiters(agent: NodeAgent): void {
    for (const key of agent.waitingForIp) {
      this.sandboxRetryAt.delete(key);
      this.queue.add(key);
    }
  }

  /** The pods the kubelet already runs on the node (admitted and not finished), besides `except`. */
  private admittedPods(nodeName: string, except: string): StoredObject[] {
    const out: StoredObject[] = [];
    for (const key of this.podsOnNode.get(nodeName) ?? []) {
      if (key === except) continue;
      const pod = this.pods.get(key);
      if (!pod) continue;
      const rt = this.runtimes.get(key);
      const status = rec(pod.status);
      const running = rt && rt.pod.uid === pod.metadata.uid ? !rt.isTerminal() : status.startTime !== undefined && !isTerminalPhase(status.phase);
      if (running) out.push(pod);
    }
    return out;
  }

  /** The admitted pods of a node as they run: with the resources the kubelet allocated them (resizes it accepted). */
  private allocatedPods(nodeName: string, except: string): StoredObject[] {
    return this.admittedPods(nodeName, except).map((p) => {
      const rt = this.runtimes.get(objectKey(p));
      return rt && rt.pod.uid === p.metadata.uid ? allocatedPod(p, rt) : p;
    });
  }

  private async syncPod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod) return this.forget(key);
    const nodeName = nodeNameOf(pod);
    const agent = this.agents.get(nodeName);
    // Not a simulated node, or its kubelet is down: the node lifecycle controller's business.
    if (!agent || !agent.isReady) return;
    const status = rec(pod.status);
    let rt = this.runtimes.get(key);
    if (rt && rt.pod.uid !== pod.metadata.uid) {
      this.forget(key, nodeName);
      rt = undefined;
    }
    if (!rt) {
      if (isTerminalPhase(status.phase)) {
        if (agent.ipam.release(key)) this.wakeIpWaiters(agent);
        if (pod.metadata.deletionTimestamp) await this.deletePod(agent, pod);
        return;
      }
      const now = this.options.clock.now().getTime();
      if (status.startTime !== undefined) {
        // Started by this kubelet before a restart of minieks: continue from the reported status.
        rt = PodRuntime.forPod(pod, now);
        rt.restore(status, agent.nodeIP);
        this.written.set(key, JSON.stringify(this.desiredStatus(pod, rt, now, agent)));
      } else {
        if (pod.metadata.deletionTimestamp) return this.deletePod(agent, pod);
        const node = this.nodes.get(nodeName) ?? (nodeObject(agent.instance, this.options.cluster, new Date(now)) as StoredObject);
        const rejection = admitPod(pod, node, this.allocatedPods(nodeName, key));
        if (rejection) return this.reject(agent, pod, rejection);
        rt = PodRuntime.forPod(pod, now);
        for (const problem of rt.problems) this.record(agent, pod, [{ type: "Warning", reason: "InvalidMinieksAnnotation", message: `${problem}; ignored` }]);
      }
      this.runtimes.set(key, rt);
    }

    if (!pod.metadata.deletionTimestamp && !rt.isTerminal()) {
      rt.addEphemeralContainers(rec(pod.spec), this.options.clock.now().getTime());
      this.resize(agent, pod, rt);
    }
    if (pod.metadata.deletionTimestamp) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? Number(rec(pod.spec).terminationGracePeriodSeconds ?? 30);
      this.record(agent, pod, rt.beginKill(this.options.clock.now().getTime(), grace, this.timings));
    }
    if (rt.sandboxReadyAt === undefined && !rt.killing && !rt.killed && !rt.isTerminal()) {
      // Waiting for an address: updates of the pod itself do not retry before the next attempt is due.
      if ((this.sandboxRetryAt.get(key) ?? 0) > this.options.clock.now().getTime()) return;
      const ready = await this.createSandbox(agent, pod, rt);
      if (!ready) return;
    }

    const now = this.options.clock.now().getTime();
    const { events, next } = rt.advance(now, this.timings, agent.images);
    this.record(agent, pod, events);
    const desired = this.desiredStatus(pod, rt, now, agent);
    const json = JSON.stringify(desired);
    // The first report waits for the sandbox (so a plain pod is written at most three times).
    const sandboxPending = rt.sandboxReadyAt !== undefined && rt.sandboxReadyAt > now && !this.written.has(key);
    if (json !== this.written.get(key) && !sandboxPending) {
      await this.writeStatus(agent, pod, desired);
      if (this.runtimes.get(key) !== rt) return;
      this.written.set(key, json);
    }
    this.checkFollowers(key);
    if (rt.isTerminal() && agent.ipam.release(key)) {
      this.wakeIpWaiters(agent);
      this.retryPendingResizes(nodeName);
    }
    if (rt.killed) return this.deletePod(agent, pod);
    if (next !== undefined) this.queue.addAfter(key, next - now);
  }

  /** The status the kubelet reports for the pod now. */
  private desiredStatus(pod: StoredObject, rt: PodRuntime, now: number, agent: NodeAgent): Json {
    const desired = rt.status(now, agent.nodeIP, recs(rec(pod.status).conditions));
    // PodObservedGenerationTracking (beta, on since 1.34): the pod generation this status reflects.
    if (this.tracksObservedGeneration && pod.metadata.generation !== undefined) desired.observedGeneration = pod.metadata.generation;
    return desired;
  }

  /**
   * pods/resize on the node: containers asking for other resources than they run with get them when the
   * pod still fits its node (a ResizeCompleted event), else the pod shows PodResizePending (Infeasible or
   * Deferred) until a later sync finds room.
   */
  private resize(agent: NodeAgent, pod: StoredObject, rt: PodRuntime): void {
    const wanted = wantedResize(pod, rt);
    if (wanted.size === 0) {
      rt.resizePending = undefined;
      return;
    }
    const key = objectKey(pod);
    const nodeName = nodeNameOf(pod);
    const node = this.nodes.get(nodeName) ?? (nodeObject(agent.instance, this.options.cluster, this.options.clock.now()) as StoredObject);
    const refusal = resizeRefusal(pod, node, this.allocatedPods(nodeName, key));
    if (refusal) {
      rt.resizePending = refusal;
      return;
    }
    for (const [container, resources] of wanted) container.allocated = resources;
    rt.resizePending = undefined;
    this.retryPendingResizes(nodeName);
    this.record(agent, pod, [{ type: "Normal", reason: "ResizeCompleted", message: resizeCompletedMessage(pod) }]);
  }

  /** Sets up the pod's network: its own secondary IP from ipamd, or the node's address for hostNetwork pods. */
  private async createSandbox(agent: NodeAgent, pod: StoredObject, rt: PodRuntime): Promise<boolean> {
    const key = objectKey(pod);
    const at = () => this.options.clock.now().getTime() + this.timings.sandboxMs;
    if (rt.hostNetwork) {
      rt.sandboxReady(at(), agent.nodeIP);
      return true;
    }
    const ip = await agent.ipam.assign(key);
    if (this.runtimes.get(key) !== rt) {
      if (ip) agent.ipam.release(key);
      return false;
    }
    if (ip) {
      agent.waitingForIp.delete(key);
      this.sandboxRetryAt.delete(key);
      rt.sandboxReady(at(), ip);
      return true;
    }
    agent.waitingForIp.add(key);
    this.sandboxRetryAt.set(key, this.options.clock.now().getTime() + SANDBOX_RETRY_MS);
    const message =
      `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandboxId(pod.metadata.uid ?? "")}": ` +
      'plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container';
    this.record(agent, pod, [{ type: "Warning", reason: "FailedCreatePodSandBox", message }]);
    const now = this.options.clock.now().getTime();
    const desired = this.desiredStatus(pod, rt, now, agent);
    const json = JSON.stringify(desired);
    if (json !== this.written.get(key)) {
      await this.writeStatus(agent, pod, desired);
      this.written.set(key, json);
    }
    this.queue.addAfter(key, SANDBOX_RETRY_MS);
    return false;
  }

  private record(agent: NodeAgent, pod: StoredObject, events: RuntimeEvent[]): void {
    for (const e of events) this.events.record(agent.recorder, pod, e.type, e.reason, e.message);
  }

  /**
   * A strategic merge patch of pods/status, as the kubelet's status manager sends. A condition's
   * null reason/message deletes a key the stored condition has; it is left out otherwise.
   */
  private async writeStatus(agent: NodeAgent, pod: StoredObject, status: Json): Promise<void> {
    const before = [...recs(rec(pod.status).conditions), ...recs(rec(JSON.parse(this.written.get(objectKey(pod)) ?? "{}")).conditions)];
    const has = (type: unknown, field: string) => before.some((c) => c.type === type && c[field] !== undefined && c[field] !== null);
    const conditions = recs(status.conditions).map((c) =>
      Object.fromEntries(Object.entries(c).filter(([field, value]) => value !== null || field === "lastProbeTime" || has(c.type, field))),
    );
    // Conditions the kubelet sets only while they hold (PodResizePending) are deleted once they do not.
    const gone = recs(rec(pod.status).conditions)
      .filter((c) => KUBELET_TRANSIENT_CONDITIONS.has(String(c.type)) && !conditions.some((x) => x.type === c.type))
      .map((c) => ({ type: c.type, $patch: "delete" }));
    const listed = [...conditions, ...gone];
    const body = {
      metadata: { uid: pod.metadata.uid },
      status: { ...status, ...(conditions.length ? { conditions: listed, "$setElementOrder/conditions": conditions.map((c) => ({ type: c.type })) } : {}) },
    };
    try {
      await agent.client.patch(podRef(pod.metadata.namespace ?? "", pod.metadata.name ?? "", "status"), body, "strategic");
    } catch (error) {
      // Gone (or replaced by a pod of the same name): its DELETE event cleans up.
      if (error instanceof StatusError && (error.code === 404 || error.code === 409)) return;
      throw error;
    }
  }

  private async reject(agent: NodeAgent, pod: StoredObject, rejection: Rejection): Promise<void> {
    this.record(agent, pod, [{ type: "Warning", reason: rejection.reason, message: rejection.message }]);
    await this.writeStatus(agent, pod, { phase: "Failed", reason: rejection.reason, message: `Pod was rejected: ${rejection.message}` });
  }

  /** Removes a pod whose containers have stopped, for good (grace period 0, this pod's uid only). */
  private async deletePod(agent: NodeAgent, pod: StoredObject): Promise<void> {
    const key = objectKey(pod);
    if (agent.ipam.release(key)) this.wakeIpWaiters(agent);
    const path = `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? "")}/pods/${encodeURIComponent(pod.metadata.name ?? "")}`;
    try {
      await agent.client.request("DELETE", path, { body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } } });
    } catch (error) {
      if (!(error instanceof StatusError && (error.code === 404 || error.code === 409))) throw error;
    }
  }

  // --- logs ------------------------------------------------------------------------------------

  private async logs(pod: StoredObject, options: { container: string; previous: boolean }) {
    const agent = this.agents.get(nodeNameOf(pod));
    if (!agent) return undefined;
    if (!agent.isRunning) {
      const url = `https://${agent.nodeIP}:10250/containerLogs/${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}/${options.container}`;
      throw new StatusError(500, "", `Get ${JSON.stringify(url)}: dial tcp ${agent.nodeIP}:10250: connect: connection refused`);
    }
    const run = chooseRun(pod, options.container, options.previous);
    const now = this.options.clock.now().getTime();
    const key = objectKey(pod);
    return {
      lines: runLines(run, now),
      follow: run.finishedAt === undefined ? (onLine: (l: LogLine) => void, onEnd: () => void) => this.follow(key, run, now, onLine, onEnd) : undefined,
    };
  }

  private follow(key: string, run: ContainerRun, from: number, onLine: (l: LogLine) => void, onEnd: () => void): () => void {
    const { clock } = this.options;
    let cancelTimer = () => {};
    let k = Math.floor((from - run.startedAt) / LOG_INTERVAL_MS) + 1;
    const tick = () => {
      const at = run.startedAt + k * LOG_INTERVAL_MS;
      cancelTimer = clock.setTimer(Math.max(0, at - clock.now().getTime()), () => {
        onLine({ time: new Date(at), text: intervalLine(run, k * LOG_INTERVAL_MS) });
        k++;
        tick();
      });
    };
    tick();
    const follower: Follower = { run, onLine, onEnd, cancelTimers: () => cancelTimer() };
    if (!this.followers.has(key)) this.followers.set(key, new Set());
    this.followers.get(key)?.add(follower);
    this.checkFollowers(key);
    return () => {
      follower.cancelTimers();
      this.followers.get(key)?.delete(follower);
    };
  }

  /** Ends the streams of followed containers that have stopped (with their exit line). */
  private checkFollowers(key: string): void {
    const set = this.followers.get(key);
    if (!set) return;
    const rt = this.runtimes.get(key);
    const second = (ms: number) => Math.floor(ms / 1000);
    for (const f of [...set]) {
      const c = rt?.containers.find((x) => x.name === f.run.container);
      if (c?.stage.kind === "running" && second(c.stage.startedAt) === second(f.run.startedAt)) continue;
      const ended = [c?.current, c?.last].find((t) => t && second(t.startedAt) === second(f.run.startedAt));
      if (!c && !rt) continue;
      if (ended) f.onLine({ time: new Date(ended.finishedAt), text: exitLine(f.run, ended.exitCode) });
      f.cancelTimers();
      set.delete(f);
      f.onEnd();
    }
  }

  private endFollowers(key: string): void {
    const set = this.followers.get(key);
    if (!set) return;
    this.followers.delete(key);
    for (const f of set) {
      f.cancelTimers();
      f.onEnd();
    }
  }
}

const fleets = new WeakMap<object, KubeletFleet>();

/** Lets other in-process components (the metrics API) find the fleet of a cluster by its API handler. */
export const registerFleet = (handler: object, fleet: KubeletFleet): void => void fleets.set(handler, fleet);
export const unregisterFleet = (handler: object): void => void fleets.delete(handler);
export const kubeletFleetOf = (handler: object): KubeletFleet | undefined => fleets.get(handler);
