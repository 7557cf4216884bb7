/**
 * POST pods/{name}/eviction (pkg/registry/core/pod/storage/eviction.go): a pod is deleted only if
 * its PodDisruptionBudget allows one more disruption, which the eviction takes from the budget
 * (disruptionsAllowed − 1, the pod named in disruptedPods) before deleting the pod with a
 * DisruptionTarget condition. A refusal is a 429 with a DisruptionBudget cause, which
 * `kubectl drain` retries.
 */
import type { Clock } from "../../shared/clock.js";
import type { FieldCause } from "../api/descriptor.js";
import type { KubeObject, StoredObject } from "../api/types.js";
import { isPodReady } from "../controllers/common/pods.js";
import { disruptionCondition } from "../controllers/disruption/pdb-status.js";
import { pdbSelector } from "../controllers/disruption/disruption-controller.js";
import { kubeTime, type ResourceStore } from "./registry/resource-store.js";
import { matchesLabels } from "./selectors.js";
import { errors, StatusError } from "./status.js";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

/** MaxDisruptedPodSize: evictions the disruption controller has not confirmed yet, per budget. */
const MAX_DISRUPTED_PODS = 2000;
const CONFLICT_RETRIES = 5;
const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";
const PDB_RESOURCE = { resource: "poddisruptionbudget", group: "policy", kind: "PodDisruptionBudget" };

export interface EvictionContext {
  pods: ResourceStore;
  /** Absent while policy/v1 is not served: then no budget can refuse. */
  pdbs?: ResourceStore;
  clock: Clock;
  /** Validating admission of the pod's deletion. */
  validateDelete?: (obj: StoredObject, old?: StoredObject) => Promise<void>;
}

/** Carries out an eviction; the answer is the Status the handler sends with 201. */
export async function evictPod(ctx: EvictionContext, namespace: string, name: string, eviction: KubeObject, dryRun: boolean): Promise<Record<string, unknown>> {
  if (eviction.metadata?.name !== name) throw errors.badRequest("name in URL does not match name in Eviction object");
  if (eviction.metadata?.namespace && eviction.metadata.namespace !== namespace) {
    throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  const options = rec(eviction.deleteOptions);
  const preconditions = rec(options.preconditions);
  const deleteOptions = {
    gracePeriodSeconds: typeof options.gracePeriodSeconds === "number" ? options.gracePeriodSeconds : undefined,
    uid: typeof preconditions.uid === "string" ? preconditions.uid : undefined,
    resourceVersion: typeof preconditions.resourceVersion === "string" ? preconditions.resourceVersion : undefined,
  };
  const pod = await ctx.pods.get(namespace, name);
  if (!canIgnoreBudget(pod)) {
    const budgets = ctx.pdbs ? (await ctx.pdbs.list(namespace)).items.filter((pdb) => selects(pdb, pod)) : [];
    if (budgets.length > 1) throw errors.internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    const budget = budgets[0];
    if (budget && ctx.pdbs) {
      const status = rec(budget.status);
      const spec = rec(budget.spec);
      const unhealthy = !isPodReady(pod);
      const alwaysAllow = spec.unhealthyPodEvictionPolicy === "AlwaysAllow";
      const healthyBudget = Number(status.currentHealthy ?? 0) >= Number(status.desiredHealthy ?? 0) && Number(status.desiredHealthy ?? 0) > 0;
      if (unhealthy && (alwaysAllow || healthyBudget)) {
        // An unready pod does not count as healthy: it goes without using the budget, unless it turned ready meanwhile.
        deleteOptions.resourceVersion ??= pod.metadata.resourceVersion;
      } else {
        await takeFromBudget(ctx, namespace, budget.metadata.name ?? "", name, dryRun);
      }
    }
  }
  await deleteWithCondition(ctx, namespace, name, deleteOptions, dryRun);
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };
}

/** Finished, pending or already terminating pods are evicted without asking any budget (canIgnorePDB). */
function canIgnoreBudget(pod: StoredObject): boolean {
  const phase = rec(pod.status).phase;
  return phase === "Succeeded" || phase === "Failed" || phase === "Pending" || Boolean(pod.metadata.deletionTimestamp);
}

function selects(pdb: StoredObject, pod: StoredObject): boolean {
  const selector = pdbSelector(pdb);
  return selector !== undefined && matchesLabels(selector, pod.metadata.labels);
}

