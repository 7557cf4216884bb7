import type { StoredObject } from "../../api/types.js";
import { labelSelectorFromObject, matchesLabels, type LabelSelector, type LabelSelectorObject } from "../../apiserver/selectors.js";
import { StatusError } from "../../apiserver/status.js";
import type { ResourceRef } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { slowStartBatch, runBounded } from "../common/batches.js";
import { claim, freshOwnerCheck } from "../common/claims.js";
import { isNotFound, omitEmpty, writeStatus, type ControllerContext } from "../common/controller-context.js";
import { controllerRefOf, controllingOwnerKey, int, newControllerRef, rec, recs, type Json } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import { Expectations } from "../common/expectations.js";
import { BY_CONTROLLER, BY_NAMESPACE, indexWorkloadObjects, ORPHANS_BY_NAMESPACE, podFromTemplate, podPrefix } from "../common/indexes.js";
import { availableAt, isPodActive, isPodAvailable, isPodReady, replicaFactsChanged } from "../common/pods.js";
import { allSynced, type SharedInformer } from "../common/shared-informers.js";
import { podsToDelete } from "./pod-ranking.js";
import { ReplicaTally, type ReplicaCounts } from "./replica-tally.js";

/** The kind a replication controller manages: apps/v1 ReplicaSets, or core/v1 ReplicationControllers. */
export interface ReplicatedKind {
  ref: ResourceRef;
  kind: string;
  /** The component name in events and logs. */
  component: string;
  selector(obj: StoredObject): LabelSelector;
}

export const REPLICA_SETS: ReplicatedKind = {
  ref: { group: "apps", version: "v1", plural: "replicasets" },
  kind: "ReplicaSet",
  component: "replicaset-controller",
  selector: (rs) => labelSelectorFromObject(rec(rec(rs.spec).selector) as LabelSelectorObject),
};

export const REPLICATION_CONTROLLERS: ReplicatedKind = {
  ref: { version: "v1", plural: "replicationcontrollers" },
  kind: "ReplicationController",
  component: "replication-controller",
  // A ReplicationController's selector is a plain label map (defaulted to the template's labels).
  selector: (rc) => {
    const map = rec(rec(rc.spec).selector);
    const labels = Object.keys(map).length ? map : rec(rec(rec(rc.spec).template).metadata).labels;
    return labelSelectorFromObject({ matchLabels: rec(labels) as Record<string, string> });
  },
};

const PODS: ResourceRef = { version: "v1", plural: "pods" };
/** Upstream's BurstReplicas: at most this many creates or deletes per sync. */
const BURST_REPLICAS = 500;
const WORKERS = 5;

/**
 * kube-controller-manager's ReplicaSet (and ReplicationController) controller: keeps
 * `spec.replicas` active pods for each owner, creating them from the template (in slow-start
 * batches, at most 100 requests in flight) and deleting the least valuable ones first, and
 * reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas and the
 * ReplicaFailure condition in status.
 */
