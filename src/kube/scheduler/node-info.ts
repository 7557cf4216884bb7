import type { StoredObject } from "../api/types.js";
import { rec, stringMap } from "./json.js";
import { hasPodAffinity, type HostPort, type PodInfo } from "./pod-info.js";
import { emptyResources, resourcesOf, type Resources, value } from "./resources.js";
import { type Labels, type Taint, taintsOf } from "./selectors.js";

/**
 * One node and what is placed on it (framework.NodeInfo): kept up to date incrementally as pods
 * are assumed, bound, and removed, so a filter is a few comparisons and never a scan of pods.
 * The numbers every filter and score reads are plain fields (no nested objects to chase): the
 * scheduler reads them for hundreds of nodes per pod.
 */
export interface NodeInfo {
  name: string;
  /** Undefined while pods name a node the scheduler has not seen yet. */
  node?: StoredObject;
  labels: Labels;
  taints: Taint[];
  unschedulable: boolean;
  allocatable: Resources;
  allocCPU: number;
  allocMemory: number;
  allocEphemeral: number;
  allowedPods: number;
  /** Sums of the placed pods' requests, and of their requests with the scheduler's non-zero defaults. */
  reqCPU: number;
  reqMemory: number;
  reqEphemeral: number;
  reqScalar: Record<string, number>;
  nonZeroCPU: number;
  nonZeroMemory: number;
  podCount: number;
  pods: Map<string, PodInfo>;
  /** Pods with any pod (anti-)affinity, and with required anti-affinity (InterPodAffinity's indexes). */
  podsWithAffinity: number;
  podsWithRequiredAntiAffinity: number;
  /** `protocol/port/ip` → how many pods hold it. */
  usedPorts: Map<string, number>;
}

export function newNodeInfo(name: string): NodeInfo {
  return {
    name,
    node: undefined,
    labels: {},
    taints: [],
    unschedulable: false,
    allocatable: emptyResources(),
    allocCPU: 0,
    allocMemory: 0,
    allocEphemeral: 0,
    allowedPods: 0,
    reqCPU: 0,
    reqMemory: 0,
    reqEphemeral: 0,
    reqScalar: {},
    nonZeroCPU: 0,
    nonZeroMemory: 0,
    podCount: 0,
    pods: new Map(),
    podsWithAffinity: 0,
    podsWithRequiredAntiAffinity: 0,
    usedPorts: new Map(),
  };
}

/** Sets (or replaces) the Node object of a NodeInfo. */
export function setNode(info: NodeInfo, node: StoredObject): void {
  const spec = rec(node.spec);
  const allocatable = rec(rec(node.status).allocatable);
  info.node = node;
  info.labels = stringMap(node.metadata.labels);
  info.taints = taintsOf(spec.taints);
  info.unschedulable = spec.unschedulable === true;
  info.allocatable = resourcesOf(allocatable);
  info.allocCPU = info.allocatable.milliCPU;
  info.allocMemory = info.allocatable.memory;
  info.allocEphemeral = info.allocatable.ephemeralStorage;
  info.allowedPods = value(allocatable.pods);
}

const portKey = (p: HostPort): string => `${p.protocol}/${p.port}/${p.ip}`;

function account(info: NodeInfo, pod: PodInfo, sign: 1 | -1): void {
  info.reqCPU += sign * pod.cpu;
  info.reqMemory += sign * pod.memory;
  info.reqEphemeral += sign * pod.ephemeral;
  info.nonZeroCPU += sign * pod.nonZeroCPU;
  info.nonZeroMemory += sign * pod.nonZeroMemory;
  info.podCount += sign;
  if (pod.hasScalarRequests) for (const [name, v] of Object.entries(pod.requests.scalar)) info.reqScalar[name] = (info.reqScalar[name] ?? 0) + sign * v;
  if (hasPodAffinity(pod)) info.podsWithAffinity += sign;
  if (pod.requiredAntiAffinity.length > 0) info.podsWithRequiredAntiAffinity += sign;
}

export function addPod(info: NodeInfo, pod: PodInfo): void {
  if (info.pods.has(pod.key)) removePod(info, pod.key);
  info.pods.set(pod.key, pod);
  account(info, pod, 1);
  for (const p of pod.hostPorts) info.usedPorts.set(portKey(p), (info.usedPorts.get(portKey(p)) ?? 0) + 1);
}

export function removePod(info: NodeInfo, key: string): PodInfo | undefined {
  const pod = info.pods.get(key);
  if (!pod) return undefined;
  info.pods.delete(key);
  account(info, pod, -1);
  for (const p of pod.hostPorts) {
    const k = portKey(p);
    const n = (info.usedPorts.get(k) ?? 0) - 1;
    if (n > 0) info.usedPorts.set(k, n);
    else info.usedPorts.delete(k);
  }
  return pod;
}

/** A private copy to try "what if" changes on (preemption's dry runs). */
export function cloneNodeInfo(info: NodeInfo): NodeInfo {
  return { ...info, reqScalar: { ...info.reqScalar }, pods: new Map(info.pods), usedPorts: new Map(info.usedPorts) };
}

/** HostPortInfo.CheckConflict: same protocol and port, and the same IP or either on 0.0.0.0. */
export function portInUse(info: NodeInfo, p: HostPort): boolean {
  if (info.usedPorts.size === 0) return false;
  if (p.ip === "0.0.0.0") {
    for (const key of info.usedPorts.keys()) if (key.startsWith(`${p.protocol}/${p.port}/`)) return true;
    return false;
  }
  return info.usedPorts.has(portKey(p)) || info.usedPorts.has(`${p.protocol}/${p.port}/0.0.0.0`);
}
