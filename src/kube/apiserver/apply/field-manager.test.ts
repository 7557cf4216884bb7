import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, StoredObject } from "../../api/types.js";
import { CORE_PATCH_SCHEMA } from "../patch.js";
import { StatusError } from "../status.js";
import { FieldManager, LAST_APPLIED_ANNOTATION, managerOrUserAgent } from "./field-manager.js";
import { FieldSet } from "./field-set.js";
import type { ManagedFieldsEntry } from "./managed-fields.js";
import { StructuralSchema } from "./structural-schema.js";
import { zeroObject } from "./zero-objects.js";

const schema = new StructuralSchema(CORE_PATCH_SCHEMA);
const T0 = "2025-01-01T00:00:00Z";
const T1 = "2025-01-01T00:01:00Z";

function manager(now = T0, subresource?: string): FieldManager {
  return new FieldManager({
    schema,
    apiVersion: "apps/v1",
    gvk: "apps/v1, Kind=Deployment",
    zero: zeroObject("apps", "Deployment", true),
    resetFields: subresource === "status" ? FieldSet.of([{ field: "metadata" }], [{ field: "spec" }]) : FieldSet.of([{ field: "status" }]),
    subresource,
    now,
  });
}

/** A Deployment as the registry stores it after `kubectl create deployment nginx --image=nginx` (defaults filled). */
function createdDeployment(): StoredObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "nginx", namespace: "default", uid: "u1", creationTimestamp: T0, generation: 1, labels: { app: "nginx" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "nginx" } },
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        // kubectl 1.32+ sends typed creates as protobuf, whose empty timestamp decodes as null.
        metadata: { creationTimestamp: null, labels: { app: "nginx" } },
        spec: {
          containers: [{ name: "nginx", image: "nginx", imagePullPolicy: "Always", resources: {}, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" }],
          dnsPolicy: "ClusterFirst",
          restartPolicy: "Always",
          schedulerName: "default-scheduler",
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: {},
  };
}

const entries = (obj: KubeObject) => (obj.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
const entryOf = (obj: KubeObject, name: string) => entries(obj).find((e) => e.manager === name);

function created(): StoredObject {
  const obj = createdDeployment();
  manager().update(undefined, obj, "kubectl-create");
  return obj;
}

describe("managedFields on writes", () => {
  it("records a create as upstream does, defaults included and `.` where containers appear", () => {
    const obj = created();
    assert.deepEqual(entries(obj), [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "apps/v1",
        time: T0,
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {}, ".": {} } },
          "f:spec": {
            "f:progressDeadlineSeconds": {},
            "f:replicas": {},
            "f:revisionHistoryLimit": {},
            "f:selector": {},
            "f:strategy": { "f:rollingUpdate": { "f:maxSurge": {}, "f:maxUnavailable": {}, ".": {} }, "f:type": {} },
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {}, ".": {} } },
              "f:spec": {
                "f:containers": {
                  'k:{"name":"nginx"}': {
                    "f:image": {},
                    "f:imagePullPolicy": {},
                    "f:name": {},
                    "f:resources": {},
                    "f:terminationMessagePath": {},
                    "f:terminationMessagePolicy": {},
                    ".": {},
                  },
                },
                "f:dnsPolicy": {},
                "f:restartPolicy": {},
                "f:schedulerName": {},
                "f:securityContext": {},
                "f:terminationGracePeriodSeconds": {},
              },
            },
          },
        },
      },
    ]);
  });

  it("moves a changed field to the writer and merges a manager's updates into one entry", () => {
    const live = created();
    const labelled = structuredClone(live);
    labelled.metadata.labels = { app: "nginx", tier: "web" };
    manager(T1).update(live, labelled, "kubectl-label");
    assert.deepEqual(entryOf(labelled, "kubectl-label")?.fieldsV1, { "f:metadata": { "f:labels": { "f:tier": {} } } });
    assert.equal(entryOf(labelled, "kubectl-create")?.time, T0, "an entry that only lost nothing keeps its time");

    const scaled = structuredClone(labelled);
    (scaled.spec as { replicas: number }).replicas = 4;
    manager(T1).update(labelled, scaled, "kubectl-label");
    assert.deepEqual(entryOf(scaled, "kubectl-label")?.fieldsV1, { "f:metadata": { "f:labels": { "f:tier": {} } }, "f:spec": { "f:replicas": {} } });
    assert.equal(entries(scaled).filter((e) => e.manager === "kubectl-label").length, 1);
    assert.ok(!JSON.stringify(entryOf(scaled, "kubectl-create")?.fieldsV1).includes("f:replicas"), "the creator lost replicas");

    const same = structuredClone(scaled);
    manager("2030-01-01T00:00:00Z").update(scaled, same, "kubectl-label");
    assert.equal(entryOf(same, "kubectl-label")?.time, T1, "a write that changes nothing does not touch the time");
  });

  it("records status writes with their subresource and never takes managedFields from their body", () => {
    const live = created();
    const next = structuredClone(live);
    next.status = { replicas: 1, conditions: [{ type: "Available", status: "True" }] };
    next.metadata.managedFields = [{ manager: "evil", operation: "Update", fieldsType: "FieldsV1", fieldsV1: { "f:spec": {} } }];
    manager(T1, "status").update(live, next, "kube-controller-manager");
    const entry = entryOf(next, "kube-controller-manager");
    assert.equal(entry?.subresource, "status");
    assert.deepEqual(entry?.fieldsV1, { "f:status": { "f:conditions": { 'k:{"type":"Available"}': { "f:status": {}, "f:type": {}, ".": {} }, ".": {} }, "f:replicas": {} } });
    assert.equal(entryOf(next, "evil"), undefined);
  });

  it("resets ownership for an empty list or one empty entry, then stops tracking", () => {
    for (const reset of [[], [{}]]) {
      const live = created();
      const next = structuredClone(live);
      next.metadata.managedFields = reset;
      manager(T1).update(live, next, "kubectl-edit");
      assert.equal(next.metadata.managedFields, undefined, JSON.stringify(reset));
      const later = structuredClone(next);
      later.metadata.labels = { x: "y" };
      manager(T1).update(next, later, "kubectl-edit");
      assert.equal(later.metadata.managedFields, undefined);
    }
  });

  it("keeps the live ownership when a client omits managedFields or sends undecodable ones", () => {
    for (const sent of [undefined, [{ manager: "x", operation: "Update", fieldsType: "FieldsV2", fieldsV1: {} }], [{ manager: "x", fieldsType: "FieldsV1", fieldsV1: { q: {} } }]]) {
      const live = created();
      const next = structuredClone(live);
      if (sent === undefined) delete next.metadata.managedFields;
      else next.metadata.managedFields = sent;
      manager(T1).update(live, next, "kubectl-replace");
      assert.deepEqual(entries(next), entries(live));
    }
  });

  it("lets a client rewrite ownership with decodable entries", () => {
    const live = created();
    const next = structuredClone(live);
    next.metadata.managedFields = [{ manager: "mine", operation: "Update", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } }];
    manager(T1).update(live, next, "kubectl-replace");
    assert.deepEqual(entries(next).map((e) => e.manager), ["mine"]);
  });

  it("merges the oldest of more than ten update managers into ancient-changes", () => {
    let obj = created();
    for (let i = 0; i < 11; i++) {
      const next = structuredClone(obj);
      next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: "v" };
      manager(`2025-01-01T00:00:${String(10 + i)}Z`).update(obj, next, `m${i}`);
      obj = next;
    }
    const names = entries(obj).map((e) => e.manager);
    assert.equal(names.length, 10);
    assert.ok(names.includes("ancient-changes"));
    for (const merged of ["kubectl-create", "m0", "m1"]) assert.ok(!names.includes(merged), merged);
    assert.ok(names.includes("m10"));
  });
});

