import type { StoredObject } from "../../api/types.js";
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from "../../apiserver/selectors.js";
import type { ResourceRef } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { claim, freshOwnerCheck } from "../common/claims.js";
import { isAlreadyExists, isNotFound, omitEmpty, type ControllerContext } from "../common/controller-context.js";
import { byCreation, canonicalJson, controllerRefOf, int, newControllerRef, rec, type Json } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import { computeHash } from "../common/hash.js";
import { BY_CONTROLLER, BY_NAMESPACE, indexWorkloadObjects, ORPHANS_BY_NAMESPACE } from "../common/indexes.js";
import { allSynced, type SharedInformer } from "../common/shared-informers.js";
import {
  activeSets,
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  desiredReplicasAnnotation,
  getCondition,
  hasProgressDeadline,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  NEW_RS_AVAILABLE,
  POD_TEMPLATE_HASH,
  proportion,
  removeCondition,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  revisionOf,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specOf,
  statusOf,
  sumReplicas,
  sumStatus,
  templateKey,
  TIMED_OUT,
  conditionsOf,
} from "./deployment-util.js";

const DEPLOYMENTS: ResourceRef = { group: "apps", version: "v1", plural: "deployments" };
const REPLICA_SETS: ResourceRef = { group: "apps", version: "v1", plural: "replicasets" };
const PODS: ResourceRef = { version: "v1", plural: "pods" };
const WORKERS = 5;

const kubeTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * kube-controller-manager's deployment controller: one ReplicaSet per pod template (named
 * `<deployment>-<pod-template-hash>`), rolled with RollingUpdate (maxSurge/maxUnavailable) or
 * Recreate, proportional scaling of ReplicaSets mid-rollout, revisions (rollback is kubectl
 * patching the template back), pause, progress deadline, revisionHistoryLimit cleanup, and status
 * with the Available and Progressing conditions that `kubectl rollout status` reads.
 */
export class DeploymentController {
  private readonly deployments: SharedInformer;
  private readonly replicaSets: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly queue: WorkQueue;
  private readonly events: ControllerEvents;
  private readonly unsubscribe: (() => void)[] = [];
  private synced = false;
  /** What the API server holds for the deployment a sync works on (its copy changes as the sync goes). */
  private readonly serverState = new WeakMap<StoredObject, { status: unknown; annotations: unknown }>();

  constructor(private readonly ctx: ControllerContext) {
    this.deployments = indexWorkloadObjects(ctx.informers.informer(DEPLOYMENTS));
    this.replicaSets = indexWorkloadObjects(ctx.informers.informer(REPLICA_SETS));
    this.pods = indexWorkloadObjects(ctx.informers.informer(PODS));
    this.events = new ControllerEvents(ctx.client, ctx.clock, "deployment-controller");
    this.queue = new WorkQueue(ctx.clock, (key) => this.sync(key), {
      concurrency: WORKERS,
      onError: (key, error) => ctx.logger.warn("deployment-controller: sync failed", { key, error: String(error) }),
    });
  }

  start(): this {
    this.unsubscribe.push(
      this.deployments.subscribe({ onChange: (d) => this.queue.add(objectKey(d)), onDelete: (d) => this.queue.add(objectKey(d)) }),
      this.replicaSets.subscribe({ onChange: (rs, old) => this.replicaSetChanged(rs, old), onDelete: (rs) => this.replicaSetChanged(rs) }),
      // Recreate waits for the old pods to be gone: their deletion resyncs the deployment.
      this.pods.subscribe({ onDelete: (pod) => this.podDeleted(pod) }),
    );
    void allSynced([this.deployments, this.replicaSets, this.pods]).then(() => {
      this.synced = true;
      for (const owner of this.deployments.list()) this.queue.add(objectKey(owner));
    });
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    this.queue.stop();
  }

  private ownerKey(obj: StoredObject): string | undefined {
    const ref = controllerRefOf(obj);
    if (!ref || ref.kind !== "Deployment") return undefined;
    const key = `${obj.metadata.namespace ?? ""}/${ref.name}`;
    return this.deployments.get(key)?.metadata.uid === ref.uid ? key : undefined;
  }