const tooManyRequests = (cause: string): StatusError =>
  new StatusError(429, "TooManyRequests", REFUSED, { causes: [{ reason: "DisruptionBudget", message: cause } as FieldCause] });

/** checkAndDecrement, retried on conflicts with other evictions and the disruption controller. */
async function takeFromBudget(ctx: EvictionContext, namespace: string, pdbName: string, podName: string, dryRun: boolean): Promise<void> {
  const pdbs = ctx.pdbs as ResourceStore;
  for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
    const pdb = await pdbs.get(namespace, pdbName);
    const status = rec(pdb.status);
    const allowed = Number(status.disruptionsAllowed ?? 0);
    const disrupted = rec(status.disruptedPods);
    if (Number(status.observedGeneration ?? 0) < Number(pdb.metadata.generation ?? 0)) {
      throw tooManyRequests(`The disruption budget ${pdbName} is still being processed by the server.`);
    }
    if (allowed < 0) throw errors.forbidden(`poddisruptionbudget.policy "${pdbName}" is forbidden: pdb disruptions allowed is negative`, PDB_RESOURCE, pdbName);
    if (Object.keys(disrupted).length > MAX_DISRUPTED_PODS) {
      throw errors.forbidden(`poddisruptionbudget.policy "${pdbName}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`, PDB_RESOURCE, pdbName);
    }
    if (allowed === 0) {
      throw tooManyRequests(`The disruption budget ${pdbName} needs ${Number(status.desiredHealthy ?? 0)} healthy pods and has ${Number(status.currentHealthy ?? 0)} currently`);
    }
    if (dryRun) return;
    const now = ctx.clock.now();
    const next = allowed - 1;
    const generation = Number(status.observedGeneration ?? 0);
    const conditions = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
    const newStatus = {
      ...status,
      disruptionsAllowed: next,
      disruptedPods: { ...disrupted, [podName]: kubeTime(now) },
      conditions: next > 0 ? conditions : disruptionCondition(conditions, "False", "InsufficientPods", "", generation, now),
    };
    try {
      await pdbs.update(namespace, pdbName, () => ({ ...pdb, status: newStatus }), { subresource: "status" });
      return;
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 409)) throw error;
    }
  }
  throw new StatusError(504, "Timeout", `couldn't update PodDisruptionBudget "${pdbName}" due to conflicts`, { retryAfterSeconds: 10 });
}

/** addConditionAndDeletePod: DisruptionTarget (EvictionByEvictionAPI) on the latest pod, then the delete with the eviction's options. */
async function deleteWithCondition(
  ctx: EvictionContext,
  namespace: string,
  name: string,
  options: { gracePeriodSeconds?: number; uid?: string; resourceVersion?: string },
  dryRun: boolean,
): Promise<void> {
  const opts = { ...options };
  if (!dryRun) {
    const updated = await ctx.pods.update(
      namespace,
      name,
      (latest) => {
        if (opts.uid && opts.uid !== latest.metadata.uid) {
          throw errors.conflict({ resource: "pods", group: "", kind: "Pod" }, name, `Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${latest.metadata.uid ?? ""}`);
        }
        if (opts.resourceVersion && opts.resourceVersion !== latest.metadata.resourceVersion) {
          throw errors.conflict({ resource: "pods", group: "", kind: "Pod" }, name, `Precondition failed: ResourceVersion in precondition: ${opts.resourceVersion}, ResourceVersion in object meta: ${latest.metadata.resourceVersion ?? ""}`);
        }
        const status = rec(latest.status);
        const conditions = (Array.isArray(status.conditions) ? (status.conditions as Json[]) : []).filter((c) => c.type !== "DisruptionTarget");
        conditions.push({ type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: kubeTime(ctx.clock.now()), reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" });
        const { resourceVersion: _rv, ...metadata } = latest.metadata;
        return { ...latest, metadata, status: { ...status, conditions } };
      },
      { subresource: "status" },
    );
    // The condition write moved the pod on; the caller's resourceVersion precondition follows it.
    if (opts.resourceVersion) opts.resourceVersion = updated.metadata.resourceVersion;
  }
  await ctx.pods.delete(namespace, name, { ...opts, dryRun, validateAdmission: ctx.validateDelete });
}
