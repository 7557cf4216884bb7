import type { StoredObject } from "../../api/types.js";
import type { LabelSelector } from "../../apiserver/selectors.js";
import { selects } from "../common/claims.js";
import { rec } from "../common/controller-ref.js";
import { isPodActive, isPodReady } from "../common/pods.js";

/** What status counts of one claimed pod. */
interface Counted {
  active: boolean;
  fullyLabeled: boolean;
  ready: boolean;
}

export interface ReplicaCounts {
  replicas: number;
  fullyLabeled: number;
  ready: number;
  available: number;
}

const templateLabelsOf = (rs: StoredObject): string => JSON.stringify(rec(rec(rec(rs.spec).template).metadata).labels ?? {});

/**
 * One ReplicaSet's claimed pods, counted as pod events arrive: a sync with nothing to create,
 * delete, adopt or release then reports status without walking every pod (a 25,000-replica
 * ReplicaSet would otherwise be walked on every sync). A full sync builds it from the pods it
 * claims; any change the full sync must judge (a pod no longer selected, a new selector or
 * template) drops it.
 */
export class ReplicaTally {
  private readonly pods = new Map<string, Counted>();
  private readonly templateLabels: string;
  private readonly wantLabels: [string, unknown][];
  private counts = { replicas: 0, fullyLabeled: 0, ready: 0 };

  constructor(
    rs: StoredObject,
    readonly selector: LabelSelector,
  ) {
    this.templateLabels = templateLabelsOf(rs);
    this.wantLabels = Object.entries(rec(rec(rec(rec(rs.spec).template).metadata).labels));
  }

  /** Whether it still counts for this version of the ReplicaSet (same selector object, same template labels). */
  fits(rs: StoredObject, selector: LabelSelector): boolean {
    return selector === this.selector && templateLabelsOf(rs) === this.templateLabels;
  }

  /** Counts (or recounts) a claimed pod; false when the pod is no longer selected (the tally is then stale). */
  set(key: string, pod: StoredObject): boolean {
    if (!selects(this.selector, pod)) return false;
    this.delete(key);
    const labels = pod.metadata.labels ?? {};
    const counted = { active: isPodActive(pod), fullyLabeled: this.wantLabels.every(([k, v]) => labels[k] === v), ready: isPodReady(pod) };
    this.pods.set(key, counted);
    this.add(counted, 1);
    return true;
  }

  delete(key: string): void {
    const counted = this.pods.get(key);
    if (!counted) return;
    this.pods.delete(key);
    this.add(counted, -1);
  }

  /** Status counts (minReadySeconds 0: ready pods are available). */
  get(): ReplicaCounts {
    return { ...this.counts, available: this.counts.ready };
  }

  get active(): number {
    return this.counts.replicas;
  }

  private add(c: Counted, sign: 1 | -1): void {
    if (!c.active) return;
    this.counts.replicas += sign;
    if (c.fullyLabeled) this.counts.fullyLabeled += sign;
    if (c.ready) this.counts.ready += sign;
  }
}
