/**
 * The core/v1 resources served first: namespaces, nodes, pods, configmaps, secrets, services,
 * serviceaccounts, events. Facts come from kube-apiserver 1.33: discovery (verbs, short names,
 * categories, subresources), field selectors (pkg/registry/core/<kind>/strategy.go), printer
 * columns and cells (pkg/printers/internalversion/printers.go, which kube-apiserver runs with
 * Wide=true, so `cells` always includes the priority-1 columns) and ConfigMap/Secret validation.
 */
import type { PrinterColumn, ResourceDescriptor } from "./descriptor.js";
import type { KubeObject, StoredObject } from "./types.js";
import { age, humanDuration } from "./human-duration.js";
import {
  normalizeConfigMap,
  normalizeSecret,
  validateConfigMap,
  validateConfigMapUpdate,
  validateSecret,
  validateSecretUpdate,
} from "./core-v1-validation.js";

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const recs = (v: unknown): J[] => (Array.isArray(v) ? v.filter((x): x is J => x !== null && typeof x === "object" && !Array.isArray(x)) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const int = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0);
const keyCount = (v: unknown): number => Object.keys(rec(v)).length;
const orNone = (s: string): string => (s === "" ? "<none>" : s);

/** labels.FormatLabels: sorted `k=v` pairs, or "<none>". */
export function formatLabels(labels: unknown): string {
  const pairs = Object.entries(rec(labels))
    .map(([k, v]) => `${k}=${str(v)}`)
    .sort();
  return pairs.length === 0 ? "<none>" : pairs.join(",");
}

/** The verbs of a resource served by the generic store. */
export const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** SwaggerDoc() strings that printers.go uses as column descriptions (k8s.io/api types_swagger_doc_generated.go). */
const DOC = {
  name:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  creationTimestamp:
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  podIP: "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
  nodeName:
    "NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.",
  nominatedNodeName:
    "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
  readinessGates:
    'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
  kubeletVersion: "Kubelet Version reported by the node.",
  addresses:
    "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
  osImage: "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
  kernelVersion: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
  containerRuntimeVersion: "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
  configMapData:
    "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
  secretType: "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
  secretData:
    "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
  serviceType:
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  clusterIP:
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  externalIPs:
    "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.",
  ports: "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
  selector:
    "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/",
  serviceAccountSecrets:
    'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
  eventLastTimestamp: "The time at which the most recent occurrence of this event was recorded.",
  eventType: "Type of this event (Normal, Warning), new types could be added in the future",
  eventReason: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  eventInvolvedObject: "The object that this event is about.",
  fieldPath:
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
  eventSource: "The component reporting this event. Should be a short machine understandable string.",
  eventMessage: "A human-readable description of the status of this operation.",
  eventFirstTimestamp: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
  eventCount: "The number of times this event has occurred.",
} as const;

/** A printer column; priority 1 columns show only with `-o wide`. */
export const col = (name: string, description: string, priority: 0 | 1 = 0, type: PrinterColumn["type"] = "string"): PrinterColumn => ({
  name,
  type,
  description,
  priority,
});
/** The Name column every printer starts with (ObjectMeta's name doc). */
export const nameCol = (priority: 0 | 1 = 0): PrinterColumn => ({ name: "Name", type: "string", format: "name", description: DOC.name, priority });
/** The Age column (ObjectMeta's creationTimestamp doc). */
export const ageCol = (): PrinterColumn => col("Age", DOC.creationTimestamp);