describe("server-side apply", () => {
  const config = (replicas: number, image = "nginx", extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "nginx", ...extra },
    spec: { replicas, template: { spec: { containers: [{ name: "nginx", image }] } } },
  });

  it("creates from nothing and owns exactly what was applied", () => {
    const obj = manager().apply(undefined, config(2), "kubectl", false);
    assert.deepEqual(obj.spec, { replicas: 2, template: { spec: { containers: [{ name: "nginx", image: "nginx" }] } } });
    assert.deepEqual(entries(obj), [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: T0,
        fieldsType: "FieldsV1",
        fieldsV1: { "f:spec": { "f:replicas": {}, "f:template": { "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { "f:image": {}, "f:name": {}, ".": {} } } } } } },
      },
    ]);
  });

  it("answers a conflict with another manager's field as upstream words it", () => {
    const live = created();
    const error = (() => {
      try {
        manager(T1).apply(live, config(3), "ci", false);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error instanceof StatusError);
    assert.equal(error.code, 409);
    assert.equal(error.reason, "Conflict");
    assert.equal(error.message, 'Apply failed with 1 conflict: conflict with "kubectl-create" using apps/v1: .spec.replicas');
    assert.deepEqual(error.details, {
      causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-create" using apps/v1', field: ".spec.replicas" }],
    });
  });

  it("lists several conflicts per manager", () => {
    assert.throws(
      () => manager(T1).apply(created(), config(3, "nginx:2"), "ci", false),
      (e: StatusError) =>
        e.message ===
        'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image' &&
        e.details?.causes?.length === 2,
    );
  });

  it("shares fields applied with their current value and takes them with force", () => {
    const live = created();
    const shared = manager(T1).apply(live, config(1), "ci", false);
    assert.ok(JSON.stringify(entryOf(shared, "kubectl-create")?.fieldsV1).includes("f:replicas"));
    assert.ok(JSON.stringify(entryOf(shared, "ci")?.fieldsV1).includes("f:replicas"));

    const forced = manager(T1).apply(shared, config(5), "ci", true);
    assert.equal((forced.spec as { replicas: number }).replicas, 5);
    assert.ok(!JSON.stringify(entryOf(forced, "kubectl-create")?.fieldsV1).includes("f:replicas"));
    assert.equal(entryOf(forced, "ci")?.operation, "Apply");
    assert.equal(entryOf(forced, "ci")?.time, T1);
  });

  it("removes fields its manager stops applying, unless someone else owns them", () => {
    const first = manager().apply(undefined, config(2, "nginx", { labels: { a: "1", b: "2" } }), "ci", false);
    const second = manager(T1).apply(first, config(2, "nginx", { labels: { a: "1" } }), "ci", false);
    assert.deepEqual(second.metadata.labels, { a: "1" });

    const other = manager(T1).apply(first, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx", labels: { b: "2" } } }, "other", false);
    const third = manager(T1).apply(other, config(2, "nginx", { labels: { a: "1" } }), "ci", false);
    assert.deepEqual(third.metadata.labels, { a: "1", b: "2" });

    const containers = manager(T1).apply(first, { ...config(2), spec: { replicas: 2 } }, "ci", false);
    assert.equal((containers.spec as Record<string, unknown>).template, undefined, "the whole template went with its last owner");
  });

  it("upgrades kubectl's client-side apply without conflicts, and keeps the annotation in step", () => {
    const live = created();
    const lastApplied = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" }, spec: { replicas: 1 } };
    live.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(lastApplied) };
    const next = manager(T1).apply(live, config(2), "kubectl", false);
    assert.equal((next.spec as { replicas: number }).replicas, 2);
    const annotation = next.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
    assert.equal(
      annotation,
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"},"spec":{"replicas":2,"template":{"spec":{"containers":[{"image":"nginx","name":"nginx"}]}}}}\n',
    );
    // Another manager name gets no such pass.
    assert.throws(() => manager(T1).apply(live, config(2), "kubectl-other", false), /conflict with "kubectl-create"/);
  });

  it("refuses configurations upstream refuses", () => {
    const live = created();
    assert.throws(
      () => manager().apply(live, { ...config(1), apiVersion: "apps/v1beta1" }, "ci", false),
      (e: StatusError) => e.code === 400 && e.message === "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1",
    );
    assert.throws(
      () => manager().apply(live, config(1, "nginx", { managedFields: [] }), "ci", false),
      (e: StatusError) => e.code === 400 && e.message === "metadata.managedFields must be nil",
    );
    assert.throws(
      () => manager().apply(live, { ...config(1), spec: { template: { spec: { containers: [{ image: "x" }] } } } }, "ci", false),
      (e: StatusError) =>
        e.code === 500 &&
        e.message ===
          'failed to create typed patch object (/nginx; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });
});

describe("managerOrUserAgent", () => {
  it("takes the fieldManager parameter, else the User-Agent before its first slash", () => {
    assert.equal(managerOrUserAgent("mine", "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0"), "mine");
    assert.equal(managerOrUserAgent("", "kubectl.1.27/v1.27.16 (linux/amd64) kubernetes/cbb86e0"), "kubectl.1.27");
    assert.equal(managerOrUserAgent("", "kube-controller-manager/v1.34.0 (linux/amd64) kubernetes/x/deployment-controller"), "kube-controller-manager");
    assert.equal(managerOrUserAgent("", "a\u0007b"), "ab");
    assert.equal(managerOrUserAgent("", "x".repeat(200)).length, 128);
  });
});
