import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { ResourceDescriptor } from "../../api/descriptor.js";
import type { StoredObject } from "../../api/types.js";
import { formatLabelSelector, labelSelectorFromObject, matchesLabels, type LabelSelector, type LabelSelectorObject } from "../../apiserver/selectors.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer, objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { canonicalJson, controllerRefOf, rec, recs, type Json, type OwnerReference } from "../common/controller-ref.js";
import { ControllerEvents } from "../common/events.js";
import type { SharedInformer, SharedInformerFactory } from "../common/shared-informers.js";
import { countHealthy, disruptionCondition, pdbStatus, pruneDisrupted, scaledValue } from "./pdb-status.js";

export const PDBS = { group: "policy", version: "v1", plural: "poddisruptionbudgets" };
const PODS_BY_NAMESPACE = "disruption:namespace";

/** metav1.LabelSelectorAsSelector of a PDB: null selects nothing, {} every pod of the namespace. */
export function pdbSelector(pdb: StoredObject): LabelSelector | undefined {
  const raw = rec(pdb.spec).selector;
  try {
    return labelSelectorFromObject(raw === undefined || raw === null ? null : (rec(raw) as LabelSelectorObject));
  } catch {
    return undefined;
  }
}

/**
 * kube-controller-manager's disruption controller: keeps every PodDisruptionBudget's status —
 * expected pods (from the scale of the pods' controllers, or the pod count for an integer
 * minAvailable), desired and current healthy pods, the disruptions allowed, the evictions still
 * waiting for their pod to go, and the DisruptionAllowed condition (SufficientPods,
 * InsufficientPods or SyncFailed). The eviction API reads this status to allow or refuse.
 */
export class DisruptionController {
  private readonly pdbs: Informer;
  private readonly pods: SharedInformer;
  private readonly queue: WorkQueue;
  private readonly events: ControllerEvents;
  private unsubscribe?: () => void;

  constructor(
    private readonly client: InProcessClient,
    informers: SharedInformerFactory,
    private readonly descriptors: ResourceDescriptor[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.pods = informers.informer({ version: "v1", plural: "pods" });
    this.pods.addIndex(PODS_BY_NAMESPACE, (pod) => [pod.metadata.namespace ?? ""]);
    this.events = new ControllerEvents(client, clock, "controllermanager");
    this.queue = new WorkQueue(clock, (key) => this.sync(key), {
      concurrency: 2,
      onError: (key, error) => this.logger.warn("disruption budget sync failed; retrying", { pdb: key, error: String(error) }),
    });
    this.pdbs = new Informer(client, PDBS, clock, { onChange: (pdb) => this.queue.add(objectKey(pdb)) });
  }

  start(): this {
    this.unsubscribe = this.pods.subscribe({
      onChange: (pod, previous) => this.enqueueFor(pod, previous),
      onDelete: (pod) => this.enqueueFor(pod),
    });
    this.pdbs.start();
    return this;
  }

  stop(): void {
    this.unsubscribe?.();
    this.pdbs.stop();
    this.queue.stop();
  }

  private enqueueFor(pod: StoredObject, previous?: StoredObject): void {
    for (const pdb of this.pdbs.list()) {
      if (pdb.metadata.namespace !== pod.metadata.namespace) continue;
      const selector = pdbSelector(pdb);
      if (!selector) continue;
      if (matchesLabels(selector, pod.metadata.labels) || (previous && matchesLabels(selector, previous.metadata.labels))) this.queue.add(objectKey(pdb));
    }
  }

  private async sync(key: string): Promise<void> {
    await Promise.all([this.pdbs.synced(), this.pods.synced()]);
    const pdb = this.pdbs.get(key);
    if (!pdb) return;
    const selector = pdbSelector(pdb);
    const pods = selector ? this.pods.byIndex(PODS_BY_NAMESPACE, pdb.metadata.namespace ?? "").filter((p) => matchesLabels(selector, p.metadata.labels)) : [];
    if (pods.length === 0) this.events.normal(pdb, "NoPods", "No matching pods found");
    const now = this.clock.now();
    let counts: { expectedPods: number; desiredHealthy: number };
    try {
      counts = await this.expectedCounts(pdb, pods, selector);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.events.warning(pdb, "CalculateExpectedPodCountFailed", `Failed to calculate the number of expected pods: ${message}`);
      return this.failSafe(pdb, message);
    }
    const { kept, expired, recheckAt } = pruneDisrupted(pods, rec(rec(pdb.status).disruptedPods) as Record<string, string>, now.getTime());
    for (const pod of expired) {
      this.events.warning(pod, "NotDeleted", `Pod was expected by PDB ${pdb.metadata.namespace ?? ""}/${pdb.metadata.name ?? ""} to be deleted but it wasn't`);
    }
    if (recheckAt !== undefined) this.queue.addAfter(key, recheckAt - now.getTime() + 1);
    const currentHealthy = countHealthy(pods, kept, now.getTime());
    await this.writeStatus(pdb, pdbStatus(pdb, { ...counts, currentHealthy }, kept, now));
  }

  /** getExpectedPodCount */
  private async expectedCounts(pdb: StoredObject, pods: StoredObject[], selector: LabelSelector | undefined): Promise<{ expectedPods: number; desiredHealthy: number }> {
    const spec = rec(pdb.spec);
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
      const expectedPods = await this.expectedScale(pdb, pods, selector);
      const desiredHealthy = Math.max(0, expectedPods - scaledValue(spec.maxUnavailable, expectedPods));
      return { expectedPods, desiredHealthy };
    }
    if (typeof spec.minAvailable === "number") return { expectedPods: pods.length, desiredHealthy: spec.minAvailable };
    if (typeof spec.minAvailable === "string") {
      const expectedPods = await this.expectedScale(pdb, pods, selector);
      return { expectedPods, desiredHealthy: scaledValue(spec.minAvailable, expectedPods) };
    }
    return { expectedPods: 0, desiredHealthy: 0 };
  }

