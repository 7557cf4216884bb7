import type { StoredObject } from "../../api/types.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../../apiserver/selectors.js";
import type { ResourceRef } from "../../client/in-process-client.js";
import { objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { runBounded } from "../common/batches.js";
import { claim, freshOwnerCheck } from "../common/claims.js";
import { currentRevision, REVISION_HASH, templateOfRevision, truncateHistory } from "../common/controller-history.js";
import { isAlreadyExists, isNotFound, omitEmpty, serves, writeStatus, type ControllerContext } from "../common/controller-context.js";
import { controllerRefOf, int, newControllerRef, rec, recs, str, type Json } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import { BY_CONTROLLER, indexWorkloadObjects, ORPHANS_BY_NAMESPACE, podFromTemplate } from "../common/indexes.js";
import { availableAt, isPodAvailable, isPodReady, podPhase } from "../common/pods.js";
import { allSynced, type SharedInformer } from "../common/shared-informers.js";

const STATEFULSETS: ResourceRef = { group: "apps", version: "v1", plural: "statefulsets" };
const REVISIONS: ResourceRef = { group: "apps", version: "v1", plural: "controllerrevisions" };
const PODS: ResourceRef = { version: "v1", plural: "pods" };
const CLAIMS: ResourceRef = { version: "v1", plural: "persistentvolumeclaims" };
const POD_NAME = "statefulset.kubernetes.io/pod-name";
const POD_INDEX = "apps.kubernetes.io/pod-index";

const startOrdinal = (sts: StoredObject): number => int(rec(rec(sts.spec).ordinals).start);
/** The ordinal in a pod's name `<set>-<ordinal>`, or -1. */
function ordinalOf(sts: StoredObject, pod: StoredObject): number {
  const prefix = `${sts.metadata.name ?? ""}-`;
  const name = pod.metadata.name ?? "";
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : -1;
}
const isRunningAndReady = (pod: StoredObject): boolean => podPhase(pod) === "Running" && isPodReady(pod);
const isFailed = (pod: StoredObject): boolean => podPhase(pod) === "Failed";

/**
 * kube-controller-manager's StatefulSet controller: pods with stable names `<set>-<ordinal>`,
 * hostname and subdomain, pod-name and pod-index labels and their PersistentVolumeClaims
 * (`<template>-<set>-<ordinal>`, when the cluster serves them); OrderedReady starts pod N+1 only
 * once 0..N are Running and Ready and removes the highest ordinal first, Parallel does all at
 * once; RollingUpdate (highest ordinal first, down to the partition) or OnDelete, with
 * ControllerRevisions and currentRevision/updateRevision in status.
 */
export class StatefulSetController {
  private readonly sets: SharedInformer;
  private readonly pods: SharedInformer;
  private readonly revisions: SharedInformer;
  private readonly queue: WorkQueue;
  private readonly events: ControllerEvents;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly claimsServed: boolean;
  private synced = false;

  constructor(private readonly ctx: ControllerContext) {
    this.sets = indexWorkloadObjects(ctx.informers.informer(STATEFULSETS));
    this.pods = indexWorkloadObjects(ctx.informers.informer(PODS));
    this.revisions = indexWorkloadObjects(ctx.informers.informer(REVISIONS));
    this.claimsServed = serves(ctx, "", "persistentvolumeclaims");
    this.events = new ControllerEvents(ctx.client, ctx.clock, "statefulset-controller");
    this.queue = new WorkQueue(ctx.clock, (key) => this.sync(key), {
      concurrency: 5,
      onError: (key, error) => ctx.logger.warn("statefulset-controller: sync failed", { key, error: String(error) }),
    });
  }

  start(): this {
    const podEvent = (pod: StoredObject) => {
      const ref = controllerRefOf(pod);
      if (ref?.kind === "StatefulSet") this.queue.add(`${pod.metadata.namespace ?? ""}/${ref.name}`);
    };
    this.unsubscribe.push(
      this.sets.subscribe({ onChange: (s) => this.queue.add(objectKey(s)) }),
      this.pods.subscribe({ onChange: podEvent, onDelete: podEvent }),
      this.revisions.subscribe({}),
    );
    void allSynced([this.sets, this.pods, this.revisions]).then(() => {
      this.synced = true;
      for (const s of this.sets.list()) this.queue.add(objectKey(s));
    });
    return this;
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => u());
    this.queue.stop();
  }

  private async sync(key: string): Promise<void> {
    if (!this.synced) return;
    const sts = this.sets.get(key);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const uid = sts.metadata.uid ?? "";
    const spec = rec(sts.spec);
    const revisions = this.revisions.byIndex(BY_CONTROLLER, uid);
    const { current: update } = await currentRevision(this.ctx.client, sts, revisions);
    const updateName = update.metadata.name ?? "";
    const statusCurrent = str(rec(sts.status).currentRevision);
    const currentName = revisions.some((r) => r.metadata.name === statusCurrent) ? statusCurrent : updateName;
    const current = revisions.find((r) => r.metadata.name === currentName) ?? update;

    const pods = await claim({
      client: this.ctx.client,
      ref: PODS,
      owner: sts,
      selector: labelSelectorFromObject(rec(spec.selector) as LabelSelectorObject),
      owned: this.pods.byIndex(BY_CONTROLLER, uid),
      orphans: this.pods.byIndex(ORPHANS_BY_NAMESPACE, sts.metadata.namespace ?? ""),
      canAdopt: freshOwnerCheck(this.ctx.client, STATEFULSETS, sts),
    });
    const replicas = int(spec.replicas, 1);
    const start = startOrdinal(sts);
    const parallel = spec.podManagementPolicy === "Parallel";
    const nowMs = this.ctx.clock.now().getTime();
    const minReady = int(spec.minReadySeconds);
    const strategy = rec(spec.updateStrategy);
    const partition = strategy.type === "RollingUpdate" ? int(rec(strategy.rollingUpdate).partition) : 0;

    const inRange: (StoredObject | undefined)[] = Array.from({ length: replicas }, () => undefined);
    const condemned: StoredObject[] = [];
    for (const pod of pods) {
      const ordinal = ordinalOf(sts, pod);
      if (ordinal >= start && ordinal < start + replicas) inRange[ordinal - start] = pod;
      else condemned.push(pod);
    }
    condemned.sort((a, b) => ordinalOf(sts, b) - ordinalOf(sts, a));
    const revisionOfPod = (p: StoredObject) => p.metadata.labels?.[REVISION_HASH] ?? "";

    const work = async (): Promise<void> => {
      // Failed pods are deleted (and recreated on a later pass).
      for (const pod of inRange) {
        if (pod && isFailed(pod) && !pod.metadata.deletionTimestamp) {
          await this.deletePod(sts, pod);
          if (!parallel) return;
        }
      }
      // Create or wait, in ordinal order.
      const toCreate: number[] = [];
      for (let i = 0; i < replicas; i++) {
        const pod = inRange[i];
        if (!pod) {
          toCreate.push(i);
          if (!parallel) break;
          continue;
        }
        if (!parallel && (pod.metadata.deletionTimestamp || !isRunningAndReady(pod) || !isPodAvailable(pod, minReady, nowMs))) return;
      }
      if (toCreate.length > 0) {
        await runBounded(toCreate, 100, (i) => {
          const ordinal = start + i;
          // Below the partition pods keep the current revision.
          const revision = strategy.type === "RollingUpdate" && ordinal < start + partition ? current : update;
          return this.createPod(sts, ordinal, revision);
        });
        if (!parallel) return;
      }
      // Scale down: highest ordinal first, one at a time unless Parallel.
      for (const pod of condemned) {
        if (pod.metadata.deletionTimestamp) {
          if (!parallel) return;
          continue;
        }
        if (!parallel && inRange.some((p) => !p || !isRunningAndReady(p))) return;
        await this.deletePod(sts, pod);
        if (!parallel) return;
      }
      // Rolling update: from the highest ordinal down to the partition, one unavailable at a time.
      if (strategy.type !== "RollingUpdate") return;
      if (inRange.some((p) => !p || p.metadata.deletionTimestamp || !isRunningAndReady(p))) return;
      for (let i = replicas - 1; i >= partition; i--) {
        const pod = inRange[i] as StoredObject;
        if (revisionOfPod(pod) !== updateName) {
          await this.deletePod(sts, pod);
          return;
        }
      }
    };
    await work();

    // Status.
    let ready = 0;
    let available = 0;
    let currentCount = 0;
    let updatedCount = 0;
    let count = 0;
    for (const pod of pods) {
      count++;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, nowMs)) available++;
      }
      if (revisionOfPod(pod) === currentName) currentCount++;
      if (revisionOfPod(pod) === updateName) updatedCount++;
    }
    let statusCurrentName = currentName;
    if (updatedCount === replicas && ready === replicas && count === replicas) {
      statusCurrentName = updateName;
      currentCount = updatedCount;
    }
    const status = {
      ...omitEmpty({ observedGeneration: sts.metadata.generation, readyReplicas: ready, currentReplicas: currentCount, updatedReplicas: updatedCount, collisionCount: rec(sts.status).collisionCount }),
      replicas: count,
      currentRevision: statusCurrentName,
      updateRevision: updateName,
      availableReplicas: available,
    };
    await writeStatus(this.ctx.client, STATEFULSETS, sts, status);
    const live = new Set(pods.map(revisionOfPod));
    await truncateHistory(this.ctx.client, sts, revisions, live, [updateName, statusCurrentName]);
    const next = pods.map((p) => availableAt(p, minReady)).filter((t): t is number => t !== undefined && t > nowMs).sort((a, b) => a - b)[0];
    if (next !== undefined) this.queue.addAfter(key, next - nowMs);
  }

  private async createPod(sts: StoredObject, ordinal: number, revision: StoredObject): Promise<void> {
    const name = `${sts.metadata.name ?? ""}-${ordinal}`;
    const spec = rec(sts.spec);
    const pod = podFromTemplate(templateOfRevision(revision), newControllerRef(sts) as unknown as Json, {
      name,
      labels: { [POD_NAME]: name, [POD_INDEX]: String(ordinal), [REVISION_HASH]: revision.metadata.name ?? "" },
    });
    const podSpec = rec(pod.spec);
    podSpec.hostname = name;
    if (spec.serviceName) podSpec.subdomain = spec.serviceName;
    const claimTemplates = recs(spec.volumeClaimTemplates);
    if (claimTemplates.length > 0) {
      const volumes = recs(podSpec.volumes).filter((v) => !claimTemplates.some((t) => rec(t.metadata).name === v.name));
      for (const t of claimTemplates) {
        const claimName = `${str(rec(t.metadata).name)}-${sts.metadata.name ?? ""}-${ordinal}`;
        volumes.push({ name: rec(t.metadata).name, persistentVolumeClaim: { claimName } });
        if (this.claimsServed) await this.createClaim(sts, t, claimName, name);
      }
      podSpec.volumes = volumes;
    }
    try {
      await this.ctx.client.create({ ...PODS, namespace: sts.metadata.namespace }, pod);
      this.events.normal(sts, "SuccessfulCreate", `create Pod ${name} in StatefulSet ${sts.metadata.name ?? ""} successful`);
    } catch (error) {
      if (isAlreadyExists(error)) return;
      this.events.warning(sts, "FailedCreate", `create Pod ${name} in StatefulSet ${sts.metadata.name ?? ""} failed error: ${(error as Error).message}`);
      throw error;
    }
  }

  private async createClaim(sts: StoredObject, template: Json, claimName: string, podName: string): Promise<void> {
    const meta = rec(template.metadata);
    const labels = { ...(rec(meta.labels) as Record<string, string>), ...(rec(rec(rec(sts.spec).selector).matchLabels) as Record<string, string>) };
    const claimObject = {
      metadata: { name: claimName, labels, ...(meta.annotations ? { annotations: meta.annotations } : {}) },
      spec: structuredClone(rec(template.spec)),
    };
    try {
      await this.ctx.client.create({ ...CLAIMS, namespace: sts.metadata.namespace }, claimObject as StoredObject);
      this.events.normal(sts, "SuccessfulCreate", `create Claim ${claimName} Pod ${podName} in StatefulSet ${sts.metadata.name ?? ""} success`);
    } catch (error) {
      if (isAlreadyExists(error)) return;
      this.events.warning(sts, "FailedCreate", `create Claim ${claimName} for Pod ${podName} in StatefulSet ${sts.metadata.name ?? ""} failed error: ${(error as Error).message}`);
      throw error;
    }
  }

  private async deletePod(sts: StoredObject, pod: StoredObject): Promise<void> {
    try {
      await this.ctx.client.delete({ ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name });
      this.events.normal(sts, "SuccessfulDelete", `delete Pod ${pod.metadata.name ?? ""} in StatefulSet ${sts.metadata.name ?? ""} successful`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
