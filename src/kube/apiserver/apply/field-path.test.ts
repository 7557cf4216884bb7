import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  compareElements,
  FieldPathError,
  goJsonString,
  keyElement,
  parseElement,
  pathToString,
  serializeElement,
  UNKNOWN_ELEMENT,
  type PathElement,
} from "./field-path.js";

describe("managedFields path elements", () => {
  it("spells each element kind as upstream serializes it", () => {
    assert.equal(serializeElement({ field: "replicas" }), "f:replicas");
    assert.equal(serializeElement(keyElement([["name", "nginx"]])), 'k:{"name":"nginx"}');
    // Keys are sorted by name whatever order the item had them in.
    assert.equal(serializeElement(keyElement([["protocol", "TCP"], ["containerPort", 80]])), 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(serializeElement({ value: "example.com/finalizer" }), 'v:"example.com/finalizer"');
    assert.equal(serializeElement({ index: 3 }), "i:3");
  });

  it("escapes strings the way Go's encoder does", () => {
    assert.equal(goJsonString("a<b>&c"), '"a\\u003cb\\u003e\\u0026c"');
    assert.equal(goJsonString('q"\\\n\t\u0001'), '"q\\"\\\\\\n\\t\\u0001"');
    assert.equal(serializeElement({ value: "<x>" }), 'v:"\\u003cx\\u003e"');
    assert.equal(goJsonString("\b\f<\\b"), '"\\u0008\\u000c\\u003c\\\\b"');
  });

  it("parses what it serializes and refuses malformed keys", () => {
    for (const pe of [{ field: "a.b/c" }, keyElement([["uid", "1"], ["name", "x"]]), { value: 8080 }, { index: 0 }] as PathElement[]) {
      const parsed = parseElement(serializeElement(pe));
      assert.notEqual(parsed, UNKNOWN_ELEMENT);
      assert.equal(serializeElement(parsed as PathElement), serializeElement(pe));
    }
    assert.throws(() => parseElement("f"), (e: Error) => e instanceof FieldPathError && e.message === "key must be 2 characters long:");
    assert.throws(() => parseElement("fx"), /missing colon: fx/);
    assert.throws(() => parseElement("k:{bad"), FieldPathError);
    assert.throws(() => parseElement("i:x"), /invalid syntax/);
    // Element types from a newer version are skipped, not refused.
    assert.equal(parseElement("z:anything"), UNKNOWN_ELEMENT);
  });

  it("orders fields before keys, values and indexes, each by content", () => {
    const elements: PathElement[] = [{ index: 1 }, { value: "b" }, keyElement([["name", "b"]]), { field: "b" }, { value: 2 }, keyElement([["name", "a"]]), { field: "a" }, { index: 0 }];
    const sorted = [...elements].sort(compareElements).map(serializeElement);
    assert.deepEqual(sorted, ["f:a", "f:b", 'k:{"name":"a"}', 'k:{"name":"b"}', "v:2", 'v:"b"', "i:0", "i:1"]);
    // Go compares strings by bytes: upper case sorts before lower case.
    assert.ok(compareElements({ field: "Z" }, { field: "a" }) < 0);
  });

  it("prints paths as conflict messages show them", () => {
    const path: PathElement[] = [{ field: "spec" }, { field: "template" }, { field: "spec" }, { field: "containers" }, keyElement([["name", "nginx"]]), { field: "image" }];
    assert.equal(pathToString(path), '.spec.template.spec.containers[name="nginx"].image');
    assert.equal(pathToString([{ field: "ports" }, keyElement([["protocol", "TCP"], ["containerPort", 80]])]), '.ports[containerPort=80,protocol="TCP"]');
    assert.equal(pathToString([{ field: "metadata" }, { field: "finalizers" }, { value: "a" }]), '.metadata.finalizers[="a"]');
    assert.equal(pathToString([{ field: "args" }, { index: 2 }]), ".args[2]");
  });
});
