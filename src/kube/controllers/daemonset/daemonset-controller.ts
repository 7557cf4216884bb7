import type { StoredObject } from "../../api/types.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../../apiserver/selectors.js";
import type { ResourceRef } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { runBounded } from "../common/batches.js";
import { claim, freshOwnerCheck } from "../common/claims.js";
import { currentRevision, REVISION_HASH, truncateHistory } from "../common/controller-history.js";
import { isNotFound, omitEmpty, writeStatus, type ControllerContext } from "../common/controller-context.js";
import { byCreation, canonicalJson, controllingOwnerKey, int, newControllerRef, rec, recs, type Json } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import { Expectations } from "../common/expectations.js";
import { BY_CONTROLLER, indexWorkloadObjects, ORPHANS_BY_NAMESPACE, podFromTemplate, podPrefix } from "../common/indexes.js";
import { scaledValue } from "../common/int-or-percent.js";
import { nodeAffinityMatches, untoleratedTaints } from "../common/node-fit.js";
import { availableAt, isPodAvailable, isPodReady, nodeNameOf, podPhase, replicaFactsChanged } from "../common/pods.js";
import { allSynced, type SharedInformer } from "../common/shared-informers.js";

const DAEMONSETS: ResourceRef = { group: "apps", version: "v1", plural: "daemonsets" };
const REVISIONS: ResourceRef = { group: "apps", version: "v1", plural: "controllerrevisions" };
const PODS: ResourceRef = { version: "v1", plural: "pods" };
const NODES: ResourceRef = { version: "v1", plural: "nodes" };
const BURST = 250;

/** The tolerations every daemon pod gets (util.AddOrUpdateDaemonPodTolerations), so it runs through node trouble. */
export function daemonTolerations(hostNetwork: boolean): Json[] {
  const t = (key: string, effect: string) => ({ key, operator: "Exists", effect });
  return [
    t("node.kubernetes.io/not-ready", "NoExecute"),
    t("node.kubernetes.io/unreachable", "NoExecute"),
    t("node.kubernetes.io/disk-pressure", "NoSchedule"),
    t("node.kubernetes.io/memory-pressure", "NoSchedule"),
    t("node.kubernetes.io/pid-pressure", "NoSchedule"),
    t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ...(hostNetwork ? [t("node.kubernetes.io/network-unavailable", "NoSchedule")] : []),
  ];
}

/** The pod spec a daemon pod would have on a node (template + default tolerations), for the fit checks. */
function daemonPodSpec(ds: StoredObject): Json {
  const spec = structuredClone(rec(rec(rec(ds.spec).template).spec));
  const existing = recs(spec.tolerations);
  const extra = daemonTolerations(spec.hostNetwork === true).filter((t) => !existing.some((e) => e.key === t.key && e.effect === t.effect));
  spec.tolerations = [...existing, ...extra];
  return spec;
}

/** nodeShouldRunDaemonPod: should a new pod start here, and may an existing one keep running. */
function nodeFit(spec: Json, node: StoredObject): { shouldRun: boolean; shouldContinue: boolean } {
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinue: false };
  if (!nodeAffinityMatches(spec, node)) return { shouldRun: false, shouldContinue: false };
  if (untoleratedTaints(spec, node, ["NoExecute"]).length > 0) return { shouldRun: false, shouldContinue: false };
  return { shouldRun: untoleratedTaints(spec, node, ["NoSchedule"]).length === 0, shouldContinue: true };
}

/**
 * kube-controller-manager's DaemonSet controller: one pod per eligible node (node selector, node
 * affinity, taints against the template's and the default daemon tolerations), each pinned to its
 * node with required node affinity on metadata.name so the scheduler binds it there; rolling
 * updates by maxUnavailable/maxSurge or OnDelete, ControllerRevisions with the
 * controller-revision-hash label, and status counts.
 */
export class DaemonSetController {
  private readonly daemonSets: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly nodes: SharedInformer;
  private readonly revisions: SharedInformer;
  private readonly queue: WorkQueue;
  private readonly expectations: Expectations;
  private readonly events: ControllerEvents;
  private readonly unsubscribe: (() => void)[] = [];
  private synced = false;