  /** getExpectedScale: the sum of the scales of the pods' controllers; pods without a controller are reported and left out. */
  private async expectedScale(pdb: StoredObject, pods: StoredObject[], selector: LabelSelector | undefined): Promise<number> {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = controllerRefOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata.name ?? "");
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const scale = await this.scaleOf(ref, pod.metadata.namespace ?? "");
      if (scale === undefined) throw new Error(`found no controllers for pod "${pod.metadata.name ?? ""}"`);
      scales.set(ref.uid, scale);
    }
    if (unmanaged.length > 0) {
      this.events.warning(
        pdb,
        "UnmanagedPods",
        `Pods selected by this PodDisruptionBudget (selector: ${selector ? formatLabelSelector(selector) : ""}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    let total = 0;
    for (const scale of scales.values()) total += scale;
    return total;
  }

  /** The finders: ReplicaSet (through its Deployment), ReplicationController, StatefulSet, then anything with a scale subresource. */
  private async scaleOf(ref: OwnerReference, namespace: string): Promise<number | undefined> {
    const [group = "", version = ""] = ref.apiVersion.includes("/") ? ref.apiVersion.split("/") : ["", ref.apiVersion];
    const d = this.descriptors.find((x) => x.group === group && x.version === version && x.kind === ref.kind);
    if (!d) return undefined;
    const owner = await this.get({ group, version, plural: d.plural, namespace, name: ref.name });
    if (!owner || owner.metadata.uid !== ref.uid) return undefined;
    if (ref.kind === "ReplicaSet") {
      const deploymentRef = controllerRefOf(owner);
      if (deploymentRef?.kind === "Deployment") {
        const deployment = await this.get({ group: "apps", version: "v1", plural: "deployments", namespace, name: deploymentRef.name });
        if (deployment && deployment.metadata.uid === deploymentRef.uid) return replicas(deployment);
      }
      return replicas(owner);
    }
    if (["ReplicationController", "StatefulSet", "Deployment"].includes(ref.kind)) return replicas(owner);
    if (!d.subresources.includes("scale")) return undefined;
    const scale = await this.get({ group, version, plural: d.plural, namespace, name: ref.name, subresource: "scale" });
    return scale ? Number(rec(scale.spec).replicas ?? 0) : undefined;
  }

  private async get(ref: { group?: string; version: string; plural: string; namespace: string; name: string; subresource?: string }): Promise<StoredObject | undefined> {
    try {
      return await this.client.get(ref);
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined;
      throw error;
    }
  }

  /** failSafe: nothing may be disrupted while the status cannot be computed. */
  private async failSafe(pdb: StoredObject, message: string): Promise<void> {
    const status = rec(pdb.status);
    const generation = Number(status.observedGeneration ?? 0);
    await this.writeStatus(pdb, {
      ...status,
      disruptionsAllowed: 0,
      conditions: disruptionCondition(recs(status.conditions), "False", "SyncFailed", message, generation, this.clock.now()),
    });
  }

  private async writeStatus(pdb: StoredObject, status: Json): Promise<void> {
    if (canonicalJson(pdb.status ?? {}) === canonicalJson(status)) return;
    await this.client.update({ ...PDBS, namespace: pdb.metadata.namespace, name: pdb.metadata.name, subresource: "status" }, { ...pdb, status });
  }
}

/** spec.replicas, which defaults to 1. */
const replicas = (obj: StoredObject): number => {
  const value = rec(obj.spec).replicas;
  return typeof value === "number" ? value : 1;
};
