import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CORE_V1, formatLabels } from "./core-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const now = new Date("2025-06-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString().replace(/\.\d+Z$/, "Z");
const MIN = 60_000;
const byKind = (kind: string): ResourceDescriptor => {
  const d = CORE_V1.find((x) => x.kind === kind);
  assert.ok(d, kind);
  return d;
};
const obj = (o: Partial<StoredObject> & { metadata?: StoredObject["metadata"] }): StoredObject => ({
  ...o,
  metadata: { name: "x", creationTimestamp: ago(5 * MIN), ...o.metadata },
});
const columns = (kind: string) => byKind(kind).columns.map((c) => `${c.name}${c.priority ? "*" : ""}`);

describe("CORE_V1 discovery facts", () => {
  it("lists the eight kinds with their plurals, short names and categories", () => {
    assert.deepEqual(
      CORE_V1.map((d) => [d.plural, d.kind, d.singular, d.namespaced, d.shortNames.join(","), d.categories.join(",")]),
      [
        ["namespaces", "Namespace", "namespace", false, "ns", ""],
        ["nodes", "Node", "node", false, "no", ""],
        ["pods", "Pod", "pod", true, "po", "all"],
        ["configmaps", "ConfigMap", "configmap", true, "cm", ""],
        ["secrets", "Secret", "secret", true, "", ""],
        ["services", "Service", "service", true, "svc", "all"],
        ["serviceaccounts", "ServiceAccount", "serviceaccount", true, "sa", ""],
        ["events", "Event", "event", true, "ev", ""],
      ],
    );
    for (const d of CORE_V1) assert.equal(d.group, "");
  });

  it("has deletecollection everywhere but namespaces", () => {
    assert.deepEqual(byKind("Namespace").verbs, ["create", "delete", "get", "list", "patch", "update", "watch"]);
    for (const d of CORE_V1.filter((x) => x.kind !== "Namespace")) assert.ok(d.verbs.includes("deletecollection"), d.kind);
  });

  it("lists status (and namespace finalize) subresources", () => {
    assert.deepEqual(byKind("Namespace").subresources, ["finalize", "status"]);
    assert.deepEqual(byKind("Pod").subresources, ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "resize", "status"]);
    assert.deepEqual(byKind("Node").subresources, ["status"]);
    assert.deepEqual(byKind("Service").subresources, ["status"]);
    assert.deepEqual(byKind("ConfigMap").subresources, []);
  });

  it("keeps generation only for pods and DNS labels for namespaces and services", () => {
    assert.deepEqual(CORE_V1.filter((d) => d.hasSpec).map((d) => d.kind), ["Pod"]);
    assert.deepEqual(CORE_V1.filter((d) => d.nameIsDnsLabel).map((d) => d.kind), ["Namespace", "Service"]);
  });

  it("does not share mutable arrays between descriptors", () => {
    assert.notEqual(byKind("Pod").verbs, byKind("Node").verbs);
  });
});

