import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { toTable, wantsTable } from "./table.js";
import { CORE_V1 } from "../api/core-v1.js";
import type { StoredObject } from "../api/types.js";

const now = new Date("2025-06-01T12:00:00Z");
const cm = CORE_V1.find((d) => d.kind === "ConfigMap")!;
const pods = CORE_V1.find((d) => d.kind === "Pod")!;
const configMap = (name: string): StoredObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name,
    namespace: "default",
    uid: `uid-${name}`,
    resourceVersion: "41",
    creationTimestamp: "2025-06-01T11:59:00Z",
    labels: { app: "web" },
    managedFields: [{ manager: "kubectl-create", operation: "Update" }],
  },
  data: { a: "1" },
});

describe("toTable", () => {
  it("renders a meta.k8s.io/v1 Table with PartialObjectMetadata rows", () => {
    const table = toTable(cm, [configMap("a"), configMap("b")], { now, includeObject: "Metadata", resourceVersion: "42", continueToken: "c1", remainingItemCount: 3 });
    assert.equal(table.kind, "Table");
    assert.equal(table.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(table.metadata, { resourceVersion: "42", continue: "c1", remainingItemCount: 3 });
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ["Name", "string", "name", 0],
        ["Data", "string", "", 0],
        ["Age", "string", "", 0],
      ],
    );
    assert.ok(table.columnDefinitions.every((c) => typeof c.description === "string" && c.description.length > 0));
    assert.deepEqual(table.rows[0], {
      cells: ["a", 1, "60s"],
      object: {
        kind: "PartialObjectMetadata",
        apiVersion: "meta.k8s.io/v1",
        metadata: { name: "a", namespace: "default", uid: "uid-a", resourceVersion: "41", creationTimestamp: "2025-06-01T11:59:00Z", labels: { app: "web" } },
      },
    });
    assert.equal(table.rows.length, 2);
  });

  it("serializes with kubectl's key order and no empty list metadata", () => {
    const table = toTable(cm, [], { now, includeObject: "Metadata", resourceVersion: "" });
    assert.equal(JSON.stringify(table), JSON.stringify({ kind: "Table", apiVersion: "meta.k8s.io/v1", metadata: {}, columnDefinitions: table.columnDefinitions, rows: [] }));
    assert.deepEqual(Object.keys(table.columnDefinitions[0]!), ["name", "type", "format", "description", "priority"]);
  });

  it("includes the full object or nothing when asked", () => {
    const full = toTable(cm, [configMap("a")], { now, includeObject: "Object", resourceVersion: "1" }).rows[0]!.object as StoredObject;
    assert.equal(full.kind, "ConfigMap");
    assert.equal(full.apiVersion, "v1");
    assert.deepEqual(full.data, { a: "1" });
    assert.equal(toTable(cm, [configMap("a")], { now, includeObject: "None", resourceVersion: "1" }).rows[0]!.object, null);
  });

  it("follows the negotiated version and can omit headers", () => {
    const table = toTable(cm, [configMap("a")], { now, includeObject: "Metadata", resourceVersion: "1", tableVersion: "v1beta1", omitHeaders: true });
    assert.equal(table.apiVersion, "meta.k8s.io/v1beta1");
    assert.equal((table.rows[0]!.object as { apiVersion: string }).apiVersion, "meta.k8s.io/v1beta1");
    assert.deepEqual(table.columnDefinitions, []);
  });

  it("marks finished pods Completed like printPod", () => {
    const pod = (phase: string): StoredObject => ({ metadata: { name: phase }, status: { phase } });
    const rows = toTable(pods, [pod("Running"), pod("Succeeded"), pod("Failed")], { now, includeObject: "None", resourceVersion: "1" }).rows;
    assert.equal(rows[0]!.conditions, undefined);
    assert.deepEqual(rows[1]!.conditions, [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }]);
    assert.deepEqual(rows[2]!.conditions, [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }]);
    assert.deepEqual(Object.keys(rows[1]!), ["cells", "conditions", "object"]);
    assert.equal(rows[0]!.cells.length, pods.columns.length);
  });
});

describe("wantsTable", () => {
  it("understands kubectl get", () => {
    assert.equal(wantsTable("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"), "v1");
    assert.equal(wantsTable("application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"), "v1beta1");
    assert.equal(wantsTable("application/json; as=Table; v=v1; g=meta.k8s.io"), "v1");
  });
  it("says no for plain requests and for clauses it cannot serve as a table", () => {
    assert.equal(wantsTable("application/json"), undefined);
    assert.equal(wantsTable("*/*"), undefined);
    assert.equal(wantsTable(""), undefined);
    assert.equal(wantsTable("application/json, application/json;as=Table;v=v1;g=meta.k8s.io"), undefined);
    assert.equal(wantsTable("application/json;as=Table;v=v2;g=meta.k8s.io,application/json"), undefined);
    assert.equal(wantsTable("application/json;as=Table;v=v1;g=example.com"), undefined);
    assert.equal(wantsTable("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json"), undefined);
  });
  it("skips other conversions and honours q and wildcards", () => {
    assert.equal(wantsTable("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io"), "v1");
    assert.equal(wantsTable("application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io"), "v1");
    assert.equal(wantsTable("application/yaml;as=Table;v=v1;g=meta.k8s.io"), "v1");
    assert.equal(wantsTable("*/*;as=Table;v=v1;g=meta.k8s.io"), "v1");
    assert.equal(wantsTable("text/html,application/json;as=Table;v=v1;g=meta.k8s.io"), "v1");
    assert.equal(wantsTable("application/json;as=Table;v=v1;g=meta.k8s.io;q=0"), undefined);
  });
});
