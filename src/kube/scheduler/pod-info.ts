import type { StoredObject } from "../api/types.js";
import { objectKey } from "../client/informer.js";
import { type Json, num, rec, recs, str, stringMap, strs, timeOf } from "./json.js";
import { podRequests, type Resources } from "./resources.js";
import { parseQuantity } from "../api/quantity.js";
import {
  compileLabelSelector,
  compileNodeSelector,
  compileNodeSelectorTerm,
  labelKeyRequirements,
  type LabelMatcher,
  type Labels,
  type NodeMatcher,
  pinnedNodeNames,
  tolerationsOf,
  type Toleration,
} from "./selectors.js";

export const DEFAULT_SCHEDULER = "default-scheduler";

/** A pod affinity / anti-affinity term, compiled (framework.AffinityTerm). */
export interface AffinityTerm {
  /** Namespaces named by the term, or the pod's own when it names none and has no namespaceSelector. */
  namespaces: Set<string>;
  /** Set when the term has a namespaceSelector (an empty one matches every namespace). */
  namespaceSelector?: LabelMatcher;
  selector: LabelMatcher;
  topologyKey: string;
  weight: number;
}

/** A topologySpreadConstraint with its defaults filled (minDomains 1, nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore). */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  selector: LabelMatcher;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** What the scheduler needs of a pod, parsed once per pod version (framework.PodInfo). */
export interface PodInfo {
  key: string;
  uid: string;
  name: string;
  namespace: string;
  pod: StoredObject;
  labels: Labels;
  priority: number;
  preemptionPolicy: string;
  schedulerName: string;
  nodeName: string;
  nominatedNodeName: string;
  deleting: boolean;
  gated: boolean;
  requests: Resources;
  /** The hot numbers, flat: requested CPU (millicores), memory and ephemeral storage (bytes). */
  cpu: number;
  memory: number;
  ephemeral: number;
  /** CPU and memory with the scheduler's defaults for containers that name none (scoring). */
  nonZeroCPU: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
  tolerations: Toleration[];
  nodeSelector: Labels;
  nodeSelectorKeys: string[];
  /** Whether the pod requests extended resources (GPUs, hugepages …). */
  hasScalarRequests: boolean;
  requiredNodeAffinity?: NodeMatcher;
  /** Nodes a `metadata.name In` required affinity pins the pod to. */
  pinnedNodes?: Set<string>;
  preferredNodeAffinity: { weight: number; match: NodeMatcher }[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
  spreadConstraints: SpreadConstraint[];
  /** status.startTime, else the creation time: how preemption orders equally important pods. */
  startTime: number;
}

export const hasPodAffinity = (p: PodInfo): boolean =>
  p.requiredAffinity.length + p.requiredAntiAffinity.length + p.preferredAffinity.length + p.preferredAntiAffinity.length > 0;

function affinityTerm(term: Json, pod: { namespace: string; labels: Labels }, weight: number): AffinityTerm {
  const extra = labelKeyRequirements(strs(term.matchLabelKeys), strs(term.mismatchLabelKeys), pod.labels);
  const named = strs(term.namespaces);
  const hasNsSelector = term.namespaceSelector !== undefined && term.namespaceSelector !== null;
  return {
    namespaces: new Set(named.length === 0 && !hasNsSelector ? [pod.namespace] : named),
    ...(hasNsSelector ? { namespaceSelector: compileLabelSelector(term.namespaceSelector) } : {}),
    selector: compileLabelSelector(term.labelSelector, extra),
    topologyKey: str(term.topologyKey),
    weight,
  };
}

function spreadConstraint(c: Json, labels: Labels): SpreadConstraint {
  const extra = labelKeyRequirements(strs(c.matchLabelKeys), [], labels);
  return {
    maxSkew: num(c.maxSkew, 1),
    topologyKey: str(c.topologyKey),
    whenUnsatisfiable: str(c.whenUnsatisfiable) || "DoNotSchedule",
    selector: compileLabelSelector(c.labelSelector, extra),
    minDomains: num(c.minDomains, 1),
    honorNodeAffinity: str(c.nodeAffinityPolicy) !== "Ignore",
    honorNodeTaints: str(c.nodeTaintsPolicy) === "Honor",
  };
}

const larger = (a: unknown, b: unknown): unknown => ((parseQuantity(b) ?? 0) > (parseQuantity(a) ?? 0) ? b : a);

/**
 * InPlacePodVerticalScaling (resource.PodRequests with UseStatusResources): a container counts the larger
 * of what its spec asks and what it runs with (status.containerStatuses[].resources) while a resize is in
 * flight, and only what it runs with when the kubelet found the resize Infeasible. The spec itself when
 * nothing differs (the common case, kept cheap).
 */
function resizeAwareSpec(spec: Json, status: Json): Json {
  const statuses = recs(status.containerStatuses);
  if (statuses.length === 0) return spec;
  const running = new Map(statuses.filter((cs) => cs.resources !== undefined).map((cs) => [str(cs.name), rec(rec(cs.resources).requests)]));
  if (running.size === 0) return spec;
  const infeasible = recs(status.conditions).some((c) => c.type === "PodResizePending" && c.reason === "Infeasible");
  let changed = false;
  const containers = recs(spec.containers).map((c) => {
    const actual = running.get(str(c.name));
    const asked = rec(rec(c.resources).requests);
    if (!actual || JSON.stringify(actual) === JSON.stringify(asked)) return c;
    const requests: Json = infeasible ? { ...actual } : { ...asked };
    if (!infeasible) for (const [name, q] of Object.entries(actual)) requests[name] = requests[name] === undefined ? q : larger(requests[name], q);
    changed = true;
    return { ...c, resources: { ...rec(c.resources), requests } };
  });
  return changed ? { ...spec, containers } : spec;
}

/** Parses a pod for scheduling. */
export function podInfoOf(pod: StoredObject): PodInfo {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const namespace = pod.metadata.namespace ?? "";
  const labels = stringMap(pod.metadata.labels);
  const self = { namespace, labels };
  const affinity = rec(spec.affinity);
  const nodeAffinity = rec(affinity.nodeAffinity);
  const podAffinity = rec(affinity.podAffinity);
  const podAntiAffinity = rec(affinity.podAntiAffinity);
  const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  const requiredSet = required !== undefined && required !== null;
  const hostPorts: HostPort[] = [];
  for (const c of recs(spec.containers)) {
    for (const p of recs(c.ports)) {
      const port = num(p.hostPort);
      if (port > 0) hostPorts.push({ ip: str(p.hostIP) || "0.0.0.0", protocol: str(p.protocol) || "TCP", port });
    }
  }
  const created = timeOf(pod.metadata.creationTimestamp);
  const nodeSelector = stringMap(spec.nodeSelector);
  const accounted = resizeAwareSpec(spec, status);
  const requests = podRequests(accounted);
  const nonZero = podRequests(accounted, true);
  return {
    key: objectKey(pod),
    uid: pod.metadata.uid ?? "",
    name: pod.metadata.name ?? "",
    namespace,
    pod,
    labels,
    priority: num(spec.priority),
    preemptionPolicy: str(spec.preemptionPolicy) || "PreemptLowerPriority",
    schedulerName: str(spec.schedulerName) || DEFAULT_SCHEDULER,
    nodeName: str(spec.nodeName),
    nominatedNodeName: str(status.nominatedNodeName),
    deleting: Boolean(pod.metadata.deletionTimestamp),
    gated: recs(spec.schedulingGates).length > 0,
    requests,
    cpu: requests.milliCPU,
    memory: requests.memory,
    ephemeral: requests.ephemeralStorage,
    nonZeroCPU: nonZero.milliCPU,
    nonZeroMemory: nonZero.memory,
    hasScalarRequests: Object.keys(requests.scalar).length > 0,
    hostPorts,
    tolerations: tolerationsOf(spec.tolerations),
    nodeSelector,
    nodeSelectorKeys: Object.keys(nodeSelector),
    ...(requiredSet ? { requiredNodeAffinity: compileNodeSelector(required) } : {}),
    ...(requiredSet ? { pinnedNodes: pinnedNodeNames(required) } : {}),
    preferredNodeAffinity: recs(nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).map((p) => ({
      weight: num(p.weight),
      match: compileNodeSelectorTerm(p.preference),
    })),
    requiredAffinity: recs(podAffinity.requiredDuringSchedulingIgnoredDuringExecution).map((t) => affinityTerm(t, self, 1)),
    requiredAntiAffinity: recs(podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).map((t) => affinityTerm(t, self, 1)),
    preferredAffinity: recs(podAffinity.preferredDuringSchedulingIgnoredDuringExecution).map((w) => affinityTerm(rec(w.podAffinityTerm), self, num(w.weight))),
    preferredAntiAffinity: recs(podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).map((w) =>
      affinityTerm(rec(w.podAffinityTerm), self, num(w.weight)),
    ),
    spreadConstraints: recs(spec.topologySpreadConstraints).map((c) => spreadConstraint(c, labels)),
    startTime: timeOf(status.startTime, created),
  };
}

/** Whether the term selects `other`, given the labels of `other`'s namespace. */
export function termMatches(term: AffinityTerm, other: PodInfo, namespaceLabels: (ns: string) => Labels): boolean {
  if (!term.namespaces.has(other.namespace) && !(term.namespaceSelector && term.namespaceSelector(namespaceLabels(other.namespace)))) return false;
  return term.selector(other.labels);
}

/** util.MoreImportantPod: higher priority first, then the one that started earlier. */
export const moreImportant = (a: PodInfo, b: PodInfo): boolean => (a.priority !== b.priority ? a.priority > b.priority : a.startTime < b.startTime);