describe("printer columns", () => {
  it("match printers.go names and priorities (* = wide)", () => {
    assert.deepEqual(columns("Pod"), ["Name", "Ready", "Status", "Restarts", "Age", "IP*", "Node*", "Nominated Node*", "Readiness Gates*"]);
    assert.deepEqual(columns("Node"), ["Name", "Status", "Roles", "Age", "Version", "Internal-IP*", "External-IP*", "OS-Image*", "Kernel-Version*", "Container-Runtime*"]);
    assert.deepEqual(columns("Namespace"), ["Name", "Status", "Age"]);
    assert.deepEqual(columns("ConfigMap"), ["Name", "Data", "Age"]);
    assert.deepEqual(columns("Secret"), ["Name", "Type", "Data", "Age"]);
    assert.deepEqual(columns("Service"), ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector*"]);
    assert.deepEqual(columns("ServiceAccount"), ["Name", "Secrets", "Age"]);
    assert.deepEqual(columns("Event"), ["Last Seen", "Type", "Reason", "Object", "Subobject*", "Source*", "Message", "First Seen*", "Count*", "Name*"]);
  });

  it("gives every Name column the name format and every column a description", () => {
    for (const d of CORE_V1) {
      const names = d.columns.filter((c) => c.name === "Name");
      assert.equal(names.length, 1, d.kind);
      assert.equal(names[0]!.format, "name");
      for (const c of d.columns) assert.ok(c.description.length > 10, `${d.kind} ${c.name}`);
    }
    assert.equal(byKind("Pod").columns[3]!.type, "string");
  });

  it("yields one cell per column, even for bare objects", () => {
    for (const d of CORE_V1) {
      assert.equal(d.cells(obj({}), now).length, d.columns.length, d.kind);
      assert.equal(d.cells({ metadata: {} }, now).length, d.columns.length, d.kind);
    }
  });
});

describe("pod cells", () => {
  const cells = (pod: Partial<StoredObject>) => byKind("Pod").cells(obj(pod), now);
  const running = (name: string, extra: Record<string, unknown> = {}) => ({ name, ready: true, restartCount: 0, state: { running: { startedAt: ago(4 * MIN) } }, ...extra });

  it("prints a running pod", () => {
    assert.deepEqual(
      cells({
        spec: { nodeName: "ip-10-0-1-5", containers: [{ name: "a" }, { name: "b" }] },
        status: { phase: "Running", podIP: "10.0.1.9", podIPs: [{ ip: "10.0.1.9" }], containerStatuses: [running("a"), running("b")] },
      }),
      ["x", "2/2", "Running", "0", "5m", "10.0.1.9", "ip-10-0-1-5", "<none>", "<none>"],
    );
  });

  it("prints a pending pod without IP or node", () => {
    assert.deepEqual(cells({ spec: { containers: [{ name: "a" }] }, status: { phase: "Pending" } }), ["x", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>"]);
  });

  it("shows the waiting reason and when the last restart happened", () => {
    const c = cells({
      spec: { containers: [{ name: "a" }] },
      status: {
        phase: "Running",
        containerStatuses: [
          {
            name: "a",
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(2 * MIN + 10_000) } },
          },
        ],
      },
    });
    assert.equal(c[1], "0/1");
    assert.equal(c[2], "CrashLoopBackOff");
    assert.equal(c[3], "5 (2m10s ago)");
  });

  it("prints terminated reasons, exit codes and signals", () => {
    const term = (t: Record<string, unknown>) =>
      cells({ spec: { containers: [{ name: "a" }] }, status: { phase: "Failed", containerStatuses: [{ name: "a", state: { terminated: t } }] } })[2];
    assert.equal(term({ exitCode: 0, reason: "Completed" }), "Completed");
    assert.equal(term({ exitCode: 137 }), "ExitCode:137");
    assert.equal(term({ exitCode: 0, signal: 9 }), "Signal:9");
  });

  it("shows init progress and init failures", () => {
    const init = (statuses: unknown[], conditions: unknown[] = []) =>
      cells({
        spec: { initContainers: [{ name: "i1" }, { name: "i2" }], containers: [{ name: "a" }] },
        status: { phase: "Pending", conditions, initContainerStatuses: statuses, containerStatuses: [{ name: "a", state: { waiting: { reason: "PodInitializing" } } }] },
      })[2];
    assert.equal(init([{ name: "i1", state: { running: {} } }, { name: "i2", state: { waiting: {} } }]), "Init:0/2");
    assert.equal(init([{ name: "i1", state: { terminated: { exitCode: 0 } } }, { name: "i2", state: { running: {} } }]), "Init:1/2");
    assert.equal(init([{ name: "i1", state: { terminated: { exitCode: 1, reason: "Error" } } }]), "Init:Error");
    assert.equal(init([{ name: "i1", state: { terminated: { exitCode: 2 } } }]), "Init:ExitCode:2");
    assert.equal(init([{ name: "i1", state: { waiting: { reason: "ImagePullBackOff" } } }]), "Init:ImagePullBackOff");
    assert.equal(
      init([{ name: "i1", state: { terminated: { exitCode: 0 } } }, { name: "i2", state: { terminated: { exitCode: 0 } } }], [{ type: "Initialized", status: "True" }]),
      "PodInitializing",
    );
  });

  it("counts running sidecars (restartable init containers) as ready containers", () => {
    const c = cells({
      spec: { initContainers: [{ name: "side", restartPolicy: "Always" }], containers: [{ name: "a" }] },
      status: {
        phase: "Running",
        conditions: [{ type: "Initialized", status: "True" }],
        initContainerStatuses: [{ name: "side", started: true, ready: true, restartCount: 1, state: { running: {} } }],
        containerStatuses: [running("a")],
      },
    });
    assert.equal(c[1], "2/2");
    assert.equal(c[2], "Running");
    assert.equal(c[3], "1");
  });

  it("says Running or NotReady when a completed container still has a running sibling", () => {
    const pod = (ready: boolean) =>
      cells({
        spec: { containers: [{ name: "a" }, { name: "b" }] },
        status: {
          phase: "Running",
          conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
          containerStatuses: [{ name: "a", state: { terminated: { exitCode: 0, reason: "Completed" } } }, running("b")],
        },
      })[2];
    assert.equal(pod(true), "Running");
    assert.equal(pod(false), "NotReady");
  });

  it("prints Terminating, Unknown for lost nodes, and SchedulingGated", () => {
    const deleting = { name: "x", creationTimestamp: ago(MIN), deletionTimestamp: ago(0) };
    assert.equal(cells({ metadata: deleting, status: { phase: "Running" } })[2], "Terminating");
    assert.equal(cells({ metadata: deleting, status: { phase: "Succeeded" } })[2], "Succeeded");
    assert.equal(cells({ metadata: deleting, status: { phase: "Running", reason: "NodeLost" } })[2], "Unknown");
    assert.equal(cells({ status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] } })[2], "SchedulingGated");
    assert.equal(cells({ status: { phase: "Failed", reason: "Evicted" } })[2], "Evicted");
  });

  it("prints readiness gates as true/total", () => {
    const c = cells({
      spec: { readinessGates: [{ conditionType: "a" }, { conditionType: "b" }] },
      status: { conditions: [{ type: "a", status: "True" }, { type: "b", status: "False" }] },
    });
    assert.equal(c[8], "1/2");
  });
});

