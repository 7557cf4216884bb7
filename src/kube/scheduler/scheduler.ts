import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { StoredObject } from "../api/types.js";
import { kubeTime } from "../apiserver/registry/resource-store.js";
import { StatusError } from "../apiserver/status.js";
import { EventRecorder } from "../client/event-recorder.js";
import type { InProcessClient, ResourceRef } from "../client/in-process-client.js";
import { Informer, objectKey } from "../client/informer.js";
import { SchedulerCache } from "./cache.js";
import { DefaultSelectorIndex } from "./default-selector.js";
import { type FrameworkHandle, SchedulingAlgorithm } from "./framework.js";
import { type Json, num, rec, recs, str, stringMap } from "./json.js";
import { DEFAULT_SCHEDULER, type PodInfo, podInfoOf } from "./pod-info.js";
import { type PdbInfo, preempt, type PreemptionHandle } from "./preemption.js";
import { type QueuedPod, SchedulingQueue } from "./queue.js";
import { compileLabelSelector, type Labels, matchEverything } from "./selectors.js";
import { fitErrorMessage } from "./status.js";

export interface SchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** Whether the cluster serves a resource: informers for PDBs, ReplicaSets … start only for served ones. */
  serves?: (group: string, version: string, plural: string) => boolean;
  /** Tie-breaking between equally good nodes (tests pass a seeded one). */
  random?: () => number;
}

/** The scheduler's pods informer leaves out finished pods, as kube-scheduler's does. */
const POD_FIELD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed";
/** CPU time one scheduling batch may take before the loop yields to I/O (watch events, HTTP). */
const BATCH_MS = 20;
/** Scheduled events wait while pods are being scheduled, but never more than this many. */
const MAX_DEFERRED_EVENTS = 2000;
/** Upstream truncates FailedScheduling messages (events and the PodScheduled condition) to 1 KiB. */
const MAX_MESSAGE = 1024;

