import type { StoredObject } from "../api/types.js";
import { cpuMillis, memoryBytes } from "./node-resources.js";

/**
 * The kubelet's own admission of a pod bound to its node (pkg/kubelet/lifecycle/predicate.go):
 * OS, resources against allocatable (pods, cpu, memory), node affinity/selector, host ports and
 * NoExecute taints. The scheduler checks the same, so a refusal is rare; when it happens the pod
 * fails with the predicate's reason (OutOfpods, OutOfcpu, NodeAffinity …).
 */

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.map(rec) : []);

export interface Rejection {
  reason: string;
  message: string;
}

/** What a pod asks of a node: max(sum of containers, largest init container) + overhead (as the scheduler computes requests). */
export function podRequests(pod: StoredObject): { cpu: number; memory: number } {
  const spec = rec(pod.spec);
  const sum = (list: Json[]): { cpu: number; memory: number } =>
    list.reduce<{ cpu: number; memory: number }>(
      (acc, c) => {
        const requests = rec(rec(c.resources).requests);
        return { cpu: acc.cpu + cpuMillis(requests.cpu), memory: acc.memory + memoryBytes(requests.memory) };
      },
      { cpu: 0, memory: 0 },
    );
  const regular = sum(recs(spec.containers));
  // Sidecars (restartable init containers) run alongside the regular containers.
  const sidecars = sum(recs(spec.initContainers).filter((c) => c.restartPolicy === "Always"));
  let initCpu = 0;
  let initMemory = 0;
  for (const c of recs(spec.initContainers).filter((x) => x.restartPolicy !== "Always")) {
    const requests = rec(rec(c.resources).requests);
    initCpu = Math.max(initCpu, cpuMillis(requests.cpu) + sidecars.cpu);
    initMemory = Math.max(initMemory, memoryBytes(requests.memory) + sidecars.memory);
  }
  const overhead = rec(spec.overhead);
  return {
    cpu: Math.max(regular.cpu + sidecars.cpu, initCpu) + cpuMillis(overhead.cpu),
    memory: Math.max(regular.memory + sidecars.memory, initMemory) + memoryBytes(overhead.memory),
  };
}

function matchesExpression(labels: Record<string, string>, e: Json, fields: Record<string, string>, isField: boolean): boolean {
  const source = isField ? fields : labels;
  const key = String(e.key ?? "");
  const values = (Array.isArray(e.values) ? e.values : []).map(String);
  const has = Object.prototype.hasOwnProperty.call(source, key);
  const value = source[key];
  switch (e.operator) {
    case "In":
      return has && values.includes(value ?? "");
    case "NotIn":
      return !has || !values.includes(value ?? "");
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      const n = Number(value);
      const bound = Number(values[0]);
      if (!has || !Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return e.operator === "Gt" ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/** nodeSelector and requiredDuringSchedulingIgnoredDuringExecution (terms are ORed, expressions ANDed). */
export function matchesNodeAffinity(pod: StoredObject, node: StoredObject): boolean {
  const spec = rec(pod.spec);
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(rec(spec.nodeSelector))) if (labels[k] !== String(v)) return false;
  const required = rec(rec(rec(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const terms = recs(required.nodeSelectorTerms);
  if (Object.keys(required).length === 0) return true;
  const fields = { "metadata.name": node.metadata.name ?? "" };
  return terms.some((t) => {
    const exprs = recs(t.matchExpressions);
    const fieldExprs = recs(t.matchFields);
    if (exprs.length === 0 && fieldExprs.length === 0) return false;
    return exprs.every((e) => matchesExpression(labels, e, fields, false)) && fieldExprs.every((e) => matchesExpression(labels, e, fields, true));
  });
}

const hostPorts = (pod: StoredObject): string[] =>
  [...recs(rec(pod.spec).containers), ...recs(rec(pod.spec).initContainers)].flatMap((c) =>
    recs(c.ports)
      .filter((p) => Number(p.hostPort ?? 0) > 0)
      .map((p) => `${String(p.protocol ?? "TCP")}/${String(p.hostIP || "0.0.0.0")}/${String(p.hostPort)}`),
  );

function portsConflict(wanted: string[], used: Set<string>): boolean {
  for (const w of wanted) {
    const [proto, ip, port] = w.split("/");
    for (const u of used) {
      const [uProto, uIp, uPort] = u.split("/");
      if (proto === uProto && port === uPort && (ip === uIp || ip === "0.0.0.0" || uIp === "0.0.0.0")) return true;
    }
  }
  return false;
}

function tolerates(tolerations: Json[], taint: Json): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return !t.key || t.key === taint.key;
    return t.key === taint.key && String(t.value ?? "") === String(taint.value ?? "");
  });
}

const insufficient = (resource: string, requested: number, used: number, capacity: number): Rejection => ({
  reason: `OutOf${resource}`,
  message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
});
const predicate = (name: string, description: string): Rejection => ({ reason: name, message: `Predicate ${name} failed: ${description}` });

/** The first reason the kubelet refuses `pod` on `node` next to the pods it already runs, or undefined. */
export function admitPod(pod: StoredObject, node: StoredObject, admitted: StoredObject[]): Rejection | undefined {
  const spec = rec(pod.spec);
  const nodeLabels = node.metadata.labels ?? {};
  const podOs = pod.metadata.labels?.["kubernetes.io/os"];
  if (podOs !== undefined && podOs !== (nodeLabels["kubernetes.io/os"] ?? "linux")) {
    return { reason: "PodOSSelectorNodeLabelDoesNotMatch", message: "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label" };
  }
  const os = rec(spec.os).name;
  if (os !== undefined && os !== "linux") return { reason: "PodOSNotSupported", message: "Failed to admit pod as the OS field doesn't match node OS" };

  const allocatable = rec(rec(node.status).allocatable);
  const maxPods = Number(allocatable.pods ?? 110);
  if (admitted.length + 1 > maxPods) return insufficient("pods", 1, admitted.length, maxPods);
  const want = podRequests(pod);
  const used = admitted.reduce((acc, p) => {
    const r = podRequests(p);
    return { cpu: acc.cpu + r.cpu, memory: acc.memory + r.memory };
  }, { cpu: 0, memory: 0 });
  const cpuCap = cpuMillis(allocatable.cpu);
  if (want.cpu > 0 && used.cpu + want.cpu > cpuCap) return insufficient("cpu", want.cpu, used.cpu, cpuCap);
  const memCap = memoryBytes(allocatable.memory);
  if (want.memory > 0 && used.memory + want.memory > memCap) return insufficient("memory", want.memory, used.memory, memCap);

  if (!matchesNodeAffinity(pod, node)) return predicate("NodeAffinity", "node(s) didn't match Pod's node affinity/selector");
  const usedPorts = new Set(admitted.flatMap(hostPorts));
  if (portsConflict(hostPorts(pod), usedPorts)) return predicate("NodePorts", "node(s) didn't have free ports for the requested pod ports");
  const taints = recs(rec(node.spec).taints).filter((t) => t.effect === "NoExecute");
  const tolerations = recs(spec.tolerations);
  if (taints.some((t) => !tolerates(tolerations, t))) return predicate("TaintToleration", "node(s) had taints that the pod didn't tolerate");
  return undefined;
}
