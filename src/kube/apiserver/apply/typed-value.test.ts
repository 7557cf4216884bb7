import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CORE_PATCH_SCHEMA } from "../patch.js";
import { pathToString } from "./field-path.js";
import { FieldSet } from "./field-set.js";
import { StructuralSchema } from "./structural-schema.js";
import { compareObjects, ensureNamedFieldsAreMembers, mergeObjects, removeItems, toFieldSet, TypedValueError } from "./typed-value.js";

const schema = new StructuralSchema(CORE_PATCH_SCHEMA);
const paths = (s: FieldSet) => s.paths().map(pathToString);

const applied = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "nginx", labels: { app: "nginx" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
    },
  },
};

describe("structural schema", () => {
  it("derives list and map types from the strategic-merge facts", () => {
    assert.deepEqual(schema.list("spec.template.spec.containers"), { type: "map", keys: ["name"], keyDefaults: {} });
    assert.deepEqual(schema.list("spec.template.spec.containers[].ports"), { type: "map", keys: ["containerPort", "protocol"], keyDefaults: { protocol: "TCP" } });
    assert.deepEqual(schema.list("spec.ports"), { type: "map", keys: ["port", "protocol"], keyDefaults: { protocol: "TCP" } });
    assert.deepEqual(schema.list("metadata.finalizers"), { type: "set" });
    assert.deepEqual(schema.list("spec.template.spec.containers[].args"), { type: "atomic" });
    assert.equal(schema.map("spec.selector"), "atomic");
    assert.equal(schema.map("metadata.labels"), "map");
    assert.equal(schema.map("data"), "map");
    assert.equal(schema.map("spec.template"), "struct");
    const custom = new StructuralSchema({ lists: {} }, false);
    assert.equal(custom.map("spec.selector"), "struct");
    assert.equal(custom.map("metadata.annotations"), "map");
  });
});

describe("ToFieldSet", () => {
  it("owns the leaves, items and map entries of an applied configuration", () => {
    const set = toFieldSet(applied, schema);
    assert.deepEqual(set.toFieldsV1(), {
      "f:apiVersion": {},
      "f:kind": {},
      "f:metadata": { "f:labels": { "f:app": {} }, "f:name": {} },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:containers": {
              'k:{"name":"nginx"}': {
                "f:image": {},
                "f:name": {},
                "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { "f:containerPort": {}, ".": {} } },
                ".": {},
              },
            },
          },
        },
      },
    });
  });

  it("owns empty and null values themselves, but not an empty list", () => {
    const set = toFieldSet({ spec: { securityContext: {}, paused: null, volumes: [] } }, schema);
    assert.deepEqual(paths(set), [".spec.paused", ".spec.securityContext"]);
  });

  it("refuses list items without their keys and duplicate items", () => {
    assert.throws(
      () => toFieldSet({ spec: { containers: [{ image: "x" }] } }, schema),
      (e: Error) => e instanceof TypedValueError && e.message === '.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
    assert.throws(() => toFieldSet({ spec: { containers: [{ name: "a" }, { name: "a" }] } }, schema), /\.spec\.containers: duplicate entries for key \[name="a"\]/);
    assert.doesNotThrow(() => toFieldSet({ spec: { containers: [{ name: "a" }, { name: "a" }] } }, schema, true));
  });
});

describe("Compare", () => {
  it("records new containers themselves and changed leaves", () => {
    const live = { metadata: {}, spec: { replicas: 1, template: { spec: { containers: null } } } };
    const next = { metadata: { labels: { a: "1" } }, spec: { replicas: 3, template: { spec: { containers: [{ name: "c", image: "x" }] } } } };
    const c = compareObjects(live, next, schema);
    assert.deepEqual(paths(c.modified), [".spec.replicas"]);
    assert.deepEqual(paths(c.added), [
      ".metadata.labels",
      ".metadata.labels.a",
      '.spec.template.spec.containers[name="c"]',
      '.spec.template.spec.containers[name="c"].image',
      '.spec.template.spec.containers[name="c"].name',
    ]);
    assert.ok(c.removed.isEmpty());
    const back = compareObjects(next, live, schema);
    assert.deepEqual(paths(back.removed), paths(c.added));
  });

  it("treats an atomic value as one leaf", () => {
    const c = compareObjects({ spec: { selector: { matchLabels: { a: "1" } } } }, { spec: { selector: { matchLabels: { a: "2" } } } }, schema);
    assert.deepEqual(paths(c.modified), [".spec.selector"]);
  });
});

describe("Merge", () => {
  it("merges associative lists by key and replaces atomic values", () => {
    const live = {
      spec: {
        replicas: 1,
        selector: { matchLabels: { a: "1", b: "2" } },
        containers: [{ name: "a", image: "a:1", args: ["x", "y"] }, { name: "b", image: "b:1" }],
      },
    };
    const config = { spec: { selector: { matchLabels: { a: "1" } }, containers: [{ name: "a", image: "a:2", args: ["z"] }] } };
    assert.deepEqual(mergeObjects(live, config, schema), {
      spec: {
        replicas: 1,
        selector: { matchLabels: { a: "1" } },
        containers: [{ name: "a", image: "a:2", args: ["z"] }, { name: "b", image: "b:1" }],
      },
    });
  });

  it("keeps live items in place and weaves applied ones in applied order", () => {
    const names = (l: unknown) => (l as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name);
    const merge = (live: string[], config: string[]) =>
      names(mergeObjects({ spec: { containers: live.map((name) => ({ name })) } }, { spec: { containers: config.map((name) => ({ name })) } }, schema));
    assert.deepEqual(merge(["a", "b", "c"], ["a", "b"]), ["a", "b", "c"]);
    assert.deepEqual(merge(["a", "b"], ["a", "b", "c"]), ["a", "b", "c"]);
    assert.deepEqual(merge(["a", "b", "c"], ["c", "a"]), ["b", "c", "a"]);
    assert.deepEqual(merge(["x"], ["y"]), ["x", "y"]);
  });

  it("merges sets by value", () => {
    const merged = mergeObjects({ metadata: { finalizers: ["a", "b"] } }, { metadata: { finalizers: ["c", "a"] } }, schema);
    assert.deepEqual(merged, { metadata: { finalizers: ["c", "a", "b"] } });
  });
});

describe("RemoveItems and EnsureNamedFieldsAreMembers", () => {
  it("removes owned fields and list items with what is below them", () => {
    const obj = { metadata: { labels: { a: "1", b: "2" } }, spec: { containers: [{ name: "a", image: "x" }, { name: "b" }], strategy: { type: "Recreate" } } };
    const toRemove = FieldSet.of(
      [{ field: "metadata" }, { field: "labels" }, { field: "a" }],
      [{ field: "spec" }, { field: "containers" }, { key: [["name", "b"]] }],
      [{ field: "spec" }, { field: "strategy" }, { field: "type" }],
    );
    assert.deepEqual(removeItems(obj, toRemove, schema), { metadata: { labels: { b: "2" } }, spec: { containers: [{ name: "a", image: "x" }] } });
  });

  it("makes struct fields with owned children members, but not map entries' parents", () => {
    const set = FieldSet.of([{ field: "spec" }, { field: "strategy" }, { field: "type" }], [{ field: "metadata" }, { field: "labels" }, { field: "a" }]);
    assert.deepEqual(paths(ensureNamedFieldsAreMembers(set, schema)), [
      ".metadata",
      ".spec",
      ".metadata.labels",
      ".metadata.labels.a",
      ".spec.strategy",
      ".spec.strategy.type",
    ]);
  });
});
