/**
 * A plugin's verdict on one node (framework.Status, the rejecting codes only). Unschedulable
 * nodes may be helped by preempting pods; UnschedulableAndUnresolvable ones may not.
 */
export type RejectCode = "Unschedulable" | "UnschedulableAndUnresolvable";

export interface NodeStatus {
  code: RejectCode;
  reasons: string[];
  plugin: string;
}

export const unschedulable = (plugin: string, ...reasons: string[]): NodeStatus => ({ code: "Unschedulable", reasons, plugin });
export const unresolvable = (plugin: string, ...reasons: string[]): NodeStatus => ({ code: "UnschedulableAndUnresolvable", reasons, plugin });

/**
 * Why no node fits (framework.FitError / Diagnosis): statuses of the nodes that were evaluated,
 * one status for every node that was not (e.g. outside a PreFilter result), and the messages of
 * PreFilter and PostFilter (preemption).
 */
export interface Diagnosis {
  numAllNodes: number;
  statuses: Map<string, NodeStatus>;
  absent?: NodeStatus;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

/**
 * FitError.Error(): "0/N nodes are available: <reasons>. preemption: …". Reasons are counted
 * per node and sorted as strings ("1 node(s) …" before "2 …"), exactly as upstream prints them.
 */
export function fitErrorMessage(d: Diagnosis): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const status of d.statuses.values()) for (const r of status.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absentNodes = d.numAllNodes - d.statuses.size;
    if (absentNodes > 0 && d.absent) for (const r of d.absent.reasons) counts.set(r, (counts.get(r) ?? 0) + absentNodes);
    const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(goStringLess);
    if (parts.length > 0) msg += ` ${parts.join(", ")}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

/** sort.Strings order: by UTF-8 bytes, which for these ASCII messages is code-unit order. */
const goStringLess = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