const nameOf = (obj: StoredObject) => obj.metadata.name ?? "";
const ageOf = (obj: StoredObject, now: Date) => age(obj.metadata.creationTimestamp, now);
const since = (ms: number, now: Date) => humanDuration(now.getTime() - ms);
const timeOf = (v: unknown): number | undefined => {
  const t = typeof v === "string" && v !== "" ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

/** Primary pod IP as the internal type has it: v1 status.podIP wins over podIPs[0] (Convert_v1_PodStatus_To_core_PodStatus). */
const podIP = (status: J): string => str(status.podIP) || str(recs(status.podIPs)[0]?.ip);

const isRestartableInit = (c: J | undefined): boolean => c?.restartPolicy === "Always";

/** printers.go printPod, with Wide=true. */
function podCells(pod: StoredObject, now: Date): unknown[] {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const conditions = recs(status.conditions);
  const phase = str(status.phase);
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = recs(spec.containers).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;
  const later = (cur: number | undefined, finishedAt: unknown) => {
    const t = timeOf(finishedAt);
    return t !== undefined && (cur === undefined || cur < t) ? t : cur;
  };

  let reason = str(status.reason) || phase;
  for (const c of conditions) if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";

  const initSpecs = recs(spec.initContainers);
  const initByName = new Map(initSpecs.map((c) => [str(c.name), c]));
  for (const c of initSpecs) if (isRestartableInit(c)) totalContainers++;

  let initializing = false;
  const initStatuses = recs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const state = rec(cs.state);
    const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
    const waiting = state.waiting === undefined ? undefined : rec(state.waiting);
    const lastTerminated = rec(cs.lastState).terminated;
    restarts += int(cs.restartCount);
    if (lastTerminated !== undefined) lastRestart = later(lastRestart, rec(lastTerminated).finishedAt);
    const restartable = isRestartableInit(initByName.get(str(cs.name)));
    if (restartable) {
      restartableInitRestarts += int(cs.restartCount);
      if (lastTerminated !== undefined) lastRestartableInitRestart = later(lastRestartableInitRestart, rec(lastTerminated).finishedAt);
    }
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      if (str(terminated.reason) === "") {
        reason = int(terminated.signal) !== 0 ? `Init:Signal:${int(terminated.signal)}` : `Init:ExitCode:${int(terminated.exitCode)}`;
      } else {
        reason = `Init:${str(terminated.reason)}`;
      }
    } else if (waiting && str(waiting.reason) !== "" && waiting.reason !== "PodInitializing") {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  const initialized = conditions.find((c) => c.type === "Initialized")?.status === "True";
  if (!initializing || initialized) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = recs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      const state = rec(cs.state);
      const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
      const waiting = state.waiting === undefined ? undefined : rec(state.waiting);
      restarts += int(cs.restartCount);
      const lastTerminated = rec(cs.lastState).terminated;
      if (lastTerminated !== undefined) lastRestart = later(lastRestart, rec(lastTerminated).finishedAt);
      if (waiting && str(waiting.reason) !== "") reason = str(waiting.reason);
      else if (terminated && str(terminated.reason) !== "") reason = str(terminated.reason);
      else if (terminated) reason = int(terminated.signal) !== 0 ? `Signal:${int(terminated.signal)}` : `ExitCode:${int(terminated.exitCode)}`;
      else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      reason = conditions.some((c) => c.type === "Ready" && c.status === "True") ? "Running" : "NotReady";
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";

  const restartsCell = restarts !== 0 && lastRestart !== undefined ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts);

  let readinessGates = "<none>";
  const gates = recs(spec.readinessGates);
  if (gates.length > 0) {
    let trueConditions = 0;
    for (const gate of gates) {
      const c = conditions.find((x) => x.type === gate.conditionType);
      if (c?.status === "True") trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }

  return [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    ageOf(pod, now),
    orNone(podIP(status)),
    orNone(str(spec.nodeName)),
    orNone(str(status.nominatedNodeName)),
    readinessGates,
  ];
}

/** printers.go printNode, with Wide=true. */
function nodeCells(node: StoredObject, now: Date): unknown[] {
  const spec = rec(node.spec);
  const status = rec(node.status);
  const info = rec(status.nodeInfo);
  const states: string[] = [];
  const ready = recs(status.conditions).filter((c) => c.type === "Ready").pop();
  if (ready) states.push(ready.status === "True" ? "Ready" : "NotReady");
  else states.push("Unknown");
  if (spec.unschedulable === true) states.push("SchedulingDisabled");

  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v !== "") roles.add(v);
  }
  const address = (type: string) => str(recs(status.addresses).find((a) => a.type === type)?.address) || "<none>";
  const unknown = (s: string) => s || "<unknown>";
  return [
    nameOf(node),
    states.join(","),
    orNone([...roles].sort().join(",")),
    ageOf(node, now),
    str(info.kubeletVersion),
    address("InternalIP"),
    address("ExternalIP"),
    unknown(str(info.osImage)),
    unknown(str(info.kernelVersion)),
    unknown(str(info.containerRuntimeVersion)),
  ];
}