const truncate = (message: string): string => (message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 4)} ...`);

/** Whether a pending pod's update could change where it fits (isPodUpdated: anything but status and bookkeeping). */
function podChanged(before: StoredObject, after: StoredObject): boolean {
  const strip = (p: StoredObject) => JSON.stringify([p.spec, p.metadata.labels, p.metadata.annotations, p.metadata.deletionTimestamp]);
  return strip(before) !== strip(after);
}

/** Whether a node update can make a pod fit that did not (labels, taints, allocatable, schedulability, conditions). */
function nodeChanged(before: StoredObject, after: StoredObject): boolean {
  const facts = (n: StoredObject) => {
    const status = rec(n.status);
    return JSON.stringify([
      n.metadata.labels,
      rec(n.spec).taints,
      rec(n.spec).unschedulable,
      status.allocatable,
      recs(status.conditions).map((c) => `${str(c.type)}=${str(c.status)}`),
    ]);
  };
  return facts(before) !== facts(after);
}

const podRef = (pod: { namespace: string; name: string }, subresource?: string): ResourceRef => ({
  version: "v1",
  plural: "pods",
  namespace: pod.namespace,
  name: pod.name,
  ...(subresource ? { subresource } : {}),
});

/**
 * kube-scheduler's default-scheduler, an ordinary API client (DESIGN.md rule 2): informers on
 * pods and nodes (plus namespaces, Services, ReplicaSets, StatefulSets and PDBs where served),
 * a scheduling queue, a cache of what each node holds (with assumed pods), the default profile's
 * filters and scores, preemption by priority, binding through pods/binding, and FailedScheduling
 * / Scheduled / Preempted events with upstream's wording.
 *
 * Scheduling cycles run synchronously in batches; bindings run in the background, so a burst
 * of pods is placed without waiting for API round-trips (the cache already counts them).
 * Not implemented: volume plugins (VolumeBinding, VolumeRestrictions, NodeVolumeLimits,
 * VolumeZone), ImageLocality, scheduling gates beyond skipping gated pods, extenders and
 * profiles other than the default.
 */
export class Scheduler {
  readonly cache = new SchedulerCache();
  private readonly queue: SchedulingQueue;
  private readonly algorithm: SchedulingAlgorithm;
  private readonly recorder: EventRecorder;
  private readonly selectors = new DefaultSelectorIndex();
  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly pdbs = new Map<string, PdbInfo>();
  private readonly pods: Informer;
  private readonly informers: Informer[] = [];
  private readonly handle: PreemptionHandle;
  private running = false;
  private loopScheduled = false;
  private stopped = false;
  private readonly syncWaiters: (() => void)[] = [];
  private readonly deferredEvents: (() => Promise<void>)[] = [];
  private eventFlushScheduled = false;
  /** Bindings sent and not answered yet (the bench and tests read it). */
  inFlightBindings = 0;

  constructor(
    private readonly client: InProcessClient,
    private readonly options: SchedulerOptions,
  ) {
    const { clock } = options;
    this.queue = new SchedulingQueue(clock, () => this.kick());
    this.recorder = new EventRecorder(client, clock, { component: DEFAULT_SCHEDULER });
    const random = options.random ?? Math.random;
    const handle: FrameworkHandle = {
      cache: this.cache,
      namespaceLabels: (ns) => this.namespaceLabels.get(ns) ?? {},
      defaultSelector: (pod) => this.selectors.selectorFor(pod),
      nominatedPods: (node) => this.queue.nominatedPods(node),
      hasNominatedPods: () => this.queue.hasNominations(),
      random,
    };
    this.algorithm = new SchedulingAlgorithm(handle);
    this.handle = { ...handle, algorithm: this.algorithm, pdbs: () => [...this.pdbs.values()] };

    this.pods = this.informer({ version: "v1", plural: "pods" }, (p, prev) => this.onPod(p, prev), (p) => this.onPodDeleted(p), {
      fieldSelector: POD_FIELD_SELECTOR,
    });
    this.informer(
      { version: "v1", plural: "nodes" },
      (n, prev) => this.onNode(n, prev),
      (n) => this.cache.removeNode(n.metadata.name ?? ""),
    );
    this.informer(
      { version: "v1", plural: "namespaces" },
      (ns) => void this.namespaceLabels.set(ns.metadata.name ?? "", stringMap(ns.metadata.labels)),
      (ns) => void this.namespaceLabels.delete(ns.metadata.name ?? ""),
    );
    const serves = options.serves ?? ((group: string, _v: string, plural: string) => group === "" && plural === "services");
    if (serves("", "v1", "services")) {
      this.informer({ version: "v1", plural: "services" }, (s) => this.selectors.service(s), (s) => this.selectors.service(s, true));
    }
    for (const ref of [
      { version: "v1", plural: "replicationcontrollers" },
      { group: "apps", version: "v1", plural: "replicasets" },
      { group: "apps", version: "v1", plural: "statefulsets" },
    ]) {
      if (serves(ref.group ?? "", ref.version, ref.plural)) this.informer(ref, (o) => this.selectors.owner(o), (o) => this.selectors.owner(o, true));
    }
    if (serves("policy", "v1", "poddisruptionbudgets")) {
      this.informer(
        { group: "policy", version: "v1", plural: "poddisruptionbudgets" },
        (pdb) => void this.pdbs.set(objectKey(pdb), pdbInfoOf(pdb)),
        (pdb) => void this.pdbs.delete(objectKey(pdb)),
      );
    }
  }

  private informer(
    ref: ResourceRef,
    onChange: (obj: StoredObject, previous?: StoredObject) => void,
    onDelete: (obj: StoredObject) => void,
    query: Record<string, string> = {},
  ): Informer {
    const informer = new Informer(this.client, ref, this.options.clock, { onChange, onDelete }, query);
    this.informers.push(informer);
    return informer;
  }

  start(): this {
    for (const informer of this.informers) informer.start();
    void Promise.all(this.informers.map((i) => i.synced())).then(() => {
      if (this.stopped) return;
      this.running = true;
      this.syncWaiters.splice(0).forEach((resolve) => resolve());
      this.kick();
    });
    return this;
  }

  /** Resolves once every informer has listed and scheduling has begun. */
  synced(): Promise<void> {
    if (this.running) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.queue.stop();
    for (const informer of this.informers) informer.stop();
  }

  /** Whether pods wait in the active queue or a batch is about to run. */
  hasActiveWork(): boolean {
    return this.queue.activeCount > 0 || this.loopScheduled;
  }

  /** Scheduled events not written yet. */
  get pendingEvents(): number {
    return this.deferredEvents.length;
  }

  /** Pods waiting in the queue (active, backing off or unschedulable). */
  get pendingPods(): number {
    return this.queue.pendingCount;
  }

  // ---------------------------------------------------------------- informer events

  private responsibleFor(info: PodInfo): boolean {
    return info.schedulerName === DEFAULT_SCHEDULER && !info.deleting && !info.gated;
  }

  private onPod(pod: StoredObject, previous?: StoredObject): void {
    const info = podInfoOf(pod);
    if (info.nodeName) {
      const before = this.cache.placement(info.key);
      this.cache.upsertBound(info);
      this.queue.delete(info.key);
      const labelsChanged = previous && JSON.stringify(previous.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
      // A pod placed on a node can satisfy pod affinity or change spreading for waiting pods.
      if (!before || before.assumed || labelsChanged) this.queue.moveUnschedulable((p) => p.requiredAffinity.length > 0 || p.spreadConstraints.length > 0);
      return;
    }
    // Unassigned: a pod whose binding is in flight stays out of the queue.
    if (this.cache.placement(info.key)) return;
    if (!this.responsibleFor(info)) {
      this.queue.delete(info.key);
      return;
    }
    const previousNomination = previous ? str(rec(previous.status).nominatedNodeName) : undefined;
    this.queue.addOrUpdate(info, !previous || podChanged(previous, pod), previousNomination);
  }

  private onPodDeleted(pod: StoredObject): void {
    const key = objectKey(pod);
    this.queue.delete(key);
    if (this.cache.placement(key)) {
      this.cache.remove(key);
      // Room freed on a node: every unschedulable pod may fit now.
      this.queue.moveUnschedulable();
    }
  }

  private onNode(node: StoredObject, previous?: StoredObject): void {
    this.cache.upsertNode(node);
    if (!previous || nodeChanged(previous, node)) this.queue.moveUnschedulable();
  }

  // ---------------------------------------------------------------- the scheduling loop

  private kick(): void {
    if (!this.running || this.loopScheduled || this.stopped) return;
    this.loopScheduled = true;
    // setImmediate, not a microtask: a long backlog must still let watch events and HTTP through.
    setImmediate(() => {
      this.loopScheduled = false;
      this.runBatch();
    });
  }

  private runBatch(): void {
    if (this.stopped) return;
    const until = performance.now() + BATCH_MS;
    for (;;) {
      const qp = this.queue.pop();
      if (!qp) return;
      try {
        this.scheduleOne(qp);
      } catch (error) {
        this.options.logger.error("scheduling cycle failed", { pod: qp.info.key, error: (error as Error).message });
        this.queue.addBackoff(qp);
      }
      if (performance.now() >= until) break;
    }
    if (this.queue.activeCount > 0) this.kick();
  }

  private scheduleOne(qp: QueuedPod): void {
    const { info } = qp;
    const outcome = this.algorithm.schedule(info);
    if (outcome.kind === "scheduled") {
      this.queue.done(qp);
      this.queue.clearNomination(info.key);
      this.cache.assume(info, outcome.node);
      void this.bind(qp, outcome.node);
      return;
    }
    if (outcome.kind === "noNodes") {
      this.failed(qp, "no nodes available to schedule pods", "Unschedulable", "");
      return;
    }
    const { diagnosis } = outcome;
    const result = preempt(info, diagnosis, outcome.state ?? this.algorithm.preFilter(info), this.handle);
    if (result.kind === "preempt") {
      void this.evict(info, result.node, result.victims);
      const cleared = new Set(result.lowerNominated.map((p) => p.key));
      for (const p of result.lowerNominated) {
        this.queue.clearNomination(p.key);
        void this.patchStatus(p, { nominatedNodeName: null });
      }
      this.queue.moveUnschedulable((p) => cleared.has(p.key));
      this.failed(qp, fitErrorMessage(diagnosis), "Unschedulable", result.node);
    } else {
      this.failed(qp, fitErrorMessage({ ...diagnosis, postFilterMsg: result.message }), "Unschedulable", result.clearNomination ? "" : undefined);
    }
  }

  /**
   * handleSchedulingFailure: back to the queue, a FailedScheduling event, and PodScheduled=False
   * with the same message; `nomination` sets ("node") or clears ("") status.nominatedNodeName.
   */
  private failed(qp: QueuedPod, message: string, reason: string, nomination: string | undefined): void {
    const { info } = qp;
    this.queue.addUnschedulable(qp);
    if (nomination) this.queue.setNomination(info, nomination);
    else if (nomination === "") this.queue.clearNomination(info.key);
    const text = truncate(message);
    const latest = this.pods.get(info.key) ?? info.pod;
    void this.recorder.event(latest, "Warning", "FailedScheduling", text);
    void this.setScheduledCondition(latest, reason, text, nomination);
  }

  private async setScheduledCondition(pod: StoredObject, reason: string, message: string, nomination: string | undefined): Promise<void> {
    const status = rec(pod.status);
    const current = recs(status.conditions).find((c) => str(c.type) === "PodScheduled");
    const nominationChanges = nomination !== undefined && str(status.nominatedNodeName) !== nomination;
    const conditionChanges = !current || str(current.status) !== "False" || str(current.reason) !== reason || str(current.message) !== message;
    if (!nominationChanges && !conditionChanges) return;
    const condition = {
      type: "PodScheduled",
      status: "False",
      observedGeneration: num(pod.metadata.generation, 1),
      lastProbeTime: null,
      lastTransitionTime: current && str(current.status) === "False" ? current.lastTransitionTime : kubeTime(this.options.clock.now()),
      reason,
      message,
    };
    const patch: Json = { conditions: [condition] };
    if (nominationChanges) patch.nominatedNodeName = nomination || null;
    await this.patchStatus(podInfoOf(pod), patch);
  }

  private async patchStatus(pod: PodInfo, status: Json): Promise<void> {
    try {
      await this.client.patch(podRef(pod, "status"), { status }, "strategic");
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) {
        this.options.logger.warn("cannot update pod status", { pod: pod.key, error: (error as Error).message });
      }
    }
  }

  /** DefaultBinder: POST pods/binding; on failure the assumed pod is forgotten and retried after backoff. */
  private async bind(qp: QueuedPod, node: string): Promise<void> {
    const { info } = qp;
    this.inFlightBindings++;
    try {
      await this.client.request("POST", `/api/v1/namespaces/${encodeURIComponent(info.namespace)}/pods/${encodeURIComponent(info.name)}/binding`, {
        body: { apiVersion: "v1", kind: "Binding", metadata: { name: info.name, namespace: info.namespace, uid: info.uid }, target: { kind: "Node", name: node } },
      });
      this.deferEvent(() => this.recorder.event(info.pod, "Normal", "Scheduled", `Successfully assigned ${info.namespace}/${info.name} to ${node}`));
    } catch (error) {
      this.cache.forget(info.key);
      this.queue.moveUnschedulable();
      const message = truncate(`running Bind plugin "DefaultBinder": ${(error as Error).message}`);
      const latest = this.pods.get(info.key);
      void this.recorder.event(latest ?? info.pod, "Warning", "FailedScheduling", message);
      if (!latest || str(rec(latest.spec).nodeName) || this.stopped) return;
      qp.info = podInfoOf(latest);
      if (!this.responsibleFor(qp.info)) return;
      this.queue.addBackoff(qp);
      void this.setScheduledCondition(latest, "SchedulerError", message, undefined);
    } finally {
      this.inFlightBindings--;
    }
  }

  /**
   * Scheduled events are written once no pod waits in the active queue (or when many are
   * pending): like upstream's event broadcaster, event writes stay off the scheduling path.
   */
  private deferEvent(write: () => Promise<void>): void {
    this.deferredEvents.push(write);
    if (this.deferredEvents.length >= MAX_DEFERRED_EVENTS) this.flushEvents();
    else this.scheduleEventFlush();
  }

  private scheduleEventFlush(): void {
    if (this.eventFlushScheduled || this.stopped) return;
    this.eventFlushScheduled = true;
    setImmediate(() => {
      this.eventFlushScheduled = false;
      if (this.hasActiveWork()) this.scheduleEventFlush();
      else this.flushEvents();
    });
  }

  private flushEvents(): void {
    for (const write of this.deferredEvents.splice(0)) void write();
  }

  /** Preemption's victims: DisruptionTarget condition, deletion, and a Preempted event each. */
  private async evict(preemptor: PodInfo, node: string, victims: PodInfo[]): Promise<void> {
    await Promise.all(
      victims.map(async (victim) => {
        try {
          await this.client.patch(
            podRef(victim, "status"),
            {
              status: {
                conditions: [
                  {
                    type: "DisruptionTarget",
                    status: "True",
                    observedGeneration: num(victim.pod.metadata.generation, 1),
                    lastProbeTime: null,
                    lastTransitionTime: kubeTime(this.options.clock.now()),
                    reason: "PreemptionByScheduler",
                    message: `${DEFAULT_SCHEDULER}: preempting to accommodate a higher priority pod`,
                  },
                ],
              },
            },
            "strategic",
          );
          await this.client.delete(podRef(victim));
          void this.recorder.event(victim.pod, "Normal", "Preempted", `Preempted by pod ${preemptor.uid} on node ${node}`);
        } catch (error) {
          if (!(error instanceof StatusError && error.code === 404)) {
            this.options.logger.warn("cannot preempt pod", { pod: victim.key, preemptor: preemptor.key, error: (error as Error).message });
          }
        }
      }),
    );
  }
}

/** A PodDisruptionBudget as preemption reads it; a missing or empty selector selects nothing. */
function pdbInfoOf(pdb: StoredObject): PdbInfo {
  const spec = rec(pdb.spec);
  const status = rec(pdb.status);
  const raw = spec.selector;
  const selector = raw === undefined || raw === null ? undefined : compileLabelSelector(raw);
  return {
    namespace: pdb.metadata.namespace ?? "",
    ...(selector && selector !== matchEverything ? { selector } : {}),
    disruptionsAllowed: num(status.disruptionsAllowed),
    disruptedPods: new Set(Object.keys(rec(status.disruptedPods))),
  };
}