  private replicaSetChanged(rs: StoredObject, old?: StoredObject): void {
    const owner = this.ownerKey(rs);
    const oldOwner = old ? this.ownerKey(old) : undefined;
    if (oldOwner && oldOwner !== owner) this.queue.add(oldOwner);
    if (owner) return this.queue.add(owner);
    if (controllerRefOf(rs)) return;
    // An orphan: the deployments that select it may adopt it.
    for (const d of this.deployments.byIndex(BY_NAMESPACE, rs.metadata.namespace ?? "")) {
      if (selects(d, rs)) this.queue.add(objectKey(d));
    }
  }

  private podDeleted(pod: StoredObject): void {
    const rsRef = controllerRefOf(pod);
    if (!rsRef || rsRef.kind !== "ReplicaSet") return;
    const rs = this.replicaSets.get(`${pod.metadata.namespace ?? ""}/${rsRef.name}`);
    const key = rs && this.ownerKey(rs);
    const d = key && this.deployments.get(key);
    if (d && rec(specOf(d).strategy).type === "Recreate") this.queue.add(key);
  }

  private async sync(key: string): Promise<void> {
    if (!this.synced) return;
    const cached = this.deployments.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    this.serverState.set(d, { status: cached.status ?? {}, annotations: cached.metadata.annotations });
    const rsList = await claim({
      client: this.ctx.client,
      ref: REPLICA_SETS,
      owner: d,
      selector: labelSelectorFromObject(rec(specOf(d).selector) as LabelSelectorObject),
      owned: this.replicaSets.byIndex(BY_CONTROLLER, d.metadata.uid ?? ""),
      orphans: this.replicaSets.byIndex(ORPHANS_BY_NAMESPACE, d.metadata.namespace ?? ""),
      canAdopt: freshOwnerCheck(this.ctx.client, DEPLOYMENTS, d),
    });
    const sets = rsList.map((rs) => structuredClone(rs));
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(d, sets);
    await this.checkPausedConditions(d);
    if (specOf(d).paused === true) return this.syncScaleOnly(d, sets);
    if (await this.isScalingEvent(d, sets)) return this.syncScaleOnly(d, sets);
    if (rec(specOf(d).strategy).type === "Recreate") return this.rolloutRecreate(d, sets);
    return this.rolloutRolling(d, sets);
  }

  // ---- ReplicaSets and revisions ----

