import { rec, recs, str } from "./json.js";
import { type CycleState, cloneState, type FrameworkHandle, type SchedulingAlgorithm, updateStateWithPod } from "./framework.js";
import { cloneNodeInfo, type NodeInfo, addPod, removePod } from "./node-info.js";
import { moreImportant, type PodInfo } from "./pod-info.js";
import type { LabelMatcher } from "./selectors.js";
import { type Diagnosis, fitErrorMessage, type NodeStatus, unresolvable } from "./status.js";

/** What preemption needs to know of a PodDisruptionBudget. */
export interface PdbInfo {
  namespace: string;
  /** Undefined for a missing or empty selector (a PDB that selects nothing). */
  selector?: LabelMatcher;
  disruptionsAllowed: number;
  disruptedPods: Set<string>;
}

export interface PreemptionHandle extends FrameworkHandle {
  algorithm: SchedulingAlgorithm;
  pdbs(): PdbInfo[];
}

export type PreemptionOutcome =
  /** Victims to evict so that the pod fits on `node` once they are gone; the pod is nominated there. */
  | { kind: "preempt"; node: string; victims: PodInfo[]; lowerNominated: PodInfo[] }
  /** No preemption. `message` is the PostFilter message; `clearNomination` drops a stale nominatedNodeName. */
  | { kind: "none"; message: string; clearNomination: boolean };

/** DefaultPreemptionArgs defaults. */
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

const NOT_HELPFUL = "Preemption is not helpful for scheduling";

/** A pod being terminated because the scheduler preempted it (DisruptionTarget, reason PreemptionByScheduler). */
function terminatingByPreemption(p: PodInfo): boolean {
  if (!p.deleting) return false;
  const condition = recs(rec(p.pod.status).conditions).find((c) => str(c.type) === "DisruptionTarget");
  return str(condition?.status) === "True" && str(condition?.reason) === "PreemptionByScheduler";
}

interface Candidate {
  node: string;
  victims: PodInfo[];
  pdbViolations: number;
}

/**
 * DefaultPreemption (PostFilter): when the pod fits nowhere, finds nodes where evicting
 * lower-priority pods would make room, chooses one as upstream does (fewest PDB violations,
 * lowest highest victim priority, smallest priority sum, fewest victims, latest start), and
 * returns the victims. The caller evicts them and nominates the pod to the node.
 */
export function preempt(pod: PodInfo, diagnosis: Diagnosis, state: CycleState, handle: PreemptionHandle): PreemptionOutcome {
  const message = (m: string) => `preemption: ${m}`;
  if (pod.preemptionPolicy === "Never") return { kind: "none", message: message("not eligible due to preemptionPolicy=Never."), clearNomination: false };
  if (pod.nominatedNodeName) {
    const status = diagnosis.statuses.get(pod.nominatedNodeName) ?? diagnosis.absent;
    const nominated = handle.cache.nodes.get(pod.nominatedNodeName);
    if (status?.code !== "UnschedulableAndUnresolvable" && nominated) {
      for (const p of nominated.pods.values()) {
        if (p.priority < pod.priority && terminatingByPreemption(p)) {
          return { kind: "none", message: message("not eligible due to a terminating pod on the nominated node."), clearNomination: false };
        }
      }
    }
  }
  const allNodes = handle.cache.nodeList();
  const potential = allNodes.filter((n) => diagnosis.statuses.get(n.name)?.code === "Unschedulable");
  const noCandidates = (statuses: Map<string, NodeStatus>) => {
    const fit: Diagnosis = { numAllNodes: allNodes.length, statuses, absent: unresolvable("DefaultPreemption", NOT_HELPFUL) };
    return { kind: "none" as const, message: message(fitErrorMessage(fit)), clearNomination: true };
  };
  if (potential.length === 0) return noCandidates(new Map());

  const pdbs = handle.pdbs();
  const wanted = Math.min(potential.length, Math.max(MIN_CANDIDATE_NODES_ABSOLUTE, Math.trunc((potential.length * MIN_CANDIDATE_NODES_PERCENTAGE) / 100)));
  const offset = Math.floor(handle.random() * potential.length);
  const statuses = new Map<string, NodeStatus>();
  const nonViolating: Candidate[] = [];
  const violating: Candidate[] = [];
  for (let i = 0; i < potential.length; i++) {
    const node = potential[(offset + i) % potential.length] as NodeInfo;
    const result = selectVictimsOnNode(pod, node, state, handle, pdbs);
    if ("status" in result) {
      statuses.set(node.name, result.status);
      continue;
    }
    (result.pdbViolations === 0 ? nonViolating : violating).push({ node: node.name, ...result });
    if (nonViolating.length > 0 && nonViolating.length + violating.length >= wanted) break;
  }
  const candidates = [...nonViolating, ...violating];
  if (candidates.length === 0) return noCandidates(statuses);
  const best = pickOneNodeForPreemption(candidates);
  const lowerNominated = handle.nominatedPods(best.node).filter((p) => p.key !== pod.key && p.priority < pod.priority);
  return { kind: "preempt", node: best.node, victims: best.victims, lowerNominated };
}

