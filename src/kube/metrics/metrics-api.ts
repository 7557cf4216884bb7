import { DEFAULT_TABLE } from "../api/object-fields.js";
import type { ResourceDescriptor } from "../api/descriptor.js";
import type { StoredObject } from "../api/types.js";
import type { FleetUsage } from "../kubelet/usage.js";

/**
 * metrics.k8s.io/v1beta1 (what metrics-server serves): NodeMetrics and PodMetrics computed from
 * the kubelet fleet's simulated usage at read time, never stored. CPU is in nanocores and memory
 * in KiB, as metrics-server writes them; `kubectl top` and the HPA controller read them.
 */

/** The resolution metrics-server reports (its scrape window). */
export const METRICS_WINDOW = "20s";
const REFUSAL = "the metrics API is read-only: metrics are computed from the nodes' usage";

const cpu = (millis: number) => `${Math.round(millis * 1e6)}n`;
const memory = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export function podMetrics(usage: FleetUsage | undefined): StoredObject[] {
  if (!usage) return [];
  const at = iso(usage.timestamp);
  return usage.pods
    .map((p) => ({
      kind: "PodMetrics",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: { name: p.name, namespace: p.namespace, creationTimestamp: at, ...(p.labels ? { labels: p.labels } : {}) },
      timestamp: at,
      window: METRICS_WINDOW,
      containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: cpu(c.cpuMillis), memory: memory(c.memoryBytes) } })),
    }))
    .sort((a, b) => (a.metadata.namespace + "/" + a.metadata.name < b.metadata.namespace + "/" + b.metadata.name ? -1 : 1));
}

export function nodeMetrics(usage: FleetUsage | undefined): StoredObject[] {
  if (!usage) return [];
  const at = iso(usage.timestamp);
  return usage.nodes
    .map((n) => ({
      kind: "NodeMetrics",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: { name: n.name, creationTimestamp: at },
      timestamp: at,
      window: METRICS_WINDOW,
      usage: { cpu: cpu(n.cpuMillis), memory: memory(n.memoryBytes) },
    }))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

const metrics = (kind: string, plural: string, singular: string, namespaced: boolean, objects: () => StoredObject[]): ResourceDescriptor => ({
  group: "metrics.k8s.io",
  version: "v1beta1",
  kind,
  plural,
  singular,
  namespaced,
  shortNames: [],
  categories: [],
  verbs: ["get", "list"],
  subresources: [],
  hasSpec: false,
  topLevelFields: namespaced ? ["timestamp", "window", "containers"] : ["timestamp", "window", "usage"],
  nameIsDnsLabel: false,
  columns: DEFAULT_TABLE.columns,
  cells: DEFAULT_TABLE.cells,
  fieldSelectors: {},
  strategy: {},
  computed: { objects, refusal: REFUSAL },
});

/** The two metrics resources over a usage source (the cluster's kubelet fleet; undefined while it has not started). */
export function metricsDescriptors(usage: () => FleetUsage | undefined): ResourceDescriptor[] {
  return [
    metrics("NodeMetrics", "nodes", "", false, () => nodeMetrics(usage())),
    metrics("PodMetrics", "pods", "", true, () => podMetrics(usage())),
  ];
}
