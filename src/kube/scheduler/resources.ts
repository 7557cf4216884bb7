import { parseQuantity } from "../api/quantity.js";
import { type Json, rec, recs, str } from "./json.js";

/**
 * The scheduler's resource vector (framework.Resource): CPU in millicores, memory and ephemeral
 * storage in bytes, extended resources (GPUs, hugepages …) by name. Plain numbers keep the
 * per-node arithmetic cheap.
 */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  scalar: Record<string, number>;
}

/** What a container asks for when it names no CPU or memory request (schedutil.DefaultMilliCPURequest / DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} });

/** Go's Quantity.Value()/MilliValue() round up; values within float noise of an integer are that integer. */
function roundUp(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : Math.ceil(x);
}

export const milliValue = (q: unknown): number => roundUp((parseQuantity(q) ?? 0) * 1000);
export const value = (q: unknown): number => roundUp(parseQuantity(q) ?? 0);

/** Resources the scheduler accounts as scalars: everything but cpu, memory, ephemeral-storage and pods. */
const NAMED = new Set(["cpu", "memory", "ephemeral-storage", "pods", "storage"]);

/** A ResourceList (requests, allocatable) as a resource vector. */
export function resourcesOf(list: unknown): Resources {
  const r = emptyResources();
  for (const [name, q] of Object.entries(rec(list))) {
    if (name === "cpu") r.milliCPU = milliValue(q);
    else if (name === "memory") r.memory = value(q);
    else if (name === "ephemeral-storage") r.ephemeralStorage = value(q);
    else if (!NAMED.has(name)) r.scalar[name] = value(q);
  }
  return r;
}

export function addInto(into: Resources, r: Resources, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [name, v] of Object.entries(r.scalar)) into.scalar[name] = (into.scalar[name] ?? 0) + sign * v;
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [name, v] of Object.entries(r.scalar)) into.scalar[name] = Math.max(into.scalar[name] ?? 0, v);
}

const copy = (r: Resources): Resources => ({ ...r, scalar: { ...r.scalar } });

/**
 * A container's requests. API defaulting copies limits into missing requests; objects written
 * before that defaulting existed here are read the same way.
 */
function containerRequests(container: Json, nonZero: boolean): Resources {
  const resources = rec(container.resources);
  const requests = { ...rec(resources.limits), ...rec(resources.requests) };
  const r = resourcesOf(requests);
  if (nonZero) {
    if (requests.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (requests.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * resource.PodRequests: the sum over containers, the largest init container (sidecars, i.e.
 * restartPolicy Always init containers, add up and stay for the pod's life), plus overhead.
 * Pod-level requests (spec.resources) win for the resources they name. With `nonZero`,
 * containers without a CPU or memory request count the scheduler's defaults (for scoring).
 */
export function podRequests(spec: Json, nonZero = false): Resources {
  const reqs = emptyResources();
  for (const c of recs(spec.containers)) addInto(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of recs(spec.initContainers)) {
    const own = containerRequests(c, nonZero);
    let effective: Resources;
    if (str(c.restartPolicy) === "Always") {
      addInto(reqs, own);
      addInto(sidecars, own);
      effective = copy(sidecars);
    } else {
      effective = copy(own);
      addInto(effective, sidecars);
    }
    maxInto(initMax, effective);
  }
  maxInto(reqs, initMax);
  const podLevel = rec(rec(spec.resources).requests);
  if (podLevel.cpu !== undefined) reqs.milliCPU = milliValue(podLevel.cpu);
  if (podLevel.memory !== undefined) reqs.memory = value(podLevel.memory);
  if (spec.overhead) addInto(reqs, resourcesOf(spec.overhead));
  return reqs;
}

export const isZero = (r: Resources): boolean =>
  r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && Object.values(r.scalar).every((v) => v === 0);