describe("node cells", () => {
  const cells = (node: Partial<StoredObject>) => byKind("Node").cells(obj(node), now);
  it("prints status, roles, version and wide columns", () => {
    assert.deepEqual(
      cells({
        metadata: { name: "n1", creationTimestamp: ago(3 * 24 * 60 * MIN), labels: { "node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/worker": "", "kubernetes.io/role": "infra" } },
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: "Ready", status: "True" }],
          addresses: [{ type: "Hostname", address: "n1" }, { type: "InternalIP", address: "10.0.0.5" }],
          nodeInfo: { kubeletVersion: "v1.33.1-eks-1", osImage: "Amazon Linux 2023", kernelVersion: "6.1.0", containerRuntimeVersion: "containerd://1.7.0" },
        },
      }),
      ["n1", "Ready,SchedulingDisabled", "control-plane,infra,worker", "3d", "v1.33.1-eks-1", "10.0.0.5", "<none>", "Amazon Linux 2023", "6.1.0", "containerd://1.7.0"],
    );
  });
  it("prints NotReady, Unknown and <none> roles", () => {
    assert.equal(cells({ status: { conditions: [{ type: "Ready", status: "Unknown" }] } })[1], "NotReady");
    const bare = cells({});
    assert.equal(bare[1], "Unknown");
    assert.equal(bare[2], "<none>");
    assert.deepEqual(bare.slice(7), ["<unknown>", "<unknown>", "<unknown>"]);
  });
});