/**
 * printers.go printService, with Wide=true (so load-balancer addresses are never clipped).
 * type and port protocol print their v1 defaults (ClusterIP, TCP) when absent: stored
 * objects always carry them upstream.
 */
function serviceCells(svc: StoredObject, now: Date): unknown[] {
  const spec = rec(svc.spec);
  const type = str(spec.type) || "ClusterIP";
  const clusterIPs = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map(str) : [];
  const internalIP = clusterIPs[0] || str(spec.clusterIP) || "<none>";
  const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs.map(str) : [];

  let externalIP: string;
  switch (type) {
    case "ClusterIP":
    case "NodePort":
      externalIP = externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
      break;
    case "LoadBalancer": {
      const lb = new Set<string>();
      for (const ing of recs(rec(rec(svc.status).loadBalancer).ingress)) {
        if (str(ing.ip)) lb.add(str(ing.ip));
        else if (str(ing.hostname)) lb.add(str(ing.hostname));
      }
      const lbIPs = [...lb].sort();
      if (externalIPs.length > 0) externalIP = [...lbIPs, ...externalIPs].join(",");
      else externalIP = lbIPs.length > 0 ? lbIPs.join(",") : "<pending>";
      break;
    }
    case "ExternalName":
      externalIP = str(spec.externalName);
      break;
    default:
      externalIP = "<unknown>";
  }

  const ports = recs(spec.ports).map((p) => {
    const protocol = str(p.protocol) || "TCP";
    return int(p.nodePort) > 0 ? `${int(p.port)}:${int(p.nodePort)}/${protocol}` : `${int(p.port)}/${protocol}`;
  });

  return [nameOf(svc), type, internalIP, externalIP, orNone(ports.join(",")), ageOf(svc, now), formatLabels(spec.selector)];
}

/** printers.go printEvent, with Wide=true; the cells follow the column order. */
function eventCells(ev: StoredObject, now: Date): unknown[] {
  const stamp = (v: unknown) => {
    const t = timeOf(v);
    return t === undefined ? "<unknown>" : since(t, now);
  };
  const firstTimestamp = timeOf(ev.firstTimestamp) === undefined ? stamp(ev.eventTime) : stamp(ev.firstTimestamp);
  let lastTimestamp = timeOf(ev.lastTimestamp) === undefined ? firstTimestamp : stamp(ev.lastTimestamp);
  let count = int(ev.count);
  if (ev.series !== undefined && ev.series !== null) {
    const series = rec(ev.series);
    lastTimestamp = stamp(series.lastObservedTime);
    count = int(series.count);
  } else if (count === 0) {
    count = 1;
  }
  const involved = rec(ev.involvedObject);
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  const source = rec(ev.source);
  const component = str(source.component) || str(ev.reportingComponent);
  const instance = str(source.host) || str(ev.reportingInstance);
  return [
    lastTimestamp,
    str(ev.type),
    str(ev.reason),
    target,
    str(involved.fieldPath),
    instance ? `${component}, ${instance}` : component,
    str(ev.message).trim(),
    firstTimestamp,
    count,
    nameOf(ev),
  ];
}

const core = (
  d: Omit<ResourceDescriptor, "group" | "version" | "verbs" | "categories" | "subresources" | "shortNames" | "strategy"> &
    Partial<Pick<ResourceDescriptor, "verbs" | "categories" | "subresources" | "shortNames" | "strategy">>,
): ResourceDescriptor => ({
  group: "",
  version: "v1",
  verbs: [...ALL_VERBS],
  categories: [],
  subresources: [],
  shortNames: [],
  strategy: {},
  ...d,
});

/**
 * core/v1 resource descriptors.
 *
 * hasSpec (metadata.generation): of these kinds only Pod sets and bumps metadata.generation,
 * since 1.33 (kubernetes#130181, ungated). Namespace, Node and Service have a spec but their
 * strategies never touch generation, so their objects carry none.
 */
