import { type NodeInfo, portInUse } from "./node-info.js";
import type { PodInfo } from "./pod-info.js";
import { type NodeStatus, unresolvable, unschedulable } from "./status.js";
import { toleratesAny, untoleratedTaint } from "./selectors.js";

/**
 * The per-node filters that need no cluster-wide state, in the default profile's order, with
 * upstream's plugin names and reasons. PodTopologySpread and InterPodAffinity, which count pods
 * across topology domains, live in their own files.
 */

const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule" };

export function nodeUnschedulable(pod: PodInfo, node: NodeInfo): NodeStatus | undefined {
  if (node.unschedulable === true && !toleratesAny(pod.tolerations, UNSCHEDULABLE_TAINT)) {
    return unresolvable("NodeUnschedulable", "node(s) were unschedulable");
  }
  return undefined;
}

export function nodeName(pod: PodInfo, node: NodeInfo): NodeStatus | undefined {
  if (pod.nodeName && pod.nodeName !== node.name) return unresolvable("NodeName", "node(s) didn't match the requested node name");
  return undefined;
}

export function taintToleration(pod: PodInfo, node: NodeInfo): NodeStatus | undefined {
  if (node.taints.length === 0) return undefined;
  const taint = untoleratedTaint(node.taints, pod.tolerations);
  // Kubernetes 1.34.1 names the taint; later patch releases (kubernetes#134740) drop key and value.
  if (taint) return unresolvable("TaintToleration", `node(s) had untolerated taint {${taint.key}: ${taint.value}}`);
  return undefined;
}

/** nodeSelector and the required node affinity both have to match. */
export function matchesNodeSelectorAndAffinity(pod: PodInfo, node: NodeInfo): boolean {
  if (pod.nodeSelectorKeys.length > 0) for (const key of pod.nodeSelectorKeys) if (node.labels[key] !== pod.nodeSelector[key]) return false;
  return !pod.requiredNodeAffinity || pod.requiredNodeAffinity({ name: node.name, labels: node.labels });
}

export function nodeAffinity(pod: PodInfo, node: NodeInfo): NodeStatus | undefined {
  if (!matchesNodeSelectorAndAffinity(pod, node)) return unresolvable("NodeAffinity", "node(s) didn't match Pod's node affinity/selector");
  return undefined;
}

export function nodePorts(pod: PodInfo, node: NodeInfo, nominated: PodInfo[]): NodeStatus | undefined {
  if (pod.hostPorts.length === 0) return undefined;
  const clash = pod.hostPorts.some(
    (p) => portInUse(node, p) || nominated.some((n) => n.hostPorts.some((q) => q.protocol === p.protocol && q.port === p.port && (q.ip === p.ip || q.ip === "0.0.0.0" || p.ip === "0.0.0.0"))),
  );
  return clash ? unschedulable("NodePorts", "node(s) didn't have free ports for the requested pod ports") : undefined;
}

/**
 * NodeResourcesFit: the pod count against allocatable pods, then every requested resource
 * against allocatable minus what is already requested; every shortage is a reason. Pods
 * nominated to this node with at least this pod's priority count as if they were placed.
 */
export function nodeResourcesFit(pod: PodInfo, node: NodeInfo, nominated: PodInfo[]): NodeStatus | undefined {
  let podCount = node.podCount;
  let cpu = node.reqCPU;
  let memory = node.reqMemory;
  let ephemeral = node.reqEphemeral;
  if (nominated.length > 0) {
    for (const n of nominated) {
      podCount++;
      cpu += n.cpu;
      memory += n.memory;
      ephemeral += n.ephemeral;
    }
  }
  if (podCount < node.allowedPods && pod.cpu <= node.allocCPU - cpu && pod.memory <= node.allocMemory - memory && pod.ephemeral <= node.allocEphemeral - ephemeral && !pod.hasScalarRequests) {
    return undefined;
  }
  const reasons: string[] = [];
  if (podCount + 1 > node.allowedPods) reasons.push("Too many pods");
  if (pod.cpu > 0 && pod.cpu > node.allocCPU - cpu) reasons.push("Insufficient cpu");
  if (pod.memory > 0 && pod.memory > node.allocMemory - memory) reasons.push("Insufficient memory");
  if (pod.ephemeral > 0 && pod.ephemeral > node.allocEphemeral - ephemeral) reasons.push("Insufficient ephemeral-storage");
  if (pod.hasScalarRequests) {
    for (const [name, want] of Object.entries(pod.requests.scalar)) {
      if (want === 0) continue;
      let used = node.reqScalar[name] ?? 0;
      for (const n of nominated) used += n.requests.scalar[name] ?? 0;
      if (want > (node.allocatable.scalar[name] ?? 0) - used) reasons.push(`Insufficient ${name}`);
    }
  }
  return reasons.length > 0 ? unschedulable("NodeResourcesFit", ...reasons) : undefined;
}

const NO_PODS: PodInfo[] = [];

/**
 * The node-local filters in order; the first rejection is the node's status. One function in
 * this module keeps the per-node path free of cross-module calls and allocations.
 */
export function runNodeFilters(pod: PodInfo, node: NodeInfo, nominated: PodInfo[] = NO_PODS): NodeStatus | undefined {
  return (
    nodeUnschedulable(pod, node) ??
    nodeName(pod, node) ??
    taintToleration(pod, node) ??
    nodeAffinity(pod, node) ??
    nodePorts(pod, node, nominated) ??
    nodeResourcesFit(pod, node, nominated)
  );
}