describe("service cells", () => {
  const cells = (svc: Partial<StoredObject>) => byKind("Service").cells(obj(svc), now);
  it("prints ClusterIP and NodePort services", () => {
    assert.deepEqual(
      cells({ spec: { type: "ClusterIP", clusterIP: "10.100.0.1", clusterIPs: ["10.100.0.1"], ports: [{ port: 443, protocol: "TCP" }], selector: { tier: "web", app: "a" } } }),
      ["x", "ClusterIP", "10.100.0.1", "<none>", "443/TCP", "5m", "app=a,tier=web"],
    );
    const np = cells({ spec: { type: "NodePort", clusterIPs: ["10.100.0.2"], ports: [{ port: 80, protocol: "TCP" }, { port: 443, nodePort: 30001, protocol: "TCP" }] } });
    assert.deepEqual(np.slice(1, 5), ["NodePort", "10.100.0.2", "<none>", "80/TCP,443:30001/TCP"]);
    assert.equal(np[6], "<none>");
  });
  it("prints load balancer addresses or <pending>", () => {
    assert.equal(cells({ spec: { type: "LoadBalancer", ports: [{ port: 80, nodePort: 31000 }] } })[3], "<pending>");
    const hostname = "a1b2c3d4e5f6a7b8c9d0-1234567890.us-west-2.elb.amazonaws.com";
    assert.equal(cells({ spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress: [{ hostname }] } } })[3], hostname);
    assert.equal(cells({ spec: { type: "LoadBalancer", externalIPs: ["1.2.3.4"] }, status: { loadBalancer: { ingress: [{ ip: "5.6.7.8" }] } } })[3], "5.6.7.8,1.2.3.4");
  });
  it("prints ExternalName and headless services", () => {
    assert.deepEqual(cells({ spec: { type: "ExternalName", externalName: "db.example.com" } }).slice(1, 5), ["ExternalName", "<none>", "db.example.com", "<none>"]);
    assert.equal(cells({ spec: { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"] } })[2], "None");
  });
});

describe("other cells", () => {
  it("counts configmap, secret and serviceaccount data", () => {
    assert.deepEqual(byKind("ConfigMap").cells(obj({ data: { a: "1", b: "2" }, binaryData: { c: "AA==" } }), now), ["x", 3, "5m"]);
    assert.deepEqual(byKind("Secret").cells(obj({ type: "kubernetes.io/tls", data: { "tls.crt": "", "tls.key": "" } }), now), ["x", "kubernetes.io/tls", 2, "5m"]);
    assert.deepEqual(byKind("ServiceAccount").cells(obj({ secrets: [{ name: "t" }] }), now), ["x", 1, "5m"]);
    assert.deepEqual(byKind("Namespace").cells(obj({ status: { phase: "Active" } }), now), ["x", "Active", "5m"]);
  });

  it("prints events like kubectl get events -o wide", () => {
    const ev = obj({
      metadata: { name: "web.17a", namespace: "default" },
      involvedObject: { kind: "Pod", name: "web", fieldPath: "spec.containers{web}" },
      reason: "Pulled",
      message: "  Successfully pulled image \"nginx\"\n",
      type: "Normal",
      source: { component: "kubelet", host: "ip-10-0-1-5" },
      firstTimestamp: ago(10 * MIN),
      lastTimestamp: ago(2 * MIN),
      count: 3,
    });
    assert.deepEqual(byKind("Event").cells(ev, now), [
      "2m",
      "Normal",
      "Pulled",
      "pod/web",
      "spec.containers{web}",
      "kubelet, ip-10-0-1-5",
      'Successfully pulled image "nginx"',
      "10m",
      3,
      "web.17a",
    ]);
  });

  it("prints events.k8s.io-style events: eventTime, series, reporting controller", () => {
    const ev = obj({
      involvedObject: { kind: "Node" },
      eventTime: ago(30 * MIN),
      series: { count: 7, lastObservedTime: ago(MIN) },
      reportingComponent: "karpenter",
      reportingInstance: "karpenter-abc",
    });
    const c = byKind("Event").cells(ev, now);
    assert.deepEqual([c[0], c[3], c[5], c[7], c[8]], ["60s", "node", "karpenter, karpenter-abc", "30m", 7]);
    const single = byKind("Event").cells(obj({ involvedObject: {} }), now);
    assert.deepEqual([single[0], single[7], single[8]], ["<unknown>", "<unknown>", 1]);
  });

  it("formats label maps as kubectl does", () => {
    assert.equal(formatLabels({}), "<none>");
    assert.equal(formatLabels({ b: "2", a: "1" }), "a=1,b=2");
  });
});

describe("field selectors", () => {
  const sel = (kind: string, o: Partial<StoredObject>) =>
    Object.fromEntries(Object.entries(byKind(kind).fieldSelectors).map(([k, f]) => [k, f(obj(o))]));
  it("exposes the pod fields with upstream empty-string defaults", () => {
    assert.deepEqual(sel("Pod", {}), {
      "spec.nodeName": "",
      "spec.restartPolicy": "",
      "spec.schedulerName": "",
      "spec.serviceAccountName": "",
      "spec.hostNetwork": "false",
      "status.phase": "",
      "status.podIP": "",
      "status.nominatedNodeName": "",
    });
    const s = sel("Pod", { spec: { nodeName: "n1", hostNetwork: true }, status: { phase: "Running", podIPs: [{ ip: "10.0.0.9" }] } });
    assert.equal(s["spec.nodeName"], "n1");
    assert.equal(s["spec.hostNetwork"], "true");
    assert.equal(s["status.podIP"], "10.0.0.9");
  });
  it("exposes node, namespace, secret, service and event fields", () => {
    assert.deepEqual(sel("Node", { spec: { unschedulable: true } }), { "spec.unschedulable": "true" });
    assert.deepEqual(sel("Namespace", { status: { phase: "Active" } }), { "status.phase": "Active", name: "x" });
    assert.deepEqual(sel("Secret", { type: "Opaque" }), { type: "Opaque" });
    assert.deepEqual(sel("Service", { spec: { type: "ClusterIP", clusterIP: "None" } }), { "spec.clusterIP": "None", "spec.type": "ClusterIP" });
    assert.deepEqual(Object.keys(byKind("ConfigMap").fieldSelectors), []);
    const ev = sel("Event", { involvedObject: { kind: "Pod", name: "p", uid: "u1" }, reason: "Failed", reportingComponent: "kubelet", type: "Warning" });
    assert.equal(ev["involvedObject.kind"], "Pod");
    assert.equal(ev["involvedObject.uid"], "u1");
    assert.equal(ev["involvedObject.namespace"], "");
    assert.equal(ev.source, "kubelet");
    assert.equal(ev.reportingComponent, "kubelet");
  });
});

describe("configmap and secret strategies", () => {
  it("validates configmap keys with upstream messages", () => {
    const causes = byKind("ConfigMap").strategy.validate!(obj({ data: { "a b": "1", ok: "2" } }));
    assert.deepEqual(causes, [
      {
        field: "data[a b]",
        reason: "FieldValueInvalid",
        message: `Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      },
    ]);
  });

  it("merges stringData into secret data before validating", () => {
    const s = byKind("Secret");
    const secret = obj({ stringData: { "bad key": "v", user: "admin" }, data: { user: "b2xk" } });
    assert.deepEqual(s.strategy.validate!(secret).map((c) => c.field), ["data[bad key]"]);
    s.strategy.prepareForCreate!(secret);
    assert.equal(secret.stringData, undefined);
    assert.deepEqual(secret.data, { "bad key": "dg==", user: "YWRtaW4=" });
    assert.equal(secret.type, "Opaque");
  });

  it("rejects updates to immutable configmaps", () => {
    const old = obj({ immutable: true, data: { a: "1" } });
    const causes = byKind("ConfigMap").strategy.validateUpdate!(obj({ data: { a: "2" } }), old);
    assert.deepEqual(causes, [
      { field: "immutable", reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set" },
      { field: "data", reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set" },
    ]);
  });
});