  constructor(private readonly ctx: ControllerContext) {
    this.daemonSets = indexWorkloadObjects(ctx.informers.informer(DAEMONSETS));
    this.pods = indexWorkloadObjects(ctx.informers.informer(PODS));
    this.nodes = ctx.informers.informer(NODES);
    this.revisions = indexWorkloadObjects(ctx.informers.informer(REVISIONS));
    this.expectations = new Expectations(ctx.clock);
    this.events = new ControllerEvents(ctx.client, ctx.clock, "daemonset-controller");
    this.queue = new WorkQueue(ctx.clock, (key) => this.sync(key), {
      concurrency: 2,
      onError: (key, error) => ctx.logger.warn("daemonset-controller: sync failed", { key, error: String(error) }),
    });
  }

  start(): this {
    const all = () => this.daemonSets.list().forEach((ds) => this.queue.add(objectKey(ds)));
    this.unsubscribe.push(
      this.daemonSets.subscribe({ onChange: (ds) => this.queue.add(objectKey(ds)), onDelete: (ds) => this.queue.add(objectKey(ds)) }),
      this.pods.subscribe({ onChange: (pod, old) => this.podChanged(pod, old), onDelete: (pod) => this.podDeleted(pod) }),
      this.revisions.subscribe({}),
      this.nodes.subscribe({
        // Heartbeats change nothing a daemon cares about: only labels, taints and schedulability do,
        // and then only for the DaemonSets whose pods may now start or must now go there (upstream's updateNode).
        onChange: (node, old) => {
          if (!old) return all();
          if (nodeShape(node) === nodeShape(old)) return;
          for (const ds of this.daemonSets.list()) {
            const spec = daemonPodSpec(ds);
            const before = nodeFit(spec, old);
            const after = nodeFit(spec, node);
            if (before.shouldRun !== after.shouldRun || before.shouldContinue !== after.shouldContinue) this.queue.add(objectKey(ds));
          }
        },
        onDelete: all,
      }),
    );
    void allSynced([this.daemonSets, this.pods, this.nodes, this.revisions]).then(() => {
      this.synced = true;
      for (const owner of this.daemonSets.list()) this.queue.add(objectKey(owner));
    });
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    this.queue.stop();
  }

  private ownerOf(pod: StoredObject): string | undefined {
    return controllingOwnerKey(pod, "DaemonSet", this.daemonSets);
  }

  private podChanged(pod: StoredObject, old?: StoredObject): void {
    // Container states and addresses change nothing a sync reads; phase, readiness, labels, owners, deletion and the node do.
    if (old && !replicaFactsChanged(pod, old) && nodeNameOf(pod) === nodeNameOf(old)) return;
    const owner = this.ownerOf(pod);
    if (!owner) return;
    if (!old) this.expectations.creationObserved(owner);
    if (pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) this.expectations.deletionObserved(owner, objectKey(pod));
    this.queue.add(owner);
  }

