import type { Clock } from "../../shared/clock.js";
import type { PodInfo } from "./pod-info.js";

/** kube-scheduler's defaults: podInitialBackoffSeconds 1, podMaxBackoffSeconds 10. */
export const INITIAL_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 10_000;
/** podMaxInUnschedulablePodsDuration: an unschedulable pod is retried after 5 minutes even without a cluster event. */
export const MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;
/** How often the leftover unschedulable pods are looked at (flushUnschedulablePodsLeftover runs every 30 s). */
export const UNSCHEDULABLE_FLUSH_INTERVAL_MS = 30_000;

/** Shared and never changed: most nodes have no nominated pods. */
const NONE: PodInfo[] = [];

export interface QueuedPod {
  info: PodInfo;
  /** When the pod last entered the active queue (ordering among equal priorities). */
  timestamp: number;
  seq: number;
  attempts: number;
  /** Failed attempts that count for backoff. */
  failures: number;
  lastFailure: number;
  unschedulableSince: number;
  where: "active" | "backoff" | "unschedulable" | "inFlight";
  heapIndex: number;
}

/**
 * The scheduling queue (PriorityQueue): an active heap ordered by priority, then by the time
 * the pod entered it (PrioritySort); a backoff set whose pods return to the heap when their
 * backoff (1 s doubling to 10 s) is over; and the unschedulable pods, which wait for a cluster
 * event that may help them (or 5 minutes). It also remembers nominated pods per node.
 */
