import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CORE_V1_MORE } from "./core-v1-more.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const NOW = new Date("2026-01-01T01:00:00Z");
const byKind = (kind: string): ResourceDescriptor => {
  const d = CORE_V1_MORE.find((x) => x.kind === kind);
  assert.ok(d, kind);
  return d;
};
const meta = (name = "x") => ({ name, namespace: "default", creationTimestamp: "2026-01-01T00:00:00Z", uid: "u" });
/** prepareForCreate, then the validation messages as `field: message`. */
function create(kind: string, o: Omit<StoredObject, "metadata"> & { metadata?: StoredObject["metadata"] }): { obj: StoredObject; errors: string[] } {
  const obj = { ...structuredClone(o), metadata: { ...meta(), ...o.metadata } } as StoredObject;
  const s = byKind(kind).strategy;
  s.prepareForCreate?.(obj);
  return { obj, errors: (s.validate?.(obj) ?? []).map((c) => `${c.field}: ${c.message}`) };
}
const container = { name: "app", image: "nginx" };

describe("core/v1 further kinds", () => {
  it("has upstream's discovery facts", () => {
    assert.deepEqual(
      CORE_V1_MORE.map((d) => [d.plural, d.singular, d.namespaced, d.shortNames, d.categories, d.subresources, d.verbs.length]),
      [
        ["bindings", "binding", true, [], [], [], 1],
        ["componentstatuses", "componentstatus", false, ["cs"], [], [], 2],
        ["endpoints", "endpoints", true, ["ep"], [], [], 8],
        ["limitranges", "limitrange", true, ["limits"], [], [], 8],
        ["persistentvolumeclaims", "persistentvolumeclaim", true, ["pvc"], [], ["status"], 8],
        ["persistentvolumes", "persistentvolume", false, ["pv"], [], ["status"], 8],
        ["podtemplates", "podtemplate", true, [], [], [], 8],
        ["replicationcontrollers", "replicationcontroller", true, ["rc"], ["all"], ["scale", "status"], 8],
        ["resourcequotas", "resourcequota", true, ["quota"], [], ["status"], 8],
      ],
    );
  });

  it("defaults and prints a ReplicationController, and refuses a template its selector misses", () => {
    const { obj, errors } = create("ReplicationController", { spec: { template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } } } });
    assert.deepEqual(errors, []);
    const spec = obj.spec as Record<string, unknown>;
    assert.deepEqual([spec.replicas, spec.selector, obj.metadata.labels, obj.status], [1, { app: "web" }, { app: "web" }, { replicas: 0 }]);
    const d = byKind("ReplicationController");
    assert.deepEqual(d.columns.map((c) => [c.name, c.priority]), [["Name", 0], ["Desired", 0], ["Current", 0], ["Ready", 0], ["Age", 0], ["Containers", 1], ["Images", 1], ["Selector", 1]]);
    assert.deepEqual(d.cells(obj, NOW), ["x", 1, 0, 0, "60m", "app", "nginx", "app=web"]);

    const bad = create("ReplicationController", { spec: { selector: { app: "db" }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } } } });
    assert.deepEqual(bad.errors, ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: selector does not match labels in spec.template']);
  });

  it("prints PersistentVolumes and claims like printers.go", () => {
    const pv = create("PersistentVolume", {
      spec: { capacity: { storage: "5Gi" }, accessModes: ["ReadWriteMany", "ReadWriteOnce"], hostPath: { path: "/data" }, claimRef: { namespace: "default", name: "data" }, storageClassName: "gp2" },
    });
    assert.deepEqual(pv.errors, []);
    assert.deepEqual(pv.obj.status, { phase: "Pending", lastPhaseTransitionTime: "2026-01-01T00:00:00Z" });
    assert.deepEqual(byKind("PersistentVolume").cells(pv.obj, NOW), ["x", "5Gi", "RWO,RWX", "Retain", "Pending", "default/data", "gp2", "<unset>", "", "60m", "Filesystem"]);

    const pvc = create("PersistentVolumeClaim", { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
    assert.deepEqual(pvc.errors, []);
    assert.deepEqual(byKind("PersistentVolumeClaim").cells(pvc.obj, NOW), ["x", "Pending", "", "", "", "", "<unset>", "60m", "Filesystem"]);
    const bound = { ...pvc.obj, spec: { ...(pvc.obj.spec as object), volumeName: "pv-1" }, status: { phase: "Bound", capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] } };
    assert.deepEqual(byKind("PersistentVolumeClaim").cells(bound, NOW).slice(1, 5), ["Bound", "pv-1", "1Gi", "RWO"]);
  });

  it("validates volumes and claims with upstream messages", () => {
    assert.deepEqual(create("PersistentVolumeClaim", { spec: { resources: { requests: { storage: "0" } } } }).errors, [
      "spec.accessModes: Required value: at least 1 access mode is required",
      'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ]);
    assert.deepEqual(create("PersistentVolume", { spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] } }).errors, ["spec: Required value: must specify a volume type"]);
    assert.throws(() => create("PersistentVolumeClaim", { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "lots" } } } }), /quantities must match the regular expression/);
  });

  it("prints quota usage from status and checks resource names and values", () => {
    const { obj, errors } = create("ResourceQuota", { spec: { hard: { pods: "10", "limits.cpu": "2" } }, status: { hard: { pods: "9" } } });
    assert.deepEqual(errors, []);
    assert.deepEqual(obj.status, {}, "the quota controller fills status");
    const q = { ...obj, status: { hard: { pods: "10", "requests.cpu": "1", "limits.cpu": "2" }, used: { pods: "3", "limits.cpu": "500m" } } };
    assert.deepEqual(byKind("ResourceQuota").cells(q, NOW), ["x", "pods: 3/10, requests.cpu: 0/1", "limits.cpu: 500m/2", "60m"]);
    assert.deepEqual(create("ResourceQuota", { spec: { hard: { foo: "1", pods: "-1", secrets: "1.5" }, scopes: ["Nope"] } }).errors, [
      'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota',
      'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.hard[secrets]: Invalid value: "1.5": must be an integer',
      'spec.scopes: Unsupported value: "Nope": supported values: "BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating"',
    ]);
  });

  it("prints endpoints, pod templates and limit ranges", () => {
    const ep = create("Endpoints", { subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 80 }, { port: 443, name: "https" }] }] });
    assert.deepEqual(ep.errors, ["subsets[0].ports[0].name: Required value"]);
    assert.equal(byKind("Endpoints").cells(ep.obj, NOW)[1], "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");
    assert.equal(byKind("Endpoints").cells(create("Endpoints", {}).obj, NOW)[1], "<none>");
    assert.deepEqual(create("Endpoints", { subsets: [{ addresses: [{ ip: "nope" }] }] }).errors, ['subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);

    const pt = create("PodTemplate", { template: { metadata: { labels: { a: "b" } }, spec: { containers: [container] } } });
    assert.deepEqual(byKind("PodTemplate").cells(pt.obj, NOW), ["x", "app", "nginx", "a=b"]);
    assert.equal((pt.obj.template as { spec: { restartPolicy: string } }).spec.restartPolicy, "Always");

    const lr = create("LimitRange", { spec: { limits: [{ type: "Container", min: { cpu: "200m" }, max: { cpu: "100m" } }, { type: "Pod", default: { cpu: "1" } }] } });
    assert.deepEqual(lr.errors, [
      'spec.limits[0].min[cpu]: Invalid value: "200m": min value 200m is greater than max value 100m',
      "spec.limits[1].default: Forbidden: may not be specified when `type` is 'Pod'",
    ]);
    assert.deepEqual(byKind("LimitRange").columns.map((c) => c.name), ["Name", "Created At"]);
    assert.deepEqual(byKind("LimitRange").cells(lr.obj, NOW), ["x", "2026-01-01T00:00:00Z"]);
  });
});
