/**
 * The node facts kube-controller-manager's node lifecycle controller works from
 * (pkg/controller/nodelifecycle): condition rewrites when a kubelet goes silent, the taints that
 * mirror conditions, and zone disruption states.
 */
import type { StoredObject } from "../../api/types.js";
import { kubeTime } from "../../apiserver/registry/resource-store.js";
import { rec, recs, str, type Json } from "../common/controller-ref.js";

export const NOT_READY = "node.kubernetes.io/not-ready";
export const UNREACHABLE = "node.kubernetes.io/unreachable";
export const UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
export const ZONE_LABEL = "topology.kubernetes.io/zone";

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export const taintsOf = (node: StoredObject): Taint[] => recs(rec(node.spec).taints) as unknown as Taint[];
export const conditionsOf = (node: StoredObject): Json[] => recs(rec(node.status).conditions);
export const readyCondition = (node: StoredObject): Json | undefined => conditionsOf(node).find((c) => c.type === "Ready");
export const readyStatus = (node: StoredObject): string => str(readyCondition(node)?.status) || "Unknown";
export const zoneOf = (node: StoredObject): string => node.metadata.labels?.[ZONE_LABEL] ?? "";

/** The conditions the controller owns once a kubelet stops reporting. */
const MONITORED = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

/**
 * tryUpdateNodeHealth's rewrite of a silent node: every monitored condition becomes Unknown
 * ("Kubelet stopped posting node status."), or is added as Unknown if the kubelet never posted it.
 * Returns the new conditions, or undefined if nothing changes.
 */
export function silentNodeConditions(node: StoredObject, now: Date): Json[] | undefined {
  const conditions = conditionsOf(node).map((c) => ({ ...c }));
  const time = kubeTime(now);
  let changed = false;
  for (const type of MONITORED) {
    const current = conditions.find((c) => c.type === type);
    if (!current) {
      conditions.push({
        type,
        status: "Unknown",
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
        lastHeartbeatTime: node.metadata.creationTimestamp ?? time,
        lastTransitionTime: time,
      });
      changed = true;
    } else if (current.status !== "Unknown") {
      current.status = "Unknown";
      current.reason = "NodeStatusUnknown";
      current.message = "Kubelet stopped posting node status.";
      current.lastTransitionTime = time;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}

/** Conditions mirrored as NoSchedule taints (TaintNodesByCondition). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: NOT_READY, Unknown: UNREACHABLE },
  MemoryPressure: { True: "node.kubernetes.io/memory-pressure" },
  DiskPressure: { True: "node.kubernetes.io/disk-pressure" },
  NetworkUnavailable: { True: "node.kubernetes.io/network-unavailable" },
  PIDPressure: { True: "node.kubernetes.io/pid-pressure" },
};
const CONTROLLED_NO_SCHEDULE = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), UNSCHEDULABLE]);

/** doNoScheduleTaintingPass: the node's taints with its condition and cordon NoSchedule taints brought in line, or undefined if already right. */
export function noScheduleTaints(node: StoredObject): Taint[] | undefined {
  const wanted = new Set<string>();
  for (const c of conditionsOf(node)) {
    const key = CONDITION_TAINTS[str(c.type)]?.[str(c.status)];
    if (key) wanted.add(key);
  }
  if (rec(node.spec).unschedulable === true) wanted.add(UNSCHEDULABLE);
  const taints = taintsOf(node);
  const controlled = taints.filter((t) => t.effect === "NoSchedule" && CONTROLLED_NO_SCHEDULE.has(t.key));
  const have = new Set(controlled.map((t) => t.key));
  const toAdd = [...wanted].filter((k) => !have.has(k));
  const toRemove = controlled.filter((t) => !wanted.has(t.key));
  if (toAdd.length === 0 && toRemove.length === 0) return undefined;
  return [...taints.filter((t) => !toRemove.includes(t)), ...toAdd.map((key) => ({ key, effect: "NoSchedule" }))];
}

/** The node's taints with `add` (stamped now) in and every taint keyed in `remove` (NoExecute) out. */
export function swapNoExecute(node: StoredObject, add: string | undefined, remove: string[], now: Date): Taint[] | undefined {
  const taints = taintsOf(node);
  const kept = taints.filter((t) => !(t.effect === "NoExecute" && remove.includes(t.key)));
  const has = add !== undefined && kept.some((t) => t.effect === "NoExecute" && t.key === add);
  if (kept.length === taints.length && (add === undefined || has)) return undefined;
  return add !== undefined && !has ? [...kept, { key: add, effect: "NoExecute", timeAdded: kubeTime(now) }] : kept;
}

export const hasNoExecute = (node: StoredObject, key: string): boolean => taintsOf(node).some((t) => t.effect === "NoExecute" && t.key === key);

export type ZoneState = "Normal" | "PartialDisruption" | "FullDisruption";

/** ComputeZoneState: no ready node = full disruption; more than 2 and at least 55 % not ready = partial. */
export function zoneState(readyStatuses: string[]): ZoneState {
  const notReady = readyStatuses.filter((s) => s !== "True").length;
  const ready = readyStatuses.length - notReady;
  if (ready === 0 && notReady > 0) return "FullDisruption";
  if (notReady > 2 && notReady / readyStatuses.length >= 0.55) return "PartialDisruption";
  return "Normal";
}
