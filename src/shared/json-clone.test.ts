import { test } from "node:test";
import assert from "node:assert/strict";
import { cloneJson } from "./json-clone.js";

test("cloneJson copies nested objects and arrays deeply, keeping key order, nulls and undefined", () => {
  const source = { b: 1, a: { list: [1, { x: null }], gone: undefined }, s: "t" };
  const copy = cloneJson(source);
  assert.deepEqual(copy, source);
  assert.deepEqual(Object.keys(copy), ["b", "a", "s"]);
  assert.ok("gone" in copy.a);
  copy.a.list.push(2);
  (copy.a.list[1] as { x: unknown }).x = 5;
  assert.deepEqual(source.a.list, [1, { x: null }]);
});

test("cloneJson keeps a parsed __proto__ key as data, not as the prototype", () => {
  const source = JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as Record<string, unknown>;
  const copy = cloneJson(source);
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.deepEqual(Object.keys(copy), ["__proto__", "k"]);
  assert.equal((copy as { polluted?: boolean }).polluted, undefined);
});

test("cloneJson copies values that are not plain data with structuredClone", () => {
  const when = new Date(0);
  const copy = cloneJson({ when });
  assert.notEqual(copy.when, when);
  assert.equal(copy.when.getTime(), 0);
});