export class ReplicaSetController {
  private readonly owners: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly queue: WorkQueue;
  private readonly expectations: Expectations;
  private readonly events: ControllerEvents;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly selectors = new Map<string, { json: string; selector: LabelSelector }>();
  /** Owner key → its claimed pods counted from events (see ReplicaTally). */
  private readonly tallies = new Map<string, ReplicaTally>();
  private synced = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly kind: ReplicatedKind = REPLICA_SETS,
  ) {
    this.owners = indexWorkloadObjects(ctx.informers.informer(kind.ref));
    this.pods = indexWorkloadObjects(ctx.informers.informer(PODS));
    this.expectations = new Expectations(ctx.clock);
    this.events = new ControllerEvents(ctx.client, ctx.clock, kind.component);
    this.queue = new WorkQueue(ctx.clock, (key) => this.sync(key), {
      concurrency: WORKERS,
      onError: (key, error) => ctx.logger.warn(`${kind.component}: sync failed`, { key, error: String(error) }),
    });
  }

  start(): this {
    this.unsubscribe.push(
      this.owners.subscribe({
        onChange: (rs) => this.queue.add(objectKey(rs)),
        onDelete: (rs) => {
          this.selectors.delete(rs.metadata.uid ?? "");
          this.tallies.delete(objectKey(rs));
          this.queue.add(objectKey(rs));
        },
      }),
      this.pods.subscribe({
        onChange: (pod, old) => this.podChanged(pod, old),
        onDelete: (pod) => this.podDeleted(pod),
      }),
    );
    void allSynced([this.owners, this.pods]).then(() => {
      this.synced = true;
      for (const owner of this.owners.list()) this.queue.add(objectKey(owner));
    });
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    this.queue.stop();
  }

  /** The owner's selector, the same object while it does not change (so claims can remember their answers). */
  private selectorOf(rs: StoredObject): LabelSelector {
    const json = JSON.stringify(rec(rs.spec).selector ?? null);
    const uid = rs.metadata.uid ?? "";
    const cached = this.selectors.get(uid);
    if (cached?.json === json) return cached.selector;
    const selector = this.kind.selector(rs);
    this.selectors.set(uid, { json, selector });
    return selector;
  }

  /** The owner a pod's controller reference names, if it is one of ours and still the same object. */
  private ownerOf(pod: StoredObject): string | undefined {
    return controllingOwnerKey(pod, this.kind.kind, this.owners);
  }

  /** Owners in the pod's namespace whose selector picks it (for orphans that may be adopted). */
  private ownersSelecting(pod: StoredObject): string[] {
    return this.owners
      .byIndex(BY_NAMESPACE, pod.metadata.namespace ?? "")
      .filter((o) => {
        try {
          return matchesLabels(this.kind.selector(o), pod.metadata.labels);
        } catch {
          return false;
        }
      })
      .map(objectKey);
  }

  private podChanged(pod: StoredObject, old?: StoredObject): void {
    if (pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) {
      // A pod being deleted counts as deleted for expectations (upstream's updatePod → deletePod).
      this.podDeleted(pod);
      return;
    }
    // Most pod updates (binding, addresses, container states) change nothing a sync reads.
    if (old && !replicaFactsChanged(pod, old)) return;
    const owner = this.ownerOf(pod);
    const oldOwner = old ? this.ownerOf(old) : undefined;
    if (oldOwner && oldOwner !== owner) {
      this.tallies.get(oldOwner)?.delete(objectKey(pod));
      this.queue.add(oldOwner);
    }
    if (owner) {
      if (!old) this.expectations.creationObserved(owner);
      const tally = this.tallies.get(owner);
      // No longer selected: the full sync releases it.
      if (tally && !tally.set(objectKey(pod), pod)) this.tallies.delete(owner);
      this.queue.add(owner);
      return;
    }
    if (controllerRefOf(pod)) return;
    const labelsChanged = JSON.stringify(old?.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
    if (!old || labelsChanged || controllerRefOf(old)) for (const key of this.ownersSelecting(pod)) this.queue.add(key);
  }

  private podDeleted(pod: StoredObject): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    // Gone or terminating: it no longer counts.
    this.tallies.get(owner)?.delete(objectKey(pod));
    this.expectations.deletionObserved(owner, objectKey(pod));
    this.queue.add(owner);
  }

  private async sync(key: string): Promise<void> {
    if (!this.synced) return;
    const rs = this.owners.get(key);
    if (!rs) {
      this.expectations.delete(key);
      this.tallies.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = this.selectorOf(rs);
    const minReady = int(rec(rs.spec).minReadySeconds);
    const tally = this.tallies.get(key);
    if (
      tally?.fits(rs, selector) &&
      needsSync &&
      !rs.metadata.deletionTimestamp &&
      minReady === 0 &&
      tally.active === int(rec(rs.spec).replicas, 1) &&
      this.pods.countByIndex(ORPHANS_BY_NAMESPACE, rs.metadata.namespace ?? "") === 0
    ) {
      // Nothing to create, delete, adopt or release: status from the counts the pod events kept.
      await writeStatus(this.ctx.client, this.kind.ref, rs, this.calculateStatus(rs, tally.get(), undefined, this.ctx.clock.now().getTime()));
      return;
    }
    const owned = this.pods.byIndex(BY_CONTROLLER, rs.metadata.uid ?? "");
    // Counted from the same snapshot the claim starts from; events from here on keep it.
    const fresh = new ReplicaTally(rs, selector);
    for (const pod of owned) fresh.set(objectKey(pod), pod);
    this.tallies.set(key, fresh);
    const pods = await claim({
      client: this.ctx.client,
      ref: PODS,
      owner: rs,
      selector,
      owned,
      orphans: this.pods.byIndex(ORPHANS_BY_NAMESPACE, rs.metadata.namespace ?? ""),
      canAdopt: freshOwnerCheck(this.ctx.client, this.kind.ref, rs),
    });
    const active = pods.filter(isPodActive);
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) manageError = await this.manageReplicas(key, rs, active);
    const now = this.ctx.clock.now().getTime();
    await writeStatus(this.ctx.client, this.kind.ref, rs, this.calculateStatus(rs, countReplicas(rs, active, now), manageError, now));
    if (manageError) throw manageError;
    // Pods that are ready but not yet available for minReadySeconds: look again when they are.
    if (minReady > 0) {
      const next = active
        .map((p) => availableAt(p, minReady))
        .filter((t): t is number => t !== undefined && t > now)
        .sort((a, b) => a - b)[0];
      if (next !== undefined) this.queue.addAfter(key, next - now);
    }
  }

  private async manageReplicas(key: string, rs: StoredObject, active: StoredObject[]): Promise<Error | undefined> {
    const wanted = int(rec(rs.spec).replicas, 1);
    const diff = active.length - wanted;
    const ns = rs.metadata.namespace ?? "";
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, count);
      const template = rec(rs.spec).template;
      const ownerRef = newControllerRef(rs) as unknown as Json;
      const { successes, error } = await slowStartBatch(count, 1, async () => {
        try {
          const pod = podFromTemplate(template, ownerRef, { generateName: podPrefix(rs) });
          const created = await this.ctx.client.create({ ...PODS, namespace: ns }, pod);
          this.events.normal(rs, "SuccessfulCreate", `Created pod: ${created.metadata.name ?? ""}`);
        } catch (err) {
          // The informer will never see this pod: stop waiting for it.
          this.expectations.creationObserved(key);
          if (isNamespaceTerminating(err)) return;
          this.events.warning(rs, "FailedCreate", `Error creating: ${(err as Error).message}`);
          throw err;
        }
      });
      // Creates never attempted after a failed batch will not be observed either.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      return error === undefined ? undefined : (error as Error);
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const related = this.relatedPods(rs);
      const victims = podsToDelete(active, related, count, this.ctx.clock.now().getTime());
      this.expectations.expectDeletions(key, victims.map(objectKey));
      let firstError: Error | undefined;
      await runBounded(victims, 100, async (pod) => {
        try {
          await this.ctx.client.delete({ ...PODS, namespace: ns, name: pod.metadata.name });
          this.events.normal(rs, "SuccessfulDelete", `Deleted pod: ${pod.metadata.name ?? ""}`);
        } catch (err) {
          this.expectations.deletionObserved(key, objectKey(pod));
          if (isNotFound(err)) return;
          this.events.warning(rs, "FailedDelete", `Error deleting: ${(err as Error).message}`);
          firstError ??= err as Error;
        }
      });
      return firstError;
    }
    return undefined;
  }

  /** Active pods of this owner and of its siblings under the same controller (for the doubled-up ranking). */
  private relatedPods(rs: StoredObject): StoredObject[] {
    const parent = controllerRefOf(rs);
    if (!parent) return this.pods.byIndex(BY_CONTROLLER, rs.metadata.uid ?? "").filter(isPodActive);
    const siblings = this.owners.byIndex(BY_CONTROLLER, parent.uid);
    return siblings.flatMap((s) => this.pods.byIndex(BY_CONTROLLER, s.metadata.uid ?? "")).filter(isPodActive);
  }

  private calculateStatus(rs: StoredObject, counts: ReplicaCounts, manageError: Error | undefined, now: number): Json {
    const spec = rec(rs.spec);
    const previous = rec(rs.status);
    let conditions = recs(previous.conditions);
    const failure = conditions.find((c) => c.type === "ReplicaFailure");
    if (manageError && !failure) {
      const diff = counts.replicas - int(spec.replicas, 1);
      conditions = [
        ...conditions,
        {
          type: "ReplicaFailure",
          status: "True",
          lastTransitionTime: kubeTimeOf(now),
          reason: diff < 0 ? "FailedCreate" : "FailedDelete",
          message: manageError.message,
        },
      ];
    } else if (!manageError && failure) {
      conditions = conditions.filter((c) => c !== failure);
    }
    return omitEmpty(
      {
        replicas: counts.replicas,
        fullyLabeledReplicas: counts.fullyLabeled,
        readyReplicas: counts.ready,
        availableReplicas: counts.available,
        observedGeneration: rs.metadata.generation,
        conditions,
      },
      ["replicas"],
    );
  }
}

/** Status counts over the active pods a full sync claimed. */
function countReplicas(rs: StoredObject, active: StoredObject[], now: number): ReplicaCounts {
  const templateLabels = Object.entries(rec(rec(rec(rec(rs.spec).template).metadata).labels));
  const minReady = int(rec(rs.spec).minReadySeconds);
  const counts = { replicas: active.length, fullyLabeled: 0, ready: 0, available: 0 };
  for (const pod of active) {
    const labels = pod.metadata.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) counts.fullyLabeled++;
    if (isPodReady(pod)) {
      counts.ready++;
      if (isPodAvailable(pod, minReady, now)) counts.available++;
    }
  }
  return counts;
}

const kubeTimeOf = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A create refused because the namespace is going away is expected, not a failure (upstream ignores it). */
function isNamespaceTerminating(error: unknown): boolean {
  return (
    error instanceof StatusError &&
    error.code === 403 &&
    ((error.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating") || error.message.includes("because it is being terminated"))
  );
}
