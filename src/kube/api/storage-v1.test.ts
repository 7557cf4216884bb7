import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gp2StorageClass, STORAGE_V1 } from "./storage-v1.js";
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";

const NOW = new Date("2026-01-01T00:10:00Z");
const byKind = (kind: string): ResourceDescriptor => {
  const d = STORAGE_V1.find((x) => x.kind === kind);
  assert.ok(d, kind);
  return d;
};
function create(kind: string, o: Record<string, unknown>, metadata: Partial<StoredObject["metadata"]> = {}): { obj: StoredObject; errors: string[] } {
  const obj = { ...structuredClone(o), metadata: { name: "x", creationTimestamp: "2026-01-01T00:00:00Z", ...metadata } } as StoredObject;
  byKind(kind).strategy.prepareForCreate?.(obj);
  return { obj, errors: (byKind(kind).strategy.validate?.(obj) ?? []).map((c) => `${c.field}: ${c.message}`) };
}

describe("storage.k8s.io/v1", () => {
  it("has upstream's discovery facts", () => {
    assert.deepEqual(STORAGE_V1.map((d) => [d.plural, d.namespaced, d.shortNames, d.subresources]), [
      ["csidrivers", false, [], []],
      ["csinodes", false, [], []],
      ["csistoragecapacities", true, [], []],
      ["storageclasses", false, ["sc"], []],
      ["volumeattachments", false, [], ["status"]],
      ["volumeattributesclasses", false, ["vac"], []],
    ]);
  });

  it("prints EKS's gp2 class and marks a default class", () => {
    const { obj, errors } = create("StorageClass", gp2StorageClass(), { name: "gp2" });
    assert.deepEqual(errors, []);
    assert.deepEqual(byKind("StorageClass").cells(obj, NOW), ["gp2", "kubernetes.io/aws-ebs", "Delete", "WaitForFirstConsumer", false, "10m"]);
    const fresh = create("StorageClass", { provisioner: "ebs.csi.aws.com" }, { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } });
    assert.deepEqual(byKind("StorageClass").cells(fresh.obj, NOW).slice(0, 4), ["x (default)", "ebs.csi.aws.com", "Delete", "Immediate"]);
    const changed = { ...obj, parameters: { type: "gp3" }, reclaimPolicy: "Retain" };
    assert.deepEqual(byKind("StorageClass").strategy.validateUpdate?.(changed, obj).map((c) => `${c.field}: ${c.message}`), [
      "parameters: Forbidden: updates to parameters are forbidden.",
      "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
    ]);
    assert.deepEqual(create("StorageClass", { reclaimPolicy: "Recycle" }).errors, ["provisioner: Required value", 'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']);
  });

  it("defaults CSIDrivers and prints their columns", () => {
    const { obj } = create("CSIDriver", { spec: {} }, { name: "ebs.csi.aws.com" });
    assert.deepEqual(obj.spec, {
      attachRequired: true,
      podInfoOnMount: false,
      storageCapacity: false,
      fsGroupPolicy: "ReadWriteOnceWithFSType",
      volumeLifecycleModes: ["Persistent"],
      requiresRepublish: false,
      seLinuxMount: false,
    });
    assert.deepEqual(byKind("CSIDriver").cells(obj, NOW), ["ebs.csi.aws.com", true, false, false, "<unset>", false, "Persistent", "10m"]);
  });

  it("validates and prints attachments, nodes, capacities and attribute classes", () => {
    const va = create("VolumeAttachment", { spec: { attacher: "ebs.csi.aws.com", nodeName: "n1", source: { persistentVolumeName: "pv1" } } });
    assert.deepEqual(va.errors, []);
    assert.deepEqual(byKind("VolumeAttachment").cells(va.obj, NOW), ["x", "ebs.csi.aws.com", "pv1", "n1", false, "10m"]);
    assert.deepEqual(create("VolumeAttachment", { spec: { source: {} } }).errors, [
      "spec.attacher: Required value",
      "spec.nodeName: Required value",
      "spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName",
    ]);
    const node = create("CSINode", { spec: { drivers: [{ name: "ebs.csi.aws.com", nodeID: "i-1" }, { name: "ebs.csi.aws.com" }] } });
    assert.deepEqual(node.errors, ['spec.drivers[1].name: Duplicate value: "ebs.csi.aws.com"', "spec.drivers[1].nodeID: Required value"]);
    assert.deepEqual(byKind("CSINode").cells(node.obj, NOW), ["x", 2, "10m"]);
    const cap = create("CSIStorageCapacity", { storageClassName: "gp2", capacity: "100Gi" });
    assert.deepEqual(byKind("CSIStorageCapacity").cells(cap.obj, NOW), ["x", "gp2", "100Gi"]);
    assert.deepEqual(create("VolumeAttributesClass", { driverName: "ebs.csi.aws.com" }).errors, ["parameters: Required value: must contain at least one key/value pair"]);
  });
});
