import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FieldPathError, keyElement, pathToString, type Path } from "./field-path.js";
import { FieldSet } from "./field-set.js";

const f = (...names: string[]): Path => names.map((field) => ({ field }));
const container = (name: string) => keyElement([["name", name]]);

describe("FieldSet", () => {
  it("serializes as FieldsV1 with `.` after the children of a member", () => {
    const set = FieldSet.of(
      f("metadata", "labels", "app"),
      f("spec", "replicas"),
      [...f("spec", "containers"), container("nginx")],
      [...f("spec", "containers"), container("nginx"), { field: "image" }],
      [...f("spec", "containers"), container("nginx"), { field: "name" }],
    );
    const json = set.toFieldsV1();
    assert.equal(
      JSON.stringify(json),
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{"f:image":{},"f:name":{},".":{}}},"f:replicas":{}}}',
    );
  });

  it("reads FieldsV1 back, whatever the key order, and ignores unknown element types", () => {
    const json = {
      "f:spec": { "f:replicas": {}, "f:containers": { 'k:{"name":"a"}': { ".": {}, "f:image": {} } }, "x:future": {} },
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
    };
    const set = FieldSet.fromFieldsV1(json);
    assert.deepEqual(set.paths().map(pathToString), [
      ".metadata.labels",
      ".metadata.labels.app",
      ".spec.replicas",
      '.spec.containers[name="a"]',
      '.spec.containers[name="a"].image',
    ]);
    assert.ok(set.has([...f("spec", "containers"), container("a")]));
    assert.ok(!set.has(f("spec")));
    assert.deepEqual(FieldSet.fromFieldsV1(set.toFieldsV1()).toFieldsV1(), set.toFieldsV1());
    assert.throws(() => FieldSet.fromFieldsV1({ "f:spec": "nope" }), FieldPathError);
    assert.throws(() => FieldSet.fromFieldsV1([]), FieldPathError);
    assert.throws(() => FieldSet.fromFieldsV1({ q: {} }), /key must be 2 characters long/);
  });

  it("does set algebra member by member", () => {
    const a = FieldSet.of(f("a"), f("b", "c"), f("b", "d"));
    const b = FieldSet.of(f("b", "c"), f("e"));
    assert.deepEqual(a.union(b).paths().map(pathToString), [".a", ".e", ".b.c", ".b.d"]);
    assert.deepEqual(a.intersection(b).paths().map(pathToString), [".b.c"]);
    assert.deepEqual(a.difference(b).paths().map(pathToString), [".a", ".b.d"]);
    assert.ok(a.difference(a).isEmpty());
    assert.ok(a.equals(FieldSet.of(f("b", "d"), f("a"), f("b", "c"))));
  });

  it("removes whole subtrees in a recursive difference", () => {
    const set = FieldSet.of(f("status", "phase"), f("status", "conditions"), f("spec", "replicas"), f("status"));
    // A plain difference only removes the member itself.
    assert.deepEqual(set.difference(FieldSet.of(f("status"))).paths().map(pathToString), [".spec.replicas", ".status.conditions", ".status.phase"]);
    assert.deepEqual(set.recursiveDifference(FieldSet.of(f("status"))).paths().map(pathToString), [".spec.replicas"]);
  });

  it("gives the subset below an element", () => {
    const set = FieldSet.of(f("spec", "replicas"), f("spec", "paused"));
    assert.deepEqual(set.withPrefix({ field: "spec" }).paths().map(pathToString), [".paused", ".replicas"]);
    assert.ok(set.withPrefix({ field: "status" }).isEmpty());
  });
});
