import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../api/types.js";
import {
  CORE_PATCH_SCHEMA,
  PatchError,
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  mergePatchSchemas,
  objectMetaSchema,
  patchTypeOf,
  podSpecSchema,
  type PatchSchema,
} from "./patch.js";
import { seededRandom } from "../../shared/seeded-random.js";

/** Asserts a PatchError with this status; returns it for further checks. */
function rejects(fn: () => unknown, code: number, message: string | RegExp): PatchError {
  let caught: unknown;
  assert.throws(fn, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof PatchError, `expected PatchError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (typeof message === "string") assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}

const GENERIC_422 = "the server rejected our request due to an error in our request";

describe("patchTypeOf", () => {
  const cases: [string, ReturnType<typeof patchTypeOf>][] = [
    ["application/json-patch+json", "json"],
    ["application/merge-patch+json", "merge"],
    ["application/strategic-merge-patch+json", "strategic"],
    ["application/apply-patch+yaml", "apply"],
    ["application/merge-patch+json; charset=utf-8", "merge"],
    ["application/merge-patch+json;charset=utf-8", "merge"],
    ["application/merge-patch+json ; charset=utf-8", undefined],
    ["Application/Merge-Patch+JSON", undefined],
    ["application/json", undefined],
    ["application/apply-patch+cbor", undefined],
    ["", undefined],
    [";application/merge-patch+json", undefined],
  ];
  for (const [contentType, expected] of cases) {
    it(`${JSON.stringify(contentType)} → ${String(expected)}`, () => assert.equal(patchTypeOf(contentType), expected));
  }
});

const pod = (): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "default", labels: { app: "web" } },
  spec: {
    containers: [
      { name: "web", image: "nginx:1", ports: [{ containerPort: 80 }] },
      { name: "log", image: "busybox", args: ["tail"] },
    ],
    tolerations: [{ key: "a", operator: "Exists" }],
  },
});

describe("applyJsonPatch", () => {
  it("applies add, remove, replace, move, copy and test", () => {
    const out = applyJsonPatch(pod(), [
      { op: "test", path: "/metadata/name", value: "web" },
      { op: "add", path: "/metadata/labels/tier", value: "front" },
      { op: "replace", path: "/spec/containers/0/image", value: "nginx:2" },
      { op: "remove", path: "/spec/tolerations" },
      { op: "copy", from: "/spec/containers/0/ports", path: "/spec/containers/1/ports" },
      { op: "move", from: "/metadata/labels/app", path: "/metadata/labels/name" },
      { op: "add", path: "/spec/containers/1/args/-", value: "-f" },
      { op: "add", path: "/spec/containers/1/args/0", value: "sh" },
    ]);
    assert.deepEqual(out, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", namespace: "default", labels: { tier: "front", name: "web" } },
      spec: {
        containers: [
          { name: "web", image: "nginx:2", ports: [{ containerPort: 80 }] },
          { name: "log", image: "busybox", args: ["sh", "tail", "-f"], ports: [{ containerPort: 80 }] },
        ],
      },
    });
  });

  it("applies the body of kubectl rollout undo", () => {
    const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1" }] } };
    const deploy = {
      kind: "Deployment",
      metadata: { name: "d", annotations: { "deployment.kubernetes.io/revision": "2" } },
      spec: { template: { spec: { containers: [{ name: "c", image: "nginx:2" }] } } },
    };
    const out = applyJsonPatch(deploy, [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: { "deployment.kubernetes.io/revision": "1" } },
    ]);
    assert.deepEqual(out.spec, { template });
    assert.deepEqual(out.metadata?.annotations, { "deployment.kubernetes.io/revision": "1" });
  });

  it("never mutates the document or shares the patch's values", () => {
    const doc = pod();
    const before = structuredClone(doc);
    const value = { env: "prod" };
    const out = applyJsonPatch(doc, [
      { op: "add", path: "/metadata/annotations", value },
      { op: "remove", path: "/spec/containers/1" },
    ]);
    assert.deepEqual(doc, before);
    (out.metadata?.annotations as Record<string, string>).env = "dev";
    assert.equal(value.env, "prod");
  });

  describe("evanphx/json-patch v4 quirks that kube-apiserver has", () => {
    it("replace of a missing object key adds it", () => {
      const out = applyJsonPatch(pod(), [{ op: "replace", path: "/spec/nodeName", value: "n1" }]);
      assert.equal((out.spec as Record<string, unknown>).nodeName, "n1");
    });

    it("replace of a missing array index fails", () => {
      const err = rejects(() => applyJsonPatch(pod(), [{ op: "replace", path: "/spec/containers/5", value: {} }]), 422, GENERIC_422);
      assert.equal(err.underlying, "replace operation does not apply: doc is missing key: /spec/containers/5: missing value");
    });

    it("negative array indexes count from the end", () => {
      const out = applyJsonPatch(pod(), [
        { op: "replace", path: "/spec/containers/-1/image", value: "alpine" },
        { op: "add", path: "/spec/containers/-1/args/-1", value: "last" },
        { op: "remove", path: "/spec/containers/-2/ports/-1" },
      ]);
      const [web, log] = (out.spec as { containers: Record<string, unknown>[] }).containers;
      assert.deepEqual(web?.ports, []);
      assert.equal(log?.image, "alpine");
      assert.deepEqual(log?.args, ["tail", "last"]);
    });

    it("copy from a missing key copies null, and an op without value adds null", () => {
      const out = applyJsonPatch(pod(), [
        { op: "copy", from: "/metadata/nope", path: "/metadata/copied" },
        { op: "add", path: "/metadata/novalue" },
      ]);
      assert.equal(out.metadata?.copied, null);
      assert.equal(out.metadata?.novalue, null);
    });

    it("test of a missing key passes against null only", () => {
      applyJsonPatch(pod(), [{ op: "test", path: "/metadata/uid", value: null }]);
      const err = rejects(() => applyJsonPatch(pod(), [{ op: "test", path: "/metadata/uid", value: "x" }]), 422, GENERIC_422);
      assert.equal(err.underlying, "testing value /metadata/uid failed: test failed");
    });

    it("a path without a leading slash loses its first segment", () => {
      const out = applyJsonPatch(pod(), [{ op: "add", path: "spec/x", value: 1 }]);
      assert.equal(out.x, 1);
    });

    it("replacing the root takes objects, ignores scalars and fails on arrays", () => {
      assert.deepEqual(applyJsonPatch(pod(), [{ op: "replace", path: "", value: { kind: "Pod" } }]), { kind: "Pod" });
      assert.deepEqual(applyJsonPatch(pod(), [{ op: "replace", path: "", value: 5 }]), pod());
      const err = rejects(() => applyJsonPatch(pod(), [{ op: "replace", path: "", value: [1] }]), 422, /^ "" is invalid: patch: Invalid value: "\[1\]": couldn't get version\/kind; json parse error: json: cannot unmarshal array into Go value of type struct/);
      assert.deepEqual(err.details?.causes?.[0]?.field, "patch");
    });
  });

  describe("errors", () => {
    const failures: [string, unknown[], string][] = [
      ["remove of a missing key", [{ op: "remove", path: "/spec/nope" }], "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value"],
      ["add under a missing parent", [{ op: "add", path: "/status/phase", value: "x" }], 'add operation does not apply: doc is missing path: "/status/phase"'],
      ["add at the root", [{ op: "add", path: "", value: {} }], 'add operation does not apply: doc is missing path: ""'],
      ["add past the end", [{ op: "add", path: "/spec/containers/3", value: {} }], "Unable to access invalid index: 3: invalid index referenced"],
      ["a non-numeric index", [{ op: "remove", path: "/spec/containers/x" }], 'strconv.Atoi: parsing "x": invalid syntax'],
      ["an unknown op", [{ op: "frob", path: "/a" }], "Unexpected kind: frob"],
      ["a null op", [null], "Unexpected kind: unknown"],
      ["a missing path", [{ op: "add", value: 1 }], "add operation failed to decode path"],
      ["a failed test", [{ op: "test", path: "/metadata/name", value: "db" }], "testing value /metadata/name failed: test failed"],
      ["the prototype", [{ op: "add", path: "/metadata/__proto__", value: { polluted: true } }], "__proto__"],
    ];
    for (const [what, ops, underlying] of failures) {
      it(`422 for ${what}`, () => {
        const err = rejects(() => applyJsonPatch(pod(), ops), 422, GENERIC_422);
        assert.equal(err.reason, "Invalid");
        assert.deepEqual(err.details, {});
        assert.ok(err.underlying?.includes(underlying), err.underlying);
      });
    }

    it("leaves Object.prototype alone", () => {
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it("400 for a body that is not a list of operations", () => {
      rejects(() => applyJsonPatch(pod(), { op: "add" }), 400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
      rejects(() => applyJsonPatch(pod(), ["add"]), 400, "json: cannot unmarshal string into Go value of type jsonpatch.Operation");
      assert.equal(rejects(() => applyJsonPatch(pod(), 3), 400, /number/).reason, "BadRequest");
    });

    it("treats a null body as no operations", () => {
      assert.deepEqual(applyJsonPatch(pod(), null), pod());
    });

    it("413 beyond 10000 operations", () => {
      const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "/kind", value: "Pod" }));
      const err = rejects(() => applyJsonPatch(pod(), ops), 413, "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001");
      assert.equal(err.reason, "RequestEntityTooLarge");
    });

    it("caps the bytes copied at 3 MiB", () => {
      const doc = { kind: "ConfigMap", data: { big: "x".repeat(2 * 1024 * 1024) } };
      applyJsonPatch(doc, [{ op: "copy", from: "/data/big", path: "/data/one" }]);
      const err = rejects(
        () => applyJsonPatch(doc, [{ op: "copy", from: "/data/big", path: "/data/one" }, { op: "copy", from: "/data/big", path: "/data/two" }]),
        422,
        GENERIC_422,
      );
      assert.match(err.underlying ?? "", /^Unable to complete the copy, the accumulated size increase of copy is 4194308, exceeding the limit 3145728$/);
    });
  });
});

describe("applyMergePatch", () => {
  // RFC 7386 appendix A, for the cases whose target is an object.
  const rfc: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [doc, patch, result] of rfc) {
    it(`${JSON.stringify(doc)} + ${JSON.stringify(patch)} = ${JSON.stringify(result)}`, () => {
      assert.deepEqual(applyMergePatch(doc as KubeObject, patch), result);
    });
  }

  it("applies the bodies of kubectl label and scale", () => {
    const out = applyMergePatch(pod(), { metadata: { labels: { tier: "front", app: null } } });
    assert.deepEqual(out.metadata?.labels, { tier: "front" });
    const scaled = applyMergePatch({ kind: "Scale", spec: { replicas: 1 }, status: { replicas: 1 } }, { spec: { replicas: 3 } });
    assert.deepEqual(scaled, { kind: "Scale", spec: { replicas: 3 }, status: { replicas: 1 } });
  });

  it("replaces lists, keeping nulls inside them but pruning nulls from new objects", () => {
    const out = applyMergePatch({ a: 1 }, { list: [null, { x: null, y: 1 }], obj: { x: null, nested: { z: null } } });
    assert.deepEqual(out, { a: 1, list: [null, { y: 1 }], obj: { nested: {} } });
  });

  it("never mutates its inputs", () => {
    const doc = pod();
    const patch = { metadata: { labels: { app: null, x: { y: null } } } };
    const before = structuredClone(doc);
    const patchBefore = structuredClone(patch);
    applyMergePatch(doc, patch);
    assert.deepEqual(doc, before);
    assert.deepEqual(patch, patchBefore);
  });

  it("keeps a __proto__ key as data", () => {
    const out = applyMergePatch({ spec: {} }, JSON.parse('{"spec":{"__proto__":{"polluted":true}}}'));
    const spec = out.spec as Record<string, unknown>;
    assert.ok(Object.hasOwn(spec, "__proto__"));
    assert.equal(Object.getPrototypeOf(spec), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("400 Invalid JSON Patch for null or scalar patches, 422 for arrays", () => {
    rejects(() => applyMergePatch(pod(), null), 400, "Invalid JSON Patch");
    rejects(() => applyMergePatch(pod(), "x"), 400, "Invalid JSON Patch");
    rejects(() => applyMergePatch(pod(), 1), 400, "Invalid JSON Patch");
    rejects(() => applyMergePatch(pod(), [1, null]), 422, /^ "" is invalid: patch: Invalid value: "\[1,null\]"/);
  });
});

/** apimachinery strategicpatch's test type MergeItem, as path facts. */
const MERGE_ITEM: PatchSchema = {
  lists: {
    mergingList: { strategy: "merge", mergeKey: "name" },
    "mergingList[].mergingList": { strategy: "merge", mergeKey: "name" },
    mergingIntList: { strategy: "merge" },
    mergeItemPtr: { strategy: "merge", mergeKey: "name" },
    retainKeysMergingList: { strategy: "merge,retainKeys", mergeKey: "name" },
    "retainKeysMap.mergingIntList": { strategy: "merge" },
    "retainKeysMap.mergingList": { strategy: "merge", mergeKey: "name" },
  },
  maps: { retainKeysMap: { strategy: "retainKeys" }, replacingItem: { strategy: "replace" } },
};

const smp = (doc: unknown, patch: unknown, schema: PatchSchema = MERGE_ITEM): unknown =>
  applyStrategicMergePatch(doc as KubeObject, patch, schema);

describe("applyStrategicMergePatch: upstream test vectors (apimachinery v0.33 strategicpatch/patch_test.go)", () => {
  const vectors: [string, unknown, unknown, unknown][] = [
    ["unique scalars when merging lists", { mergingIntList: [1, 2] }, { mergingIntList: [2, 3] }, { mergingIntList: [1, 2, 3] }],
    ["delete map from nested map", { simpleMap: { key1: 1, key2: 1 } }, { simpleMap: { $patch: "delete" } }, { simpleMap: {} }],
    ["delete all items from merging list", { mergingList: [{ name: 1 }, { name: 2 }] }, { mergingList: [{ $patch: "replace" }] }, { mergingList: [] }],
    ["merge empty merging lists", { mergingList: [] }, { mergingList: [] }, { mergingList: [] }],
    ["delete all keys from map", { name: 1, value: 1 }, { $patch: "replace" }, {}],
    ["add key and delete all keys from map", { name: 1, value: 1 }, { other: "a", $patch: "replace" }, { other: "a" }],
    [
      "delete all duplicate entries in a merging list",
      { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: "a" }, { name: 3 }, { name: 3 }] },
      { mergingList: [{ name: 1, $patch: "delete" }, { name: 3, $patch: "delete" }] },
      { mergingList: [{ name: 2, value: "a" }] },
    ],
    ["retainKeys map can delete a field when no retainKeys directive present", { retainKeysMap: { name: "foo", value: "a" } }, { retainKeysMap: { value: null } }, { retainKeysMap: { name: "foo" } }],
    [
      "preserve the order from the patch in a merging list",
      { mergingList: [{ name: 1 }, { name: 2, value: "b" }, { name: 3 }] },
      { mergingList: [{ name: 3, value: "c" }, { name: 1, value: "a" }, { name: 2, other: "x" }] },
      { mergingList: [{ name: 3, value: "c" }, { name: 1, value: "a" }, { name: 2, value: "b", other: "x" }] },
    ],
    [
      "preserve the order from the patch in a merging list 2",
      { mergingList: [{ name: 1 }, { name: 2, value: "b" }, { name: 3 }] },
      { mergingList: [{ name: 3, value: "c" }, { name: 1, value: "a" }] },
      { mergingList: [{ name: 2, value: "b" }, { name: 3, value: "c" }, { name: 1, value: "a" }] },
    ],
    ["preserve the order from the patch in a merging int list", { mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] }, { mergingIntList: [2, 3, 1] }],
    [
      "$setElementOrder contains item that is not present in the list to be merged",
      { mergingList: [{ name: 1 }, { name: 3 }] },
      { "$setElementOrder/mergingList": [{ name: 3 }, { name: 2 }, { name: 1 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
      { mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
    ],
    ["$setElementOrder on an int list", { mergingIntList: [1, 3] }, { "$setElementOrder/mergingIntList": [3, 2, 1] }, { mergingIntList: [3, 1] }],
    ["$deleteFromPrimitiveList of a nonexistent item", { mergingIntList: [1, 2] }, { "$deleteFromPrimitiveList/mergingIntList": [3] }, { mergingIntList: [1, 2] }],
    ["$deleteFromPrimitiveList on a nonexistent list", { foo: ["bar"] }, { "$deleteFromPrimitiveList/mergingIntList": [3] }, { foo: ["bar"] }],
    ["$deleteFromPrimitiveList from a merging list", { mergingIntList: [1, 2, 3] }, { "$deleteFromPrimitiveList/mergingIntList": [2] }, { mergingIntList: [1, 3] }],
    ["$deleteFromPrimitiveList from a non-merging list", { nonMergingIntList: [1, 2, 3] }, { "$deleteFromPrimitiveList/nonMergingIntList": [2] }, { nonMergingIntList: [1, 3] }],
    [
      "set elements order in a list with server-only items",
      { mergingList: [{ name: 1, other: "a" }, { name: 3, value: 3 }, { name: 4, value: 4 }, { name: 2, value: 2 }, { name: 9 }] },
      { "$setElementOrder/mergingList": [{ name: 4 }, { name: 2 }, { name: 3 }, { name: 1 }] },
      { mergingList: [{ name: 4, value: 4 }, { name: 2, value: 2 }, { name: 3, value: 3 }, { name: 1, other: "a" }, { name: 9 }] },
    ],
    [
      "set elements order in a list with server-only items 2",
      { mergingList: [{ name: 1, other: "a" }, { name: 2, value: 2 }, { name: 9 }, { name: 3, value: 3 }, { name: 4, value: 4 }] },
      { "$setElementOrder/mergingList": [{ name: 2 }, { name: 1 }, { name: 4 }, { name: 3 }] },
      { mergingList: [{ name: 2, value: 2 }, { name: 1, other: "a" }, { name: 9 }, { name: 4, value: 4 }, { name: 3, value: 3 }] },
    ],
    [
      "set elements order in a list with server-only items 3",
      { mergingList: [{ name: 1, other: "a" }, { name: 2, value: 2 }, { name: 7 }, { name: 9 }, { name: 8 }, { name: 3, value: 3 }, { name: 4, value: 4 }] },
      { "$setElementOrder/mergingList": [{ name: 2 }, { name: 1 }, { name: 4 }, { name: 3 }] },
      { mergingList: [{ name: 2, value: 2 }, { name: 1, other: "a" }, { name: 7 }, { name: 9 }, { name: 8 }, { name: 4, value: 4 }, { name: 3, value: 3 }] },
    ],
    [
      "behavior of set element order for a merging list with duplicate",
      { mergingList: [{ name: 1 }, { name: 2, value: "dup1" }, { name: 3 }, { name: 2, value: "dup2" }, { name: 4 }] },
      { "$setElementOrder/mergingList": [{ name: 2 }, { name: 1 }, { name: 4 }, { name: 3 }, { name: 2 }] },
      { mergingList: [{ name: 2, value: "dup1" }, { name: 2, value: "dup2" }, { name: 1 }, { name: 4 }, { name: 3 }] },
    ],
    [
      "add and delete an item in a list and preserve order",
      { mergingList: [{ name: 1, other: "a" }, { name: 2, value: 2, other: "b" }, { name: 3, value: 3 }] },
      {
        "$setElementOrder/mergingList": [{ name: 4 }, { name: 2 }, { name: 1 }],
        mergingList: [{ name: 4, value: 4 }, { name: 3, $patch: "delete" }],
      },
      { mergingList: [{ name: 4, value: 4 }, { name: 2, value: 2, other: "b" }, { name: 1, other: "a" }] },
    ],
    [
      "delete and reorder in one list, reorder in another",
      { mergingList: [{ name: "a", value: "a" }, { name: "b", value: "b" }], mergeItemPtr: [{ name: "c", value: "c" }, { name: "d", value: "d" }] },
      {
        "$setElementOrder/mergingList": [{ name: "b" }],
        "$setElementOrder/mergeItemPtr": [{ name: "d" }, { name: "c" }],
        mergingList: [{ $patch: "delete", name: "a" }],
      },
      { mergingList: [{ name: "b", value: "b" }], mergeItemPtr: [{ name: "d", value: "d" }, { name: "c", value: "c" }] },
    ],
    [
      "retainKeys list of maps changes a field and clears a field",
      { retainKeysMergingList: [{ name: "bar" }, { name: "foo", value: "old", other: "x" }] },
      {
        "$setElementOrder/retainKeysMergingList": [{ name: "bar" }, { name: "foo" }],
        retainKeysMergingList: [{ $retainKeys: ["name", "value"], name: "foo", value: "new" }],
      },
      { retainKeysMergingList: [{ name: "bar" }, { name: "foo", value: "new" }] },
    ],
    ["retainKeys map should clear defaulted field", { retainKeysMap: { value: "foo" } }, { retainKeysMap: { $retainKeys: ["other"], other: "bar" } }, { retainKeysMap: { other: "bar" } }],
    [
      "add field to map in merging list nested in merging list",
      { mergingList: [{ name: 1, mergingList: [{ name: 1 }, { name: 2, value: 2 }] }, { name: 2 }] },
      { mergingList: [{ name: 1, mergingList: [{ name: 1, value: 1 }] }] },
      { mergingList: [{ name: 1, mergingList: [{ name: 1, value: 1 }, { name: 2, value: 2 }] }, { name: 2 }] },
    ],
    ["replace a field whose strategy is replace", { replacingItem: { a: 1, b: { c: 2 } }, name: "x" }, { replacingItem: { d: 3 } }, { replacingItem: { d: 3 }, name: "x" }],
  ];
  for (const [description, original, patch, result] of vectors) {
    it(description, () => assert.deepEqual(smp(original, patch), result));
  }

  it("checks $setElementOrder against the patch list", () => {
    rejects(
      () =>
        smp(
          { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
          { "$setElementOrder/mergingList": [{ name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
        ),
      500,
      "The order in patch list:\n[map[name:3 value:3] map[name:1 value:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]\n",
    );
    rejects(() => smp({ mergingIntList: [1, 3, 2] }, { "$setElementOrder/mergingIntList": [1, 2, 3], mergingIntList: [3, 1] }), 500, /doesn't match/);
  });

  it("requires the merge key", () => {
    rejects(() => smp({ mergingList: [{ name: 1, value: "a" }] }, { mergingList: [{ value: "b" }] }), 500, "map: map[value:b] does not contain declared merge key: name");
  });
});

const deployment = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "d",
    namespace: "default",
    annotations: { "deployment.kubernetes.io/revision": "1" },
    finalizers: ["a.example.com/x", "b.example.com/y"],
  },
  spec: {
    replicas: 1,
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    template: {
      metadata: { labels: { app: "d" } },
      spec: {
        containers: [
          {
            name: "c",
            image: "nginx:1",
            ports: [{ containerPort: 80, protocol: "TCP" }],
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
            resources: { limits: { cpu: "1" } },
          },
        ],
        volumes: [{ name: "data", emptyDir: {} }],
        tolerations: [{ key: "t1", operator: "Exists" }],
      },
    },
  },
});

const containersOf = (obj: KubeObject): Record<string, unknown>[] =>
  ((obj.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers);
const templateSpecOf = (obj: KubeObject): Record<string, unknown> =>
  (obj.spec as { template: { spec: Record<string, unknown> } }).template.spec;

describe("applyStrategicMergePatch: what kubectl sends", () => {
  it("kubectl set image: image changes, every other container field stays", () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { spec: { template: { spec: { "$setElementOrder/containers": [{ name: "c" }], containers: [{ image: "nginx:2", name: "c" }] } } } },
      CORE_PATCH_SCHEMA,
    );
    const expected = structuredClone(deployment());
    const first = containersOf(expected)[0];
    assert.ok(first);
    first.image = "nginx:2";
    assert.deepEqual(out, expected);
  });

  it("kubectl apply re-apply: annotation, replicas and container merged", () => {
    const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment"}';
    const out = applyStrategicMergePatch(
      deployment(),
      {
        metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": lastApplied } },
        spec: {
          replicas: 2,
          template: { spec: { "$setElementOrder/containers": [{ name: "c" }], containers: [{ image: "nginx:2", name: "c" }] } },
        },
      },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(out.metadata?.annotations, {
      "deployment.kubernetes.io/revision": "1",
      "kubectl.kubernetes.io/last-applied-configuration": lastApplied,
    });
    assert.equal((out.spec as { replicas: number }).replicas, 2);
    assert.deepEqual(containersOf(out)[0], { ...containersOf(deployment())[0], image: "nginx:2" });
  });

  it("kubectl rollout restart: template annotation added", () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" } } } } },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual((out.spec as { template: { metadata: unknown } }).template.metadata, {
      labels: { app: "d" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" },
    });
  });

  it("kubectl set env: env merged by name, with $setElementOrder and a deletion", () => {
    const out = applyStrategicMergePatch(
      deployment(),
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "c" }],
              containers: [
                {
                  "$setElementOrder/env": [{ name: "C" }, { name: "A" }],
                  env: [{ name: "C", value: "3" }, { name: "A", value: "one" }, { $patch: "delete", name: "B" }],
                  name: "c",
                },
              ],
            },
          },
        },
      },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(containersOf(out)[0]?.env, [
      { name: "C", value: "3" },
      { name: "A", value: "one" },
    ]);
  });

  it("a new container without $setElementOrder goes first, as upstream puts it", () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { spec: { template: { spec: { containers: [{ name: "sidecar", image: "envoy" }] } } } },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(
      containersOf(out).map((c) => c.name),
      ["sidecar", "c"],
    );
  });

  it("$setElementOrder places a new container", () => {
    const out = applyStrategicMergePatch(
      deployment(),
      {
        spec: {
          template: {
            spec: { "$setElementOrder/containers": [{ name: "c" }, { name: "sidecar" }], containers: [{ name: "sidecar", image: "envoy" }] },
          },
        },
      },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(
      containersOf(out).map((c) => c.name),
      ["c", "sidecar"],
    );
  });

  it("$patch: delete removes a container by name", () => {
    const doc = deployment();
    containersOf(doc).push({ name: "sidecar", image: "envoy" });
    const out = applyStrategicMergePatch(doc, { spec: { template: { spec: { containers: [{ $patch: "delete", name: "c" }] } } } }, CORE_PATCH_SCHEMA);
    assert.deepEqual(containersOf(out), [{ name: "sidecar", image: "envoy" }]);
  });

  it("$patch: replace in a list replaces the whole list", () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { spec: { template: { spec: { containers: [{ name: "only", image: "x" }, { $patch: "replace" }] } } } },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(containersOf(out), [{ name: "only", image: "x" }]);
  });

  it("$retainKeys switches a volume's source and a Deployment's strategy", () => {
    const out = applyStrategicMergePatch(
      deployment(),
      {
        spec: {
          strategy: { $retainKeys: ["type"], type: "Recreate" },
          template: { spec: { volumes: [{ $retainKeys: ["configMap", "name"], configMap: { name: "cm" }, name: "data" }] } },
        },
      },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual((out.spec as { strategy: unknown }).strategy, { type: "Recreate" });
    assert.deepEqual(templateSpecOf(out).volumes, [{ name: "data", configMap: { name: "cm" } }]);
  });

  it("finalizers: $deleteFromPrimitiveList and set union", () => {
    const removed = applyStrategicMergePatch(
      deployment(),
      { metadata: { "$deleteFromPrimitiveList/finalizers": ["a.example.com/x"] } },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(removed.metadata?.finalizers, ["b.example.com/y"]);
    const added = applyStrategicMergePatch(deployment(), { metadata: { finalizers: ["c.example.com/z", "a.example.com/x"] } }, CORE_PATCH_SCHEMA);
    assert.deepEqual(added.metadata?.finalizers, ["c.example.com/z", "a.example.com/x", "b.example.com/y"]);
    const ordered = applyStrategicMergePatch(
      deployment(),
      { metadata: { "$setElementOrder/finalizers": ["b.example.com/y", "c.example.com/z"], finalizers: ["c.example.com/z"] } },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(ordered.metadata?.finalizers, ["a.example.com/x", "b.example.com/y", "c.example.com/z"]);
  });

  it("ownerReferences merge by uid, Service ports by port", () => {
    const owned = applyStrategicMergePatch(
      { metadata: { ownerReferences: [{ uid: "1", name: "a", controller: true }] } },
      { metadata: { ownerReferences: [{ uid: "1", controller: false }, { uid: "2", name: "b" }] } },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(owned.metadata?.ownerReferences, [
      { uid: "1", name: "a", controller: false },
      { uid: "2", name: "b" },
    ]);
    const svc = applyStrategicMergePatch(
      { kind: "Service", spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } },
      { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual((svc.spec as { ports: unknown }).ports, [{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });

  it("null deletes; lists without facts (tolerations) are replaced", () => {
    const out = applyStrategicMergePatch(
      deployment(),
      {
        metadata: { annotations: { "deployment.kubernetes.io/revision": null } },
        spec: { template: { spec: { tolerations: [{ key: "t2", operator: "Exists" }] } } },
      },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(out.metadata?.annotations, {});
    assert.deepEqual(templateSpecOf(out).tolerations, [{ key: "t2", operator: "Exists" }]);
    const noSchema = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: "x" }] } } } }, { lists: {} });
    assert.deepEqual(containersOf(noSchema), [{ name: "x" }]);
  });

  it("drops nulls and directives from values the object did not have", () => {
    const out = applyStrategicMergePatch(
      { metadata: { name: "x" } },
      { spec: { a: null, b: { c: null, d: 1 }, gone: { $patch: "delete" } }, status: { $patch: "replace", phase: "x" } },
      CORE_PATCH_SCHEMA,
    );
    assert.deepEqual(out, { metadata: { name: "x" }, spec: { b: { d: 1 } } });
  });

  it("$patch: delete on a map leaves it empty; on the whole object empties it", () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { strategy: { $patch: "delete" } } }, CORE_PATCH_SCHEMA);
    assert.deepEqual((out.spec as { strategy: unknown }).strategy, {});
    assert.deepEqual(applyStrategicMergePatch(deployment(), { $patch: "delete" }, CORE_PATCH_SCHEMA), {});
  });

  it("never mutates its inputs", () => {
    const doc = deployment();
    const patch = {
      metadata: { "$deleteFromPrimitiveList/finalizers": ["a.example.com/x"] },
      spec: { template: { spec: { "$setElementOrder/containers": [{ name: "c" }], containers: [{ name: "c", image: "x", env: [{ name: "A", value: null }] }] } } },
    };
    const docBefore = structuredClone(doc);
    const patchBefore = structuredClone(patch);
    applyStrategicMergePatch(doc, patch, CORE_PATCH_SCHEMA);
    assert.deepEqual(doc, docBefore);
    assert.deepEqual(patch, patchBefore);
  });

  it("a null body changes nothing", () => {
    assert.deepEqual(applyStrategicMergePatch(deployment(), null, CORE_PATCH_SCHEMA), deployment());
  });
});

describe("applyStrategicMergePatch: errors with upstream's statuses", () => {
  const cases: [string, unknown, number, string][] = [
    ["a list body", [1], 400, "json: cannot unmarshal array into Go value of type map[string]interface {}"],
    ["$patch: merge in a map", { spec: { strategy: { $patch: "merge", type: "x" } } }, 500, "unknown patch type: merge in map: map[$patch:merge type:x]"],
    ["an unknown $patch", { spec: { strategy: { $patch: 1 } } }, 500, "unknown patch type: %!s(int64=1) in map: map[$patch:1]"],
    [
      "$patch: merge in a list",
      { spec: { template: { spec: { containers: [{ $patch: "merge", name: "c" }] } } } },
      500,
      "merging lists cannot yet be specified in the patch",
    ],
    ["$retainKeys that is no list", { spec: { strategy: { $retainKeys: "type" } } }, 400, "invalid patch format of retainKeys"],
    ["a key missing from $retainKeys", { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: {} } } }, 400, "invalid patch format of retainKeys"],
    ["a malformed $deleteFromPrimitiveList", { metadata: { $deleteFromPrimitiveList: ["x"] } }, 400, "invalid patch format of primitive list"],
    ["a malformed $setElementOrder", { metadata: { "$setElementOrderX/finalizers": ["x"] } }, 400, "invalid patch format of setElementOrder list"],
    ["a $setElementOrder that is no list", { metadata: { "$setElementOrder/finalizers": "x" } }, 500, "expected a []interface {}, but received a string"],
    ["mixed element types", { metadata: { finalizers: [1] } }, 500, "list element types are not identical: [[a.example.com/x b.example.com/y] [1]]"],
    ["a container without name", { spec: { template: { spec: { containers: [{ image: "x" }] } } } }, 500, "map: map[image:x] does not contain declared merge key: name"],
  ];
  for (const [what, patch, code, message] of cases) {
    it(`${code} for ${what}`, () => {
      const err = rejects(() => applyStrategicMergePatch(deployment(), patch, CORE_PATCH_SCHEMA), code, message);
      assert.equal(err.reason, code === 400 ? "BadRequest" : "");
    });
  }

  it("422 for lists of lists", () => {
    const err = rejects(
      () => applyStrategicMergePatch({ spec: { ports: [[1]] } }, { spec: { ports: [[2]] } }, CORE_PATCH_SCHEMA),
      422,
      GENERIC_422,
    );
    assert.equal(err.underlying, "lists of lists are not supported");
  });
});

describe("applyStrategicMergePatch: the directives as the strategic-merge-patch design document shows them", () => {
  const pod = () => ({
    metadata: { name: "p", finalizers: ["a", "b"] },
    spec: {
      securityContext: { runAsUser: 1000 },
      containers: [
        { name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] },
        { name: "sidecar", image: "busybox" },
      ],
    },
  });
  const core = (doc: unknown, patch: unknown) => smp(doc, patch, CORE_PATCH_SCHEMA);

  it("$patch: replace in a map replaces that map with the rest of the patch", () => {
    const out = core(pod(), { spec: { $patch: "replace", containers: [{ name: "nginx", image: "nginx-1.0" }] } }) as ReturnType<typeof pod>;
    assert.deepEqual(out.spec, { containers: [{ name: "nginx", image: "nginx-1.0" }] });
    assert.deepEqual(out.metadata, pod().metadata, "maps outside the directive merge as usual");
  });

  it("$patch: delete in a map empties it", () => {
    const out = core(pod(), { spec: { securityContext: { $patch: "delete" } } }) as ReturnType<typeof pod>;
    assert.deepEqual(out.spec.securityContext, {});
  });

  it("a list item {$patch: replace} replaces a merging list; {$patch: delete, name} removes one item", () => {
    const replaced = core(pod(), { spec: { containers: [{ name: "nginx", image: "nginx-1.0" }, { $patch: "replace" }] } }) as ReturnType<typeof pod>;
    assert.deepEqual(replaced.spec.containers, [{ name: "nginx", image: "nginx-1.0" }]);
    const deleted = core(pod(), { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } }) as ReturnType<typeof pod>;
    assert.deepEqual(deleted.spec.containers.map((c) => c.name), ["nginx"]);
  });

  it("$patch: merge is refused where upstream refuses it", () => {
    rejects(() => core(pod(), { spec: { containers: [{ $patch: "merge" }] } }), 500, "merging lists cannot yet be specified in the patch");
    rejects(() => core(pod(), { spec: { $patch: "merge" } }), 500, /^unknown patch type: merge in map: /);
  });

  it("$deleteFromPrimitiveList and $setElementOrder on a list of scalars", () => {
    const removed = core(pod(), { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } }) as ReturnType<typeof pod>;
    assert.deepEqual(removed.metadata.finalizers, ["b"]);
    const ordered = core(pod(), { metadata: { "$setElementOrder/finalizers": ["b", "c", "a"], finalizers: ["c"] } }) as ReturnType<typeof pod>;
    assert.deepEqual(ordered.metadata.finalizers, ["b", "c", "a"]);
  });

  it("$retainKeys drops the keys not listed and refuses a patch that sets an unlisted key", () => {
    const strategy = { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } };
    assert.deepEqual(core(strategy, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }), { spec: { strategy: { type: "Recreate" } } });
    rejects(() => core(strategy, { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: { maxSurge: 2 } } } }), 400, "invalid patch format of retainKeys");
    rejects(() => core(strategy, { spec: { strategy: { $retainKeys: "type" } } }), 400, "invalid patch format of retainKeys");
  });

  it("a CronJob's job template merges containers by name, as kubectl set image sends it", () => {
    const cronJob = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "job", image: "busybox:1", args: ["date"] }, { name: "log", image: "fluentd" }] } } } } } };
    const patch = { spec: { jobTemplate: { spec: { template: { spec: { "$setElementOrder/containers": [{ name: "job" }, { name: "log" }], containers: [{ name: "job", image: "busybox:2" }] } } } } } };
    assert.deepEqual(core(cronJob, patch), {
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "job", image: "busybox:2", args: ["date"] }, { name: "log", image: "fluentd" }] } } } } },
    });
  });
});

describe("patch schema facts", () => {
  it("podSpecSchema reuses the PodSpec facts under any prefix", () => {
    const lists = podSpecSchema("spec.template.spec").lists;
    assert.deepEqual(lists["spec.template.spec.containers"], { strategy: "merge", mergeKey: "name" });
    assert.deepEqual(lists["spec.template.spec.initContainers[].env"], { strategy: "merge", mergeKey: "name" });
    assert.deepEqual(lists["spec.template.spec.containers[].ports"], { strategy: "merge", mergeKey: "containerPort" });
    assert.deepEqual(lists["spec.template.spec.volumes"], { strategy: "merge,retainKeys", mergeKey: "name" });
    assert.equal(lists["spec.template.spec.tolerations"], undefined);
    assert.equal(lists["spec.template.spec.containers[].envFrom"], undefined);
  });

  it("CORE_PATCH_SCHEMA covers pods, templates, services, nodes and object metadata", () => {
    const { lists } = CORE_PATCH_SCHEMA;
    for (const path of ["spec.containers", "template.spec.containers", "spec.template.spec.containers", "spec.ports", "status.conditions", "metadata.finalizers", "conditions", "secrets"]) {
      assert.ok(lists[path], path);
    }
    assert.deepEqual(lists["spec.hostAliases"], { strategy: "merge", mergeKey: "ip" });
    assert.deepEqual(lists["status.addresses"], { strategy: "merge", mergeKey: "type" });
  });

  it("mergePatchSchemas lets later schemas win", () => {
    const merged = mergePatchSchemas(objectMetaSchema(), { lists: { "metadata.finalizers": { strategy: "retainKeys" } } });
    assert.deepEqual(merged.lists["metadata.finalizers"], { strategy: "retainKeys" });
    assert.deepEqual(merged.lists["metadata.ownerReferences"], { strategy: "merge", mergeKey: "uid" });
  });
});


const KEYS = [
  "metadata", "spec", "template", "containers", "name", "image", "env", "value", "finalizers", "ports", "containerPort",
  "$patch", "$retainKeys", "$setElementOrder/containers", "$deleteFromPrimitiveList/finalizers", "$setElementOrder/finalizers",
  "__proto__", "0", "-", "",
];
const SCALARS: unknown[] = [null, "c", "log", "delete", "replace", "merge", "x", 0, 1, 80, -1, 1.5, true, "a.example.com/x"];

function randomValue(next: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const roll = next();
  if (depth <= 0 || roll < 0.4) return pick(SCALARS);
  if (roll < 0.65) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth - 1));
  const obj: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) {
    Object.defineProperty(obj, pick(KEYS), { value: randomValue(next, depth - 1), enumerable: true, writable: true, configurable: true });
  }
  return obj;
}

describe("patch fuzzing", () => {
  const POINTERS = ["", "/", "/spec", "/spec/containers", "/spec/containers/0", "/spec/containers/-", "/spec/containers/-1", "/spec/containers/9",
    "/spec/containers/0/image", "/metadata/labels/app", "/metadata/x~1y", "/metadata/__proto__", "spec/z", "/spec/containers/x/name", "/kind"];
  const OPS = ["add", "remove", "replace", "move", "copy", "test", "frob"];

  it("JSON patch returns an object or throws PatchError, and never touches its input", () => {
    const next = seededRandom(0x1a57);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    for (let i = 0; i < 2000; i++) {
      const doc = pod();
      const ops = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
        const op: Record<string, unknown> = { op: pick(OPS), path: pick(POINTERS) };
        if (next() < 0.5) op.from = pick(POINTERS);
        if (next() < 0.8) op.value = randomValue(next, 2);
        return op;
      });
      try {
        const out = applyJsonPatch(doc, ops);
        assert.ok(out !== null && typeof out === "object" && !Array.isArray(out));
      } catch (err) {
        assert.ok(err instanceof PatchError, `${JSON.stringify(ops)} threw ${String(err)}`);
      }
      assert.deepEqual(doc, pod());
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("merge and strategic merge patch return an object or throw PatchError, and never touch their inputs", () => {
    const next = seededRandom(0x5a7);
    for (let i = 0; i < 2000; i++) {
      const patch = randomValue(next, 4);
      const frozen = structuredClone(patch);
      for (const run of [
        () => applyMergePatch(deployment(), patch),
        () => applyStrategicMergePatch(deployment(), patch, CORE_PATCH_SCHEMA),
        () => applyStrategicMergePatch(deployment(), { spec: { template: { spec: patch } } }, CORE_PATCH_SCHEMA),
      ]) {
        try {
          const out = run();
          assert.ok(out !== null && typeof out === "object" && !Array.isArray(out));
        } catch (err) {
          assert.ok(err instanceof PatchError, `${JSON.stringify(patch)} threw ${String(err)}`);
        }
        assert.deepEqual(patch, frozen);
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