  private podDeleted(pod: StoredObject): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    this.expectations.deletionObserved(owner, objectKey(pod));
    this.queue.add(owner);
  }

  private async sync(key: string): Promise<void> {
    if (!this.synced) return;
    const ds = this.daemonSets.get(key);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const uid = ds.metadata.uid ?? "";
    const revisions = this.revisions.byIndex(BY_CONTROLLER, uid);
    const { current, hash } = await currentRevision(this.ctx.client, ds, revisions);
    const pods = await claim({
      client: this.ctx.client,
      ref: PODS,
      owner: ds,
      selector: labelSelectorFromObject(rec(rec(ds.spec).selector) as LabelSelectorObject),
      owned: this.pods.byIndex(BY_CONTROLLER, uid),
      orphans: this.pods.byIndex(ORPHANS_BY_NAMESPACE, ds.metadata.namespace ?? ""),
      canAdopt: freshOwnerCheck(this.ctx.client, DAEMONSETS, ds),
    });
    const byNode = new Map<string, StoredObject[]>();
    for (const pod of pods) {
      const node = podNode(pod);
      if (!node) continue;
      const list = byNode.get(node) ?? [];
      list.push(pod);
      byNode.set(node, list);
    }
    const spec = daemonPodSpec(ds);
    const nodes = this.nodes.list();
    const nowMs = this.ctx.clock.now().getTime();
    const minReady = int(rec(ds.spec).minReadySeconds);
    const isNew = (p: StoredObject) => p.metadata.labels?.[REVISION_HASH] === hash;

    if (this.expectations.satisfied(key) && !ds.metadata.deletionTimestamp) {
      const create: string[] = [];
      const remove: StoredObject[] = [];
      for (const node of nodes) {
        const name = node.metadata.name ?? "";
        const { shouldRun, shouldContinue } = nodeFit(spec, node);
        const here = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
        if (!shouldContinue) {
          remove.push(...here);
          continue;
        }
        // Failed daemon pods are killed and replaced.
        const failed = here.filter((p) => podPhase(p) === "Failed");
        for (const p of failed) this.events.warning(ds, "FailedDaemonPod", `Found failed daemon pod ${p.metadata.namespace ?? ""}/${p.metadata.name ?? ""} on node ${name}, will try to kill it`);
        remove.push(...failed);
        const alive = here.filter((p) => podPhase(p) !== "Failed");
        if (alive.length === 0) {
          if (shouldRun) create.push(name);
          continue;
        }
        // More than one: keep the newest-revision, oldest pod; the rest go (unless a surge is in progress).
        if (alive.length > 1 && !this.surging(ds)) {
          const keep = [...alive].sort((a, b) => Number(isNew(b)) - Number(isNew(a)) || byCreation(a, b))[0];
          remove.push(...alive.filter((p) => p !== keep));
        }
      }
      remove.push(...this.rollingUpdate(ds, nodes, byNode, spec, isNew, nowMs, minReady, create));
      await this.apply(key, ds, create, remove, hash);
    }

    await this.updateStatus(ds, nodes, byNode, spec, isNew, nowMs, minReady);
    const live = new Set(pods.map((p) => p.metadata.labels?.[REVISION_HASH] ?? ""));
    await truncateHistory(this.ctx.client, ds, revisions, live, [current.metadata.name ?? ""]);
    // Ready pods becoming available after minReadySeconds: look again then.
    const next = pods.map((p) => availableAt(p, minReady)).filter((t): t is number => t !== undefined && t > nowMs).sort((a, b) => a - b)[0];
    if (next !== undefined) this.queue.addAfter(key, next - nowMs);
  }

  private surging(ds: StoredObject): boolean {
    const strategy = rec(rec(ds.spec).updateStrategy);
    return strategy.type === "RollingUpdate" && scaledValue(rec(strategy.rollingUpdate).maxSurge ?? 0, 1, true) > 0;
  }

  /** rollingUpdate: old pods to delete now (and, with maxSurge, nodes that get a new pod beside the old one). */
  private rollingUpdate(
    ds: StoredObject,
    nodes: StoredObject[],
    byNode: Map<string, StoredObject[]>,
    spec: Json,
    isNew: (p: StoredObject) => boolean,
    nowMs: number,
    minReady: number,
    create: string[],
  ): StoredObject[] {
    const strategy = rec(rec(ds.spec).updateStrategy);
    if (strategy.type !== "RollingUpdate") return [];
    const wanted = nodes.filter((n) => nodeFit(spec, n).shouldRun);
    const desired = wanted.length;
    const rolling = rec(strategy.rollingUpdate);
    const maxSurge = scaledValue(rolling.maxSurge ?? 0, desired, true);
    const maxUnavailable = scaledValue(rolling.maxUnavailable ?? 1, desired, false) || (maxSurge === 0 ? 1 : 0);
    const available = (p: StoredObject) => isPodAvailable(p, minReady, nowMs);
    const remove: StoredObject[] = [];
    if (maxSurge === 0) {
      let unavailable = 0;
      const oldAvailable: StoredObject[] = [];
      for (const node of wanted) {
        const alive = (byNode.get(node.metadata.name ?? "") ?? []).filter((p) => !p.metadata.deletionTimestamp && podPhase(p) !== "Failed");
        const pod = alive[0];
        if (!pod || !available(pod)) unavailable++;
        if (!pod || isNew(pod)) continue;
        if (!available(pod)) remove.push(pod);
        else oldAvailable.push(pod);
      }
      const budget = Math.max(0, maxUnavailable - unavailable);
      remove.push(...oldAvailable.slice(0, budget));
      return remove;
    }
    // Surge: a new pod starts beside the old one; the old one goes once the new one is available.
    let surging = 0;
    const candidates: string[] = [];
    for (const node of wanted) {
      const name = node.metadata.name ?? "";
      const alive = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp && podPhase(p) !== "Failed");
      const fresh = alive.find(isNew);
      const old = alive.filter((p) => !isNew(p));
      if (old.length === 0) continue;
      if (fresh && available(fresh)) remove.push(...old);
      else if (fresh) surging++;
      else if (!create.includes(name)) candidates.push(name);
    }
    create.push(...candidates.slice(0, Math.max(0, maxSurge - surging)));
    return remove;
  }

  private async apply(key: string, ds: StoredObject, create: string[], remove: StoredObject[], hash: string): Promise<void> {
    const nodes = create.slice(0, BURST);
    const victims = [...new Set(remove)].slice(0, BURST);
    this.expectations.expect(key, nodes.length, victims.map(objectKey));
    const template = rec(rec(ds.spec).template);
    const generation = String(ds.metadata.generation ?? 1);
    await runBounded(nodes, 100, async (node) => {
      const pod = podFromTemplate(template, newControllerRef(ds) as unknown as Json, {
        generateName: podPrefix(ds),
        labels: { [REVISION_HASH]: hash, "pod-template-generation": generation },
      });
      const spec = rec(pod.spec);
      spec.tolerations = daemonPodSpec(ds).tolerations;
      // Pinned to its node by required node affinity on metadata.name; the scheduler binds it (upstream since 1.12).
      const affinity = rec(spec.affinity);
      const nodeAffinity = rec(affinity.nodeAffinity);
      nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
      };
      affinity.nodeAffinity = nodeAffinity;
      spec.affinity = affinity;
      try {
        const created = await this.ctx.client.create({ ...PODS, namespace: ds.metadata.namespace }, pod);
        this.events.normal(ds, "SuccessfulCreate", `Created pod: ${created.metadata.name ?? ""}`);
      } catch (error) {
        this.expectations.creationObserved(key);
        this.events.warning(ds, "FailedCreate", `Error creating: ${(error as Error).message}`);
      }
    });
    await runBounded(victims, 100, async (pod) => {
      try {
        await this.ctx.client.delete({ ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name });
        this.events.normal(ds, "SuccessfulDelete", `Deleted pod: ${pod.metadata.name ?? ""}`);
      } catch (error) {
        this.expectations.deletionObserved(key, objectKey(pod));
        if (!isNotFound(error)) this.events.warning(ds, "FailedDelete", `Error deleting: ${(error as Error).message}`);
      }
    });
  }

  private async updateStatus(
    ds: StoredObject,
    nodes: StoredObject[],
    byNode: Map<string, StoredObject[]>,
    spec: Json,
    isNew: (p: StoredObject) => boolean,
    nowMs: number,
    minReady: number,
  ): Promise<void> {
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    for (const node of nodes) {
      const { shouldRun } = nodeFit(spec, node);
      const alive = (byNode.get(node.metadata.name ?? "") ?? []).filter((p) => !p.metadata.deletionTimestamp);
      if (shouldRun) desired++;
      if (alive.length === 0) continue;
      if (!shouldRun) {
        misscheduled++;
        continue;
      }
      current++;
      const pod = [...alive].sort((a, b) => Number(isNew(b)) - Number(isNew(a)))[0] as StoredObject;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, nowMs)) available++;
      }
      if (alive.some(isNew)) updated++;
    }
    const status = omitEmpty(
      {
        currentNumberScheduled: current,
        numberMisscheduled: misscheduled,
        desiredNumberScheduled: desired,
        numberReady: ready,
        observedGeneration: ds.metadata.generation,
        updatedNumberScheduled: updated,
        numberAvailable: available,
        numberUnavailable: desired - available,
        collisionCount: rec(ds.status).collisionCount,
      },
      ["currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady"],
    );
    await writeStatus(this.ctx.client, DAEMONSETS, ds, status);
  }
}

/** The node a daemon pod is bound to, or pinned to by its node affinity. */
function podNode(pod: StoredObject): string | undefined {
  const bound = nodeNameOf(pod);
  if (bound) return bound;
  const terms = recs(rec(rec(rec(rec(pod.spec).affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
  for (const term of terms) {
    for (const f of recs(term.matchFields)) {
      if (f.key === "metadata.name" && f.operator === "In" && Array.isArray(f.values) && f.values.length === 1) return String(f.values[0]);
    }
  }
  return undefined;
}

/** What about a node can change where daemons run. */
const nodeShape = (node: StoredObject): string =>
  canonicalJson({ labels: node.metadata.labels ?? {}, taints: rec(node.spec).taints ?? [], unschedulable: rec(node.spec).unschedulable ?? false });
