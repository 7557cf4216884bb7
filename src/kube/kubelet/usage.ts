import type { StoredObject } from "../api/types.js";
import type { NodeAgent } from "./node-agent.js";
import type { PodRuntime } from "./pod-runtime.js";

/**
 * The simulated resource use the kubelets would report through their Summary API (what
 * metrics-server scrapes): per running container from `minieks.io/cpu-usage` and
 * `minieks.io/memory-usage` (small defaults otherwise), per node the sum of its pods plus what the
 * OS, kubelet and containerd use.
 */

export interface ContainerUsage {
  name: string;
  cpuMillis: number;
  memoryBytes: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  node: string;
  containers: ContainerUsage[];
  /** The pod's labels (PodMetrics carry them, so label selectors work on metrics). */
  labels?: Record<string, string>;
}

export interface NodeUsage {
  name: string;
  cpuMillis: number;
  memoryBytes: number;
}

export interface FleetUsage {
  timestamp: Date;
  pods: PodUsage[];
  nodes: NodeUsage[];
}

/** What a node uses with no pods: the OS, kubelet and containerd. */
export const NODE_BASE_CPU_MILLIS = 20;
export const NODE_BASE_MEMORY_BYTES = 350 * 1024 * 1024;

export function fleetUsage(
  now: Date,
  agents: Map<string, NodeAgent>,
  runtimes: Map<string, PodRuntime>,
  podOf: (key: string) => StoredObject | undefined,
): FleetUsage {
  const pods: PodUsage[] = [];
  const perNode = new Map<string, NodeUsage>();
  for (const [name, agent] of agents) {
    if (agent.isReady) perNode.set(name, { name, cpuMillis: NODE_BASE_CPU_MILLIS, memoryBytes: NODE_BASE_MEMORY_BYTES });
  }
  for (const [key, rt] of runtimes) {
    const pod = podOf(key);
    const node = String((pod?.spec as { nodeName?: string } | undefined)?.nodeName ?? "");
    const nodeUsage = perNode.get(node);
    if (!pod || !nodeUsage) continue;
    const containers = rt.containers
      .filter((c) => c.isRunning())
      .map((c) => ({ name: c.name, cpuMillis: c.behaviour.cpuMillis, memoryBytes: c.behaviour.memoryBytes }));
    if (containers.length === 0) continue;
    pods.push({ namespace: rt.pod.namespace, name: rt.pod.name, node, containers, ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}) });
    for (const c of containers) {
      nodeUsage.cpuMillis += c.cpuMillis;
      nodeUsage.memoryBytes += c.memoryBytes;
    }
  }
  return { timestamp: now, pods, nodes: [...perNode.values()] };
}