export const CORE_V1: ResourceDescriptor[] = [
  core({
    kind: "Namespace",
    plural: "namespaces",
    singular: "namespace",
    namespaced: false,
    // The namespace REST storage has no DeleteCollection.
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    shortNames: ["ns"],
    subresources: ["finalize", "status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    nameIsDnsLabel: true,
    columns: [nameCol(), col("Status", "The status of the namespace"), ageCol()],
    cells: (o, now) => [nameOf(o), str(rec(o.status).phase), ageOf(o, now)],
    fieldSelectors: {
      "status.phase": (o) => str(rec(o.status).phase),
      // Upstream keeps this for backward compatibility ("This is a bug, but we need to support it").
      name: (o) => o.metadata?.name ?? "",
    },
  }),
  core({
    kind: "Node",
    plural: "nodes",
    singular: "node",
    namespaced: false,
    shortNames: ["no"],
    // nodes/proxy exists upstream too; it is served with the proxy work.
    subresources: ["status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    nameIsDnsLabel: false,
    columns: [
      nameCol(),
      col("Status", "The status of the node"),
      col("Roles", "The roles of the node"),
      ageCol(),
      col("Version", DOC.kubeletVersion),
      col("Internal-IP", DOC.addresses, 1),
      col("External-IP", DOC.addresses, 1),
      col("OS-Image", DOC.osImage, 1),
      col("Kernel-Version", DOC.kernelVersion, 1),
      col("Container-Runtime", DOC.containerRuntimeVersion, 1),
    ],
    cells: nodeCells,
    fieldSelectors: {
      "spec.unschedulable": (o) => String(rec(o.spec).unschedulable === true),
    },
  }),
  core({
    kind: "Pod",
    plural: "pods",
    singular: "pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    // ephemeralcontainers and resize write parts of the Pod; attach, exec, portforward and proxy are refused
    // honestly (apiserver/pod-connect.ts): no process backs a simulated container.
    subresources: ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "resize", "status"],
    subresourceKinds: {
      attach: { group: "", version: "v1", kind: "PodAttachOptions" },
      binding: { group: "", version: "v1", kind: "Binding" },
      eviction: { group: "policy", version: "v1", kind: "Eviction" },
      exec: { group: "", version: "v1", kind: "PodExecOptions" },
      portforward: { group: "", version: "v1", kind: "PodPortForwardOptions" },
      proxy: { group: "", version: "v1", kind: "PodProxyOptions" },
    },
    hasSpec: true,
    topLevelFields: ["spec", "status"],
    nameIsDnsLabel: false,
    columns: [
      nameCol(),
      col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
      col("Status", "The aggregate status of the containers in this pod."),
      col("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
      ageCol(),
      col("IP", DOC.podIP, 1),
      col("Node", DOC.nodeName, 1),
      col("Nominated Node", DOC.nominatedNodeName, 1),
      col("Readiness Gates", DOC.readinessGates, 1),
    ],
    cells: podCells,
    fieldSelectors: {
      "spec.nodeName": (o) => str(rec(o.spec).nodeName),
      "spec.restartPolicy": (o) => str(rec(o.spec).restartPolicy),
      "spec.schedulerName": (o) => str(rec(o.spec).schedulerName),
      "spec.serviceAccountName": (o) => str(rec(o.spec).serviceAccountName),
      "spec.hostNetwork": (o) => String(rec(o.spec).hostNetwork === true),
      "status.phase": (o) => str(rec(o.status).phase),
      "status.podIP": (o) => podIP(rec(o.status)),
      "status.nominatedNodeName": (o) => str(rec(o.status).nominatedNodeName),
    },
  }),
  core({
    kind: "ConfigMap",
    plural: "configmaps",
    singular: "configmap",
    namespaced: true,
    shortNames: ["cm"],
    hasSpec: false,
    topLevelFields: ["data", "binaryData", "immutable"],
    nameIsDnsLabel: false,
    columns: [nameCol(), col("Data", DOC.configMapData), ageCol()],
    cells: (o, now) => [nameOf(o), keyCount(o.data) + keyCount(o.binaryData), ageOf(o, now)],
    fieldSelectors: {},
    strategy: {
      prepareForCreate: normalizeConfigMap,
      prepareForUpdate: (obj) => normalizeConfigMap(obj),
      validate: validateConfigMap,
      validateUpdate: validateConfigMapUpdate,
    },
  }),
  core({
    kind: "Secret",
    plural: "secrets",
    singular: "secret",
    namespaced: true,
    hasSpec: false,
    topLevelFields: ["data", "stringData", "type", "immutable"],
    nameIsDnsLabel: false,
    columns: [nameCol(), col("Type", DOC.secretType), col("Data", DOC.secretData), ageCol()],
    cells: (o, now) => [nameOf(o), str(o.type), Object.keys({ ...rec(o.data), ...rec(o.stringData) }).length, ageOf(o, now)],
    fieldSelectors: {
      type: (o) => str(o.type),
    },
    strategy: {
      prepareForCreate: normalizeSecret,
      prepareForUpdate: (obj) => normalizeSecret(obj),
      validate: validateSecret,
      validateUpdate: validateSecretUpdate,
    },
  }),
  core({
    kind: "Service",
    plural: "services",
    singular: "service",
    namespaced: true,
    shortNames: ["svc"],
    categories: ["all"],
    // services/proxy exists upstream too; it is served with the proxy work.
    subresources: ["status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    nameIsDnsLabel: true,
    columns: [
      nameCol(),
      col("Type", DOC.serviceType),
      col("Cluster-IP", DOC.clusterIP),
      col("External-IP", DOC.externalIPs),
      col("Port(s)", DOC.ports),
      ageCol(),
      col("Selector", DOC.selector, 1),
    ],
    cells: serviceCells,
    // Since 1.31 (kubernetes#123905): kubelet and kube-proxy watch with spec.clusterIP!=None.
    fieldSelectors: {
      "spec.clusterIP": (o) => str(rec(o.spec).clusterIP),
      "spec.type": (o) => str(rec(o.spec).type),
    },
  }),
  core({
    kind: "ServiceAccount",
    plural: "serviceaccounts",
    singular: "serviceaccount",
    namespaced: true,
    shortNames: ["sa"],
    // serviceaccounts/token (TokenRequest) comes with the token work.
    hasSpec: false,
    topLevelFields: ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
    nameIsDnsLabel: false,
    columns: [nameCol(), col("Secrets", DOC.serviceAccountSecrets), ageCol()],
    cells: (o, now) => [nameOf(o), Array.isArray(o.secrets) ? o.secrets.length : 0, ageOf(o, now)],
    fieldSelectors: {},
  }),
  core({
    kind: "Event",
    plural: "events",
    singular: "event",
    namespaced: true,
    shortNames: ["ev"],
    hasSpec: false,
    topLevelFields: [
      "involvedObject",
      "reason",
      "message",
      "source",
      "firstTimestamp",
      "lastTimestamp",
      "count",
      "type",
      "eventTime",
      "series",
      "action",
      "related",
      "reportingComponent",
      "reportingInstance",
    ],
    nameIsDnsLabel: false,
    columns: [
      col("Last Seen", DOC.eventLastTimestamp),
      col("Type", DOC.eventType),
      col("Reason", DOC.eventReason),
      col("Object", DOC.eventInvolvedObject),
      col("Subobject", DOC.fieldPath, 1),
      col("Source", DOC.eventSource, 1),
      col("Message", DOC.eventMessage),
      col("First Seen", DOC.eventFirstTimestamp, 1),
      col("Count", DOC.eventCount, 1),
      nameCol(1),
    ],
    cells: eventCells,
    fieldSelectors: {
      "involvedObject.kind": (o) => str(rec(o.involvedObject).kind),
      "involvedObject.namespace": (o) => str(rec(o.involvedObject).namespace),
      "involvedObject.name": (o) => str(rec(o.involvedObject).name),
      "involvedObject.uid": (o) => str(rec(o.involvedObject).uid),
      "involvedObject.apiVersion": (o) => str(rec(o.involvedObject).apiVersion),
      "involvedObject.resourceVersion": (o) => str(rec(o.involvedObject).resourceVersion),
      "involvedObject.fieldPath": (o) => str(rec(o.involvedObject).fieldPath),
      reason: (o) => str(o.reason),
      reportingComponent: (o) => str(o.reportingComponent),
      source: (o: KubeObject) => str(rec(o.source).component) || str(o.reportingComponent),
      type: (o) => str(o.type),
    },
  }),
];