export class SchedulingQueue {
  private readonly pods = new Map<string, QueuedPod>();
  private readonly heap: QueuedPod[] = [];
  private readonly backoff = new Set<QueuedPod>();
  private readonly unschedulable = new Set<QueuedPod>();
  private readonly nominated = new Map<string, Map<string, PodInfo>>();
  private readonly nominationOf = new Map<string, string>();
  private seq = 0;
  private cancelBackoffTimer?: () => void;
  private backoffTimerDue = Infinity;
  private cancelFlush?: () => void;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    /** Called whenever the active queue gets a pod. */
    private readonly onActive: () => void,
  ) {
    this.scheduleFlush();
  }

  stop(): void {
    this.stopped = true;
    this.cancelBackoffTimer?.();
    this.cancelFlush?.();
  }

  get activeCount(): number {
    return this.heap.length;
  }

  get pendingCount(): number {
    return this.pods.size;
  }

  has(key: string): boolean {
    return this.pods.has(key);
  }

  /**
   * A pending pod was added or changed. New pods go to the active queue; an update can release an
   * unschedulable one. `previousNomination` is the status.nominatedNodeName of the version before:
   * when neither version names a node, a nomination made in memory (and not yet written) is kept.
   */
  addOrUpdate(info: PodInfo, relevantChange: boolean, previousNomination?: string): void {
    const kept = !info.nominatedNodeName && !previousNomination ? this.nominationOf.get(info.key) : undefined;
    this.setNomination(info, kept ?? info.nominatedNodeName);
    const existing = this.pods.get(info.key);
    if (!existing) {
      const qp: QueuedPod = { info, timestamp: 0, seq: 0, attempts: 0, failures: 0, lastFailure: 0, unschedulableSince: 0, where: "active", heapIndex: -1 };
      this.pods.set(info.key, qp);
      this.toActive(qp);
      return;
    }
    existing.info = info;
    if (existing.where === "unschedulable" && relevantChange) this.release(existing);
  }

  delete(key: string): void {
    const qp = this.pods.get(key);
    this.clearNomination(key);
    if (!qp) return;
    this.detach(qp);
    this.pods.delete(key);
  }

  /** The most important active pod, now in flight (or undefined). */
  pop(): QueuedPod | undefined {
    const qp = this.heap[0];
    if (!qp) return undefined;
    this.heapRemove(0);
    qp.where = "inFlight";
    qp.attempts++;
    return qp;
  }

  /** After a failed attempt the pod found no node: it waits for a cluster event (or 5 minutes). */
  addUnschedulable(qp: QueuedPod): void {
    if (this.pods.get(qp.info.key) !== qp) return;
    this.detach(qp);
    qp.failures++;
    qp.lastFailure = this.now();
    qp.unschedulableSince = qp.lastFailure;
    qp.where = "unschedulable";
    this.unschedulable.add(qp);
  }

  /** After an error (e.g. a failed binding, when the pod had left the queue): retried once its backoff is over. */
  addBackoff(qp: QueuedPod): void {
    const current = this.pods.get(qp.info.key);
    if (current && current !== qp) return;
    if (!current) this.pods.set(qp.info.key, qp);
    this.detach(qp);
    qp.failures++;
    qp.lastFailure = this.now();
    this.toBackoffOrActive(qp);
  }

  /** A pod that was taken for scheduling is done with (bound or assumed): it leaves the queue. */
  done(qp: QueuedPod): void {
    if (this.pods.get(qp.info.key) === qp) this.pods.delete(qp.info.key);
  }

  /** A cluster event that may help unschedulable pods: those `which` accepts move to active (or backoff). */
  moveUnschedulable(which: (info: PodInfo) => boolean = () => true): void {
    for (const qp of [...this.unschedulable]) if (which(qp.info)) this.release(qp);
  }

  // ---------------------------------------------------------------- nominations

  /** Remembers that `info` is nominated to `node` ("" clears). */
  setNomination(info: PodInfo, node: string): void {
    const before = this.nominationOf.get(info.key);
    if (before === node && node) {
      this.nominated.get(node)?.set(info.key, info);
      return;
    }
    if (before) this.clearNomination(info.key);
    if (!node) return;
    let m = this.nominated.get(node);
    if (!m) this.nominated.set(node, (m = new Map()));
    m.set(info.key, info);
    this.nominationOf.set(info.key, node);
  }

  clearNomination(key: string): void {
    const node = this.nominationOf.get(key);
    if (!node) return;
    this.nominationOf.delete(key);
    const m = this.nominated.get(node);
    m?.delete(key);
    if (m?.size === 0) this.nominated.delete(node);
  }

  hasNominations(): boolean {
    return this.nominated.size > 0;
  }

  nominatedPods(node: string): PodInfo[] {
    if (this.nominated.size === 0) return NONE;
    const m = this.nominated.get(node);
    return m ? [...m.values()] : NONE;
  }

  // ---------------------------------------------------------------- internals

  private now(): number {
    return this.clock.now().getTime();
  }

  private release(qp: QueuedPod): void {
    this.unschedulable.delete(qp);
    this.toBackoffOrActive(qp);
  }

  private backoffExpiry(qp: QueuedPod): number {
    if (qp.failures === 0) return 0;
    let duration = INITIAL_BACKOFF_MS;
    for (let i = 1; i < qp.failures && duration < MAX_BACKOFF_MS; i++) duration *= 2;
    return qp.lastFailure + Math.min(duration, MAX_BACKOFF_MS);
  }

  private toBackoffOrActive(qp: QueuedPod): void {
    const expiry = this.backoffExpiry(qp);
    if (expiry <= this.now()) return this.toActive(qp);
    qp.where = "backoff";
    this.backoff.add(qp);
    this.armBackoffTimer(expiry);
  }

  private toActive(qp: QueuedPod): void {
    qp.where = "active";
    qp.timestamp = this.now();
    qp.seq = this.seq++;
    this.heapPush(qp);
    if (!this.stopped) this.onActive();
  }

  private detach(qp: QueuedPod): void {
    if (qp.where === "active" && qp.heapIndex >= 0) this.heapRemove(qp.heapIndex);
    this.backoff.delete(qp);
    this.unschedulable.delete(qp);
  }

  private armBackoffTimer(due: number): void {
    if (this.stopped || due >= this.backoffTimerDue) return;
    this.cancelBackoffTimer?.();
    this.backoffTimerDue = due;
    this.cancelBackoffTimer = this.clock.setTimer(due - this.now(), () => {
      this.backoffTimerDue = Infinity;
      this.cancelBackoffTimer = undefined;
      const now = this.now();
      let next = Infinity;
      for (const qp of [...this.backoff]) {
        const expiry = this.backoffExpiry(qp);
        if (expiry <= now) {
          this.backoff.delete(qp);
          this.toActive(qp);
        } else next = Math.min(next, expiry);
      }
      if (next < Infinity) this.armBackoffTimer(next);
    });
  }

  private scheduleFlush(): void {
    if (this.stopped) return;
    this.cancelFlush = this.clock.setTimer(UNSCHEDULABLE_FLUSH_INTERVAL_MS, () => {
      const now = this.now();
      for (const qp of [...this.unschedulable]) if (now - qp.unschedulableSince > MAX_IN_UNSCHEDULABLE_MS) this.release(qp);
      this.scheduleFlush();
    });
  }

  // A binary heap with positions kept in the items, so any item can leave in O(log n).
  private less(a: QueuedPod, b: QueuedPod): boolean {
    if (a.info.priority !== b.info.priority) return a.info.priority > b.info.priority;
    if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
    return a.seq < b.seq;
  }

  private heapPush(qp: QueuedPod): void {
    qp.heapIndex = this.heap.length;
    this.heap.push(qp);
    this.up(qp.heapIndex);
  }

  private heapRemove(i: number): void {
    const last = this.heap.pop() as QueuedPod;
    const removed = this.heap[i];
    if (removed) removed.heapIndex = -1;
    if (i < this.heap.length) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(i);
    } else {
      last.heapIndex = -1;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as QueuedPod;
    const b = this.heap[j] as QueuedPod;
    this.heap[i] = b;
    this.heap[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.heap[i] as QueuedPod, this.heap[parent] as QueuedPod)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.heap.length && this.less(this.heap[l] as QueuedPod, this.heap[best] as QueuedPod)) best = l;
      if (r < this.heap.length && this.less(this.heap[r] as QueuedPod, this.heap[best] as QueuedPod)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
  }
}