function selectVictimsOnNode(
  pod: PodInfo,
  original: NodeInfo,
  cycleState: CycleState,
  handle: PreemptionHandle,
  pdbs: PdbInfo[],
): { victims: PodInfo[]; pdbViolations: number } | { status: NodeStatus } {
  const node = cloneNodeInfo(original);
  const state = cloneState(cycleState);
  const nsLabels = (ns: string) => handle.namespaceLabels(ns);
  const remove = (p: PodInfo) => {
    removePod(node, p.key);
    updateStateWithPod(state, p, node, -1, nsLabels);
  };
  const add = (p: PodInfo) => {
    addPod(node, p);
    updateStateWithPod(state, p, node, 1, nsLabels);
  };
  const potential = [...node.pods.values()].filter((p) => p.priority < pod.priority);
  potential.forEach(remove);
  if (potential.length === 0) return { status: unresolvable("DefaultPreemption", "No preemption victims found for incoming pod") };
  const fits = () => handle.algorithm.runFilters(state, node);
  const first = fits();
  if (first) return { status: first };
  potential.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
  const [violatingPods, nonViolatingPods] = splitByPdbViolation(potential, pdbs);
  const victims: PodInfo[] = [];
  let pdbViolations = 0;
  const reprieve = (p: PodInfo): boolean => {
    add(p);
    if (!fits()) return true;
    remove(p);
    victims.push(p);
    return false;
  };
  for (const p of violatingPods) if (!reprieve(p)) pdbViolations++;
  for (const p of nonViolatingPods) reprieve(p);
  if (violatingPods.length > 0 && nonViolatingPods.length > 0) victims.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
  return { victims, pdbViolations };
}

/** filterPodsWithPDBViolation: pods whose eviction would take a matching PDB below zero allowed disruptions. */
function splitByPdbViolation(pods: PodInfo[], pdbs: PdbInfo[]): [PodInfo[], PodInfo[]] {
  const allowed = pdbs.map((p) => p.disruptionsAllowed);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const p of pods) {
    let violated = false;
    if (Object.keys(p.labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        if (pdb.namespace !== p.namespace || !pdb.selector || !pdb.selector(p.labels) || pdb.disruptedPods.has(p.name)) return;
        allowed[i] = (allowed[i] ?? 0) - 1;
        if ((allowed[i] ?? 0) < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(p);
  }
  return [violating, nonViolating];
}

/** Upstream's pickOneNodeForPreemption criteria, each breaking the ties of the one before. */
function pickOneNodeForPreemption(candidates: Candidate[]): Candidate {
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.pdbViolations,
    (c) => -(c.victims[0]?.priority ?? 0),
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => {
      // The earliest start among the highest-priority victims: later is better.
      const top = c.victims[0]?.priority ?? 0;
      return Math.min(...c.victims.filter((v) => v.priority === top).map((v) => v.startTime));
    },
  ];
  let pool = candidates;
  for (const score of criteria) {
    if (pool.length === 1) break;
    const best = Math.max(...pool.map(score));
    pool = pool.filter((c) => score(c) === best);
  }
  return pool[0] as Candidate;
}
