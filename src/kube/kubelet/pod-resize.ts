import { sameJson } from "../api/pod-ephemeral-containers.js";
import type { StoredObject } from "../api/types.js";
import { cpuMillis, memoryBytes } from "./node-resources.js";
import { admitPod, podRequests } from "./pod-admission.js";
import type { ContainerRuntime, PodRuntime } from "./pod-runtime.js";

/**
 * The kubelet's side of in-place pod resize (pkg/kubelet/allocation: canResizePod, and the
 * PodResizePending condition): when a pod's containers ask for other cpu/memory than they run with,
 * the resize is accepted if the pod fits the node next to the other pods' allocations; else it is
 * Infeasible (more than the node's allocatable) or Deferred (room may free up later).
 */

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.map(rec) : []);

/** The containers whose spec resources differ from what they run with, with the resources they ask for. */
export function wantedResize(pod: StoredObject, rt: PodRuntime): Map<ContainerRuntime, Json> {
  const spec = rec(pod.spec);
  const wanted = new Map<ContainerRuntime, Json>();
  const bySpec = (list: unknown) => new Map(recs(list).map((c) => [String(c.name ?? ""), c]));
  const main = bySpec(spec.containers);
  const init = bySpec(spec.initContainers);
  for (const c of [...rt.init.filter((x) => x.sidecar), ...rt.main]) {
    const asked = (c.init ? init : main).get(c.name);
    if (!asked) continue;
    const resources = rec(asked.resources);
    if (!sameJson(resources, c.allocated)) wanted.set(c, resources);
  }
  return wanted;
}

/** The pod as its containers run now: each container's resources are its allocated ones. */
export function allocatedPod(pod: StoredObject, rt: PodRuntime): StoredObject {
  const allocated = new Map([...rt.init, ...rt.main].map((c) => [`${c.init ? "i" : "c"}/${c.name}`, c.allocated]));
  const spec = rec(pod.spec);
  const swap = (list: unknown, prefix: string) =>
    recs(list).map((c) => {
      const resources = allocated.get(`${prefix}/${String(c.name ?? "")}`);
      return resources === undefined ? c : { ...c, resources };
    });
  return { ...pod, spec: { ...spec, containers: swap(spec.containers, "c"), initContainers: swap(spec.initContainers, "i") } };
}

export interface ResizeRefusal {
  reason: "Infeasible" | "Deferred";
  message: string;
}

/**
 * canResizePod: Infeasible when the resized pod alone exceeds the node's allocatable cpu or memory,
 * Deferred when it does not fit next to the other pods' allocations (the admission's message).
 */
export function resizeRefusal(resized: StoredObject, node: StoredObject, others: StoredObject[]): ResizeRefusal | undefined {
  const allocatable = rec(rec(node.status).allocatable);
  const cpuAvailable = cpuMillis(allocatable.cpu);
  const memAvailable = memoryBytes(allocatable.memory);
  const want = podRequests(resized);
  if (want.cpu > cpuAvailable || want.memory > memAvailable) {
    const detail =
      want.memory > memAvailable ? `memory, requested: ${want.memory}, capacity: ${memAvailable}` : `cpu, requested: ${want.cpu}, capacity: ${cpuAvailable}`;
    return { reason: "Infeasible", message: `Node didn't have enough capacity: ${detail}` };
  }
  const rejection = admitPod(resized, node, others);
  if (rejection && (rejection.reason === "OutOfcpu" || rejection.reason === "OutOfmemory")) return { reason: "Deferred", message: rejection.message };
  return undefined;
}

/** events.PodResizeCompletedMsg: the containers' resources and the pod generation, as JSON. */
export function resizeCompletedMessage(pod: StoredObject): string {
  const spec = rec(pod.spec);
  const summary = (list: unknown) => recs(list).map((c) => ({ name: c.name, ...(Object.keys(rec(c.resources)).length ? { resources: sortedResources(rec(c.resources)) } : {}) }));
  const init = summary(spec.initContainers);
  const body = {
    ...(init.length ? { initContainers: init } : {}),
    containers: summary(spec.containers),
    generation: pod.metadata.generation ?? 1,
  };
  return `Pod resize completed: ${JSON.stringify(body)}`;
}

/** ResourceRequirements as Go marshals it: limits, requests, claims, with sorted resource names. */
function sortedResources(r: Json): Json {
  const sorted = (m: unknown) => Object.fromEntries(Object.entries(rec(m)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    ...(Object.keys(rec(r.limits)).length ? { limits: sorted(r.limits) } : {}),
    ...(Object.keys(rec(r.requests)).length ? { requests: sorted(r.requests) } : {}),
    ...(Array.isArray(r.claims) && r.claims.length ? { claims: r.claims } : {}),
  };
}