  /** FindNewReplicaSet: the oldest ReplicaSet whose template equals the deployment's (ignoring the hash label). */
  private findNewReplicaSet(d: StoredObject, sets: StoredObject[]): StoredObject | undefined {
    const wanted = templateKey(specOf(d).template);
    return [...sets].sort(byCreation).find((rs) => templateKey(specOf(rs).template) === wanted);
  }

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created if asked), the old ones, and the deployment's revision. */
  private async newAndOld(d: StoredObject, sets: StoredObject[], create: boolean): Promise<{ newRS?: StoredObject; oldRSs: StoredObject[] }> {
    const existing = this.findNewReplicaSet(d, sets);
    const oldRSs = sets.filter((rs) => rs !== existing);
    const newRS = await this.getNewReplicaSet(d, existing, oldRSs, create);
    return { newRS, oldRSs };
  }

  private async getNewReplicaSet(d: StoredObject, existing: StoredObject | undefined, oldRSs: StoredObject[], create: boolean): Promise<StoredObject | undefined> {
    const newRevision = maxRevision(oldRSs) + 1;
    const now = kubeTime(this.ctx.clock.now().getTime());
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReadyChanged = int(specOf(copy).minReadySeconds) !== int(specOf(d).minReadySeconds);
      let current = existing;
      if (annotationsChanged || minReadyChanged) {
        current = await this.ctx.client.patch(refOf(REPLICA_SETS, existing), {
          metadata: { annotations: copy.metadata.annotations, uid: existing.metadata.uid },
          spec: { minReadySeconds: specOf(d).minReadySeconds ?? null },
        });
        Object.assign(existing, current);
      }
      let needsUpdate = setDeploymentRevision(d, current.metadata.annotations?.["deployment.kubernetes.io/revision"]);
      const status = statusOf(d);
      if (hasProgressDeadline(d) && !getCondition(status, "Progressing")) {
        setCondition(status, newCondition("Progressing", "True", "FoundNewReplicaSet", `Found new replica set "${current.metadata.name ?? ""}"`, now));
        d.status = status;
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus(d, statusOf(d));
      return existing;
    }
    if (!create) return undefined;

    const collisionCount = statusOf(d).collisionCount as number | undefined;
    const template = structuredClone(rec(specOf(d).template));
    const hash = computeHash(template, collisionCount);
    const templateMeta = rec(template.metadata);
    templateMeta.labels = { ...rec(templateMeta.labels), [POD_TEMPLATE_HASH]: hash };
    template.metadata = templateMeta;
    const selector = structuredClone(rec(specOf(d).selector));
    selector.matchLabels = { ...rec(selector.matchLabels), [POD_TEMPLATE_HASH]: hash };
    const rs: StoredObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${d.metadata.name ?? ""}-${hash}`,
        namespace: d.metadata.namespace,
        ownerReferences: [newControllerRef(d) as unknown as Json],
        labels: templateMeta.labels as Record<string, string>,
      },
      spec: { replicas: 0, minReadySeconds: int(specOf(d).minReadySeconds), selector, template },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    (rs.spec as Json).replicas = replicas;
    setNewReplicaSetAnnotations(d, rs, newRevision, false);

    let created: StoredObject;
    let alreadyExisted = false;
    try {
      created = await this.ctx.client.create({ ...REPLICA_SETS, namespace: d.metadata.namespace }, rs);
    } catch (error) {
      if (!isAlreadyExists(error)) {
        const status = statusOf(d);
        if (hasProgressDeadline(d)) {
          setCondition(status, newCondition("ReplicaFailure", "True", "FailedRSCreate", `Failed to create new replica set "${rs.metadata.name ?? ""}": ${(error as Error).message}`, now));
          await this.writeStatus(d, status);
        }
        this.events.warning(d, "FailedCreate", `Failed to create new replica set "${rs.metadata.name ?? ""}": ${(error as Error).message}`);
        throw error;
      }
      // Our informer may just not have seen it yet: the same template under our control is ours.
      const found = await this.ctx.client.get({ ...REPLICA_SETS, namespace: d.metadata.namespace, name: rs.metadata.name });
      const ours = controllerRefOf(found)?.uid === d.metadata.uid && templateKey(specOf(found).template) === templateKey(specOf(d).template);
      if (!ours) {
        // A hash collision: bump collisionCount so the next hash differs.
        const status = statusOf(d);
        status.collisionCount = int(collisionCount) + 1;
        await this.writeStatus(d, status);
        throw new Error(`found a hash collision for deployment "${d.metadata.name ?? ""}" - bumping collisionCount`, { cause: error });
      }
      created = found;
      alreadyExisted = true;
    }
    if (!alreadyExisted && replicas > 0) {
      this.events.normal(d, "ScalingReplicaSet", `Scaled up replica set ${created.metadata.name ?? ""} from 0 to ${replicas}`);
    }
    let needsUpdate = setDeploymentRevision(d, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      const status = statusOf(d);
      setCondition(status, newCondition("Progressing", "True", "NewReplicaSetCreated", `Created new replica set "${created.metadata.name ?? ""}"`, now));
      d.status = status;
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(d, statusOf(d));
    return structuredClone(created);
  }

  // ---- scaling ----

  private async isScalingEvent(d: StoredObject, sets: StoredObject[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.newAndOld(d, sets, false);
    for (const rs of activeSets(newRS ? [...oldRSs, newRS] : oldRSs)) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(d)) return true;
    }
    return false;
  }

  /** scale: the whole deployment grew or shrank; spread the change over the active ReplicaSets. */
  private async scale(d: StoredObject, newRS: StoredObject | undefined, oldRSs: StoredObject[]): Promise<void> {
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (replicasOf(activeOrLatest) === replicasOf(d)) return;
      await this.scaleReplicaSet(activeOrLatest, replicasOf(d), d);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeSets(oldRSs)) await this.scaleReplicaSet(old, 0, d);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = activeSets(newRS ? [...oldRSs, newRS] : oldRSs);
    const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
    const toAdd = allowed - sumReplicas(all);
    if (toAdd > 0) all.sort((a, b) => replicasOf(b) - replicasOf(a) || byCreation(b, a));
    else if (toAdd < 0) all.sort((a, b) => replicasOf(b) - replicasOf(a) || byCreation(a, b));
    let added = 0;
    const sizes = new Map<StoredObject, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const share = proportion(rs, d, toAdd, added);
        sizes.set(rs, replicasOf(rs) + share);
        added += share;
      } else sizes.set(rs, replicasOf(rs));
    }
    const first = all[0];
    if (added !== toAdd && first) sizes.set(first, (sizes.get(first) ?? 0) + toAdd - added);
    for (const rs of all) await this.scaleReplicaSet(rs, Math.max(0, sizes.get(rs) ?? 0), d);
  }

  /** Sets a ReplicaSet's replicas (and the desired/max annotations) and records ScalingReplicaSet. */
  private async scaleReplicaSet(rs: StoredObject, size: number, d: StoredObject): Promise<boolean> {
    const desired = replicasOf(d);
    const max = desired + maxSurge(d);
    const sizeChanged = replicasOf(rs) !== size;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
    const before = replicasOf(rs);
    const copy = structuredClone(rs);
    setReplicasAnnotations(copy, desired, max);
    const updated = await this.ctx.client.patch(refOf(REPLICA_SETS, rs), {
      metadata: { annotations: copy.metadata.annotations, uid: rs.metadata.uid },
      spec: { replicas: size },
    });
    // Later steps of this sync see the new size.
    Object.assign(rs, structuredClone(updated));
    if (sizeChanged) {
      this.events.normal(d, "ScalingReplicaSet", `Scaled ${before < size ? "up" : "down"} replica set ${rs.metadata.name ?? ""} from ${before} to ${size}`);
    }
    return sizeChanged;
  }

  // ---- strategies ----

  private async rolloutRolling(d: StoredObject, sets: StoredObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOld(d, sets, true);
    const all = newRS ? [...oldRSs, newRS] : oldRSs;
    if (newRS && (await this.reconcileNewReplicaSet(all, newRS, d))) return this.syncRolloutStatus(all, newRS, d);
    if (await this.reconcileOldReplicaSets(all, activeSets(oldRSs), newRS, d)) return this.syncRolloutStatus(all, newRS, d);
    if (deploymentComplete(d, statusOf(d))) await this.cleanup(d, oldRSs);
    return this.syncRolloutStatus(all, newRS, d);
  }

  private async reconcileNewReplicaSet(all: StoredObject[], newRS: StoredObject, d: StoredObject): Promise<boolean> {
    if (replicasOf(newRS) === replicasOf(d)) return false;
    if (replicasOf(newRS) > replicasOf(d)) return this.scaleReplicaSet(newRS, replicasOf(d), d);
    return this.scaleReplicaSet(newRS, newRSNewReplicas(d, all, newRS), d);
  }

  private async reconcileOldReplicaSets(all: StoredObject[], oldRSs: StoredObject[], newRS: StoredObject | undefined, d: StoredObject): Promise<boolean> {
    if (sumReplicas(oldRSs) === 0) return false;
    const minAvailable = replicasOf(d) - maxUnavailable(d);
    const newUnavailable = newRS ? replicasOf(newRS) - int(statusOf(newRS).availableReplicas) : 0;
    const maxScaledDown = sumReplicas(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // First the old pods that are not available anyway, then the rest as availability allows.
    let cleaned = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = replicasOf(rs) - int(statusOf(rs).availableReplicas);
      if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
      const count = Math.min(maxScaledDown - cleaned, unhealthy);
      await this.scaleReplicaSet(rs, replicasOf(rs) - count, d);
      cleaned += count;
    }
    const allNow = newRS ? [...oldRSs, newRS] : oldRSs;
    const availableCount = sumStatus(allNow, "availableReplicas");
    let scaledDown = 0;
    if (availableCount > minAvailable) {
      const total = availableCount - minAvailable;
      for (const rs of [...oldRSs].sort(byCreation)) {
        if (scaledDown >= total) break;
        if (replicasOf(rs) === 0) continue;
        const count = Math.min(replicasOf(rs), total - scaledDown);
        await this.scaleReplicaSet(rs, replicasOf(rs) - count, d);
        scaledDown += count;
      }
    }
    return cleaned + scaledDown > 0;
  }

  private async rolloutRecreate(d: StoredObject, sets: StoredObject[]): Promise<void> {
    let { newRS, oldRSs } = await this.newAndOld(d, sets, false);
    let all = newRS ? [...oldRSs, newRS] : oldRSs;
    let scaledDown = false;
    for (const rs of activeSets(oldRSs)) if (await this.scaleReplicaSet(rs, 0, d)) scaledDown = true;
    if (scaledDown) return this.syncRolloutStatus(all, newRS, d);
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(all, newRS, d);
    if (!newRS) {
      ({ newRS, oldRSs } = await this.newAndOld(d, sets, true));
      all = newRS ? [...oldRSs, newRS] : oldRSs;
    }
    if (newRS) await this.scaleReplicaSet(newRS, replicasOf(d), d);
    if (deploymentComplete(d, statusOf(d))) await this.cleanup(d, oldRSs);
    return this.syncRolloutStatus(all, newRS, d);
  }

  /** Whether pods of the old ReplicaSets still run (Recreate waits for them to be gone). */
  private oldPodsRunning(newRS: StoredObject | undefined, oldRSs: StoredObject[]): boolean {
    if (sumStatus(oldRSs, "replicas") > 0) return true;
    for (const rs of oldRSs) {
      if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
      for (const pod of this.pods.byIndex(BY_CONTROLLER, rs.metadata.uid ?? "")) {
        const phase = rec(pod.status).phase;
        if (phase !== "Failed" && phase !== "Succeeded") return true;
      }
    }
    return false;
  }

  private async syncScaleOnly(d: StoredObject, sets: StoredObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOld(d, sets, false);
    await this.scale(d, newRS, oldRSs);
    if (specOf(d).paused === true) await this.cleanup(d, oldRSs);
    return this.syncDeploymentStatus(newRS ? [...oldRSs, newRS] : oldRSs, newRS, d);
  }

  private async syncStatusOnly(d: StoredObject, sets: StoredObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOld(d, sets, false);
    return this.syncDeploymentStatus(newRS ? [...oldRSs, newRS] : oldRSs, newRS, d);
  }

  // ---- status ----

  private async checkPausedConditions(d: StoredObject): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const status = statusOf(d);
    const cond = getCondition(status, "Progressing");
    if (cond?.reason === TIMED_OUT) return;
    const paused = specOf(d).paused === true;
    const now = kubeTime(this.ctx.clock.now().getTime());
    if (paused && cond?.reason !== "DeploymentPaused") {
      setCondition(status, newCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now));
    } else if (!paused && cond?.reason === "DeploymentPaused") {
      setCondition(status, newCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now));
    } else return;
    d.status = status;
    await this.writeStatus(d, status);
  }

  private async syncDeploymentStatus(all: StoredObject[], newRS: StoredObject | undefined, d: StoredObject): Promise<void> {
    const status = calculateStatus(all, newRS, d, kubeTime(this.ctx.clock.now().getTime()));
    await this.writeStatus(d, status);
  }

  private async syncRolloutStatus(all: StoredObject[], newRS: StoredObject | undefined, d: StoredObject): Promise<void> {
    const nowMs = this.ctx.clock.now().getTime();
    const now = kubeTime(nowMs);
    const status = calculateStatus(all, newRS, d, now);
    if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
    const current = getCondition(statusOf(d), "Progressing");
    const complete = int(status.replicas) === int(status.updatedReplicas) && current?.reason === NEW_RS_AVAILABLE;
    if (hasProgressDeadline(d) && !complete) {
      const rsName = newRS?.metadata.name;
      if (deploymentComplete(d, status)) {
        const message = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : "Deployment has successfully progressed.";
        setCondition(status, newCondition("Progressing", "True", NEW_RS_AVAILABLE, message, now));
      } else if (deploymentProgressing(d, status)) {
        const message = rsName ? `ReplicaSet "${rsName}" is progressing.` : "Deployment is progressing.";
        const condition = newCondition("Progressing", "True", "ReplicaSetUpdated", message, now);
        // Progress refreshes lastUpdateTime even with the same reason; the transition time stays.
        if (current) {
          if (current.status === "True") condition.lastTransitionTime = current.lastTransitionTime;
          removeCondition(status, "Progressing");
        }
        setCondition(status, condition);
      } else if (deploymentTimedOut(d, status, nowMs)) {
        const message = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name ?? ""}" has timed out progressing.`;
        setCondition(status, newCondition("Progressing", "False", TIMED_OUT, message, now));
      }
    }
    const failure = all.map((rs) => conditionsOf(statusOf(rs)).find((c) => c.type === "ReplicaFailure" && c.status === "True")).find(Boolean);
    if (failure) {
      setCondition(status, newCondition("ReplicaFailure", failure.status, failure.reason, failure.message, now));
    } else removeCondition(status, "ReplicaFailure");
    if (!(await this.writeStatus(d, status))) this.requeueStuck(d, status, nowMs);
  }

  /** A rollout without progress is looked at again when its deadline passes (requeueStuckDeployment). */
  private requeueStuck(d: StoredObject, status: Json, now: number): void {
    const current = getCondition(statusOf(d), "Progressing");
    if (!hasProgressDeadline(d) || !current) return;
    if (deploymentComplete(d, status) || current.reason === TIMED_OUT || current.reason === NEW_RS_AVAILABLE) return;
    const due = Date.parse(current.lastUpdateTime) + int(specOf(d).progressDeadlineSeconds) * 1000 - now;
    this.queue.addAfter(objectKey(d), Math.max(1000, due + 1000));
  }

  /**
   * Writes status (and the revision annotation, which upstream's status strategy lets through
   * without bumping the generation) when either changed; returns whether it wrote.
   */
  private async writeStatus(d: StoredObject, status: Json): Promise<boolean> {
    const clean = omitEmpty(status);
    const server = this.serverState.get(d) ?? { status: {}, annotations: undefined };
    const annotations = d.metadata.annotations;
    const annotationsChanged = canonicalJson(server.annotations ?? {}) !== canonicalJson(annotations ?? {});
    if (canonicalJson(server.status) === canonicalJson(clean) && !annotationsChanged) return false;
    const ops: Json[] = [{ op: "add", path: "/status", value: clean }];
    if (annotationsChanged) ops.push({ op: "add", path: "/metadata/annotations", value: annotations ?? {} });
    try {
      const written = await this.ctx.client.patch({ ...refOf(DEPLOYMENTS, d), subresource: "status" }, ops, "json");
      this.serverState.set(d, { status: written.status ?? {}, annotations: written.metadata.annotations });
      d.status = structuredClone(written.status);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** revisionHistoryLimit: delete the oldest old ReplicaSets that have no pods left. */
  private async cleanup(d: StoredObject, oldRSs: StoredObject[]): Promise<void> {
    const limit = specOf(d).revisionHistoryLimit;
    if (typeof limit !== "number") return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, diff)) {
      if (int(statusOf(rs).replicas) !== 0 || replicasOf(rs) !== 0 || int(rs.metadata.generation) > int(statusOf(rs).observedGeneration)) continue;
      try {
        await this.ctx.client.request("DELETE", `/apis/apps/v1/namespaces/${rs.metadata.namespace ?? ""}/replicasets/${rs.metadata.name ?? ""}`, {
          body: { preconditions: { uid: rs.metadata.uid } },
        });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}

function selects(d: StoredObject, rs: StoredObject): boolean {
  try {
    return matchesLabels(labelSelectorFromObject(rec(specOf(d).selector) as LabelSelectorObject), rs.metadata.labels);
  } catch {
    return false;
  }
}

/** The only active ReplicaSet, or the newest when none is active (FindActiveOrLatest). */
function findActiveOrLatest(newRS: StoredObject | undefined, oldRSs: StoredObject[]): StoredObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeSets(newRS ? [...newestFirst, newRS] : newestFirst);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** SetDeploymentRevision: the deployment's revision annotation follows its new ReplicaSet's. */
function setDeploymentRevision(d: StoredObject, revision: string | undefined): boolean {
  if (!revision) return false;
  const annotations = d.metadata.annotations ?? {};
  if (annotations["deployment.kubernetes.io/revision"] === revision) return false;
  d.metadata.annotations = { ...annotations, "deployment.kubernetes.io/revision": revision };
  return true;
}

const refOf = (ref: ResourceRef, obj: StoredObject): ResourceRef => ({ ...ref, namespace: obj.metadata.namespace, name: obj.metadata.name });
