import { test } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults, prune, validateValue, type JSONSchemaProps } from "./schema.js";
import { readPath } from "./json-path.js";
import { validateCrd } from "./crd-validation.js";

const schema: JSONSchemaProps = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["image"],
      properties: {
        replicas: { type: "integer", minimum: 1, maximum: 10, default: 1 },
        image: { type: "string", minLength: 3, pattern: "^[a-z]+$" },
        mode: { type: "string", enum: ["Fast", "Slow"] },
        tags: { type: "array", maxItems: 2, items: { type: "string", maxLength: 4 } },
        port: { "x-kubernetes-int-or-string": true },
        extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        labels: { type: "object", additionalProperties: { type: "string" } },
        nested: { type: "object", default: {}, properties: { level: { type: "string", default: "info" } } },
      },
    },
  },
};

test("type errors read as apiextensions reports them", () => {
  const causes = validateValue(schema, { spec: { image: "nginx", replicas: "string" } }, "");
  assert.deepEqual(causes, [
    { field: "spec.replicas", reason: "FieldValueTypeInvalid", message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' },
  ]);
  const intOrString = validateValue(schema, { spec: { image: "abc", port: true } }, "");
  assert.equal(intOrString[0]?.message, 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"');
});

test("required, enum, bounds, lengths, pattern and items", () => {
  const messages = validateValue(schema, { spec: { replicas: 11, mode: "Medium", tags: ["a", "b", "toolong"] } }, "").map((c) => `${c.field}: ${c.message}`);
  assert.deepEqual(messages, [
    "spec.image: Required value",
    "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
    'spec.mode: Unsupported value: "Medium": supported values: "Fast", "Slow"',
    "spec.tags: Too many: 3: must have at most 2 items",
    "spec.tags[2]: Too long: may not be more than 4 bytes",
  ]);
  const short = validateValue(schema, { spec: { image: "A1" } }, "").map((c) => c.message);
  assert.deepEqual(short, ['Invalid value: "A1": spec.image in body should be at least 3 chars long', "Invalid value: \"A1\": spec.image in body should match '^[a-z]+$'"]);
});

test("pruning drops undeclared fields except under preserve-unknown-fields, and reports their paths", () => {
  const obj = { apiVersion: "x/v1", kind: "X", metadata: { name: "a" }, top: 1, spec: { image: "abc", bogus: 1, extra: { anything: { goes: true } }, labels: { a: "b" }, tags: ["x"] } };
  const dropped = prune(schema, obj, "", true);
  assert.deepEqual(dropped, ["top", "spec.bogus"]);
  assert.deepEqual(obj, { apiVersion: "x/v1", kind: "X", metadata: { name: "a" }, spec: { image: "abc", extra: { anything: { goes: true } }, labels: { a: "b" }, tags: ["x"] } });
});

test("defaults fill missing fields top-down and replace non-nullable nulls", () => {
  const obj: Record<string, unknown> = { spec: { image: "abc", replicas: null } };
  applyDefaults(schema, obj);
  assert.deepEqual(obj.spec, { image: "abc", replicas: 1, nested: { level: "info" } });
});

test("JSONPath subset for printer columns", () => {
  const obj = { spec: { a: [{ b: "x" }], "c.d": 2 } };
  assert.equal(readPath(obj, ".spec.a[0].b"), "x");
  assert.equal(readPath(obj, ".spec['c.d']"), 2);
  assert.equal(readPath(obj, ".spec.missing.b"), undefined);
});

const crd = (overrides: Record<string, unknown> = {}) => ({
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object" } } } } }],
    ...overrides,
  },
});

test("a valid CRD passes; upstream's rules refuse the rest", () => {
  assert.deepEqual(validateCrd(crd()), []);
  const named = validateCrd({ ...crd(), metadata: { name: "wrong.example.com" } });
  assert.equal(named[0]?.message, 'Invalid value: "wrong.example.com": must be spec.names.plural+"."+spec.group');
  const twoStorage = validateCrd(crd({ versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }, { name: "v2", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }] }));
  assert.ok(twoStorage.some((c) => c.field === "spec.versions" && c.message.endsWith("must have exactly one version marked as storage version")));
  const noSchema = validateCrd(crd({ versions: [{ name: "v1", served: true, storage: true }] }));
  assert.deepEqual(noSchema.map((c) => `${c.field}: ${c.message}`), ["spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required"]);
  const webhook = validateCrd(crd({ conversion: { strategy: "Webhook" } }));
  assert.match(webhook[0]?.message ?? "", /minieks does not call conversion webhooks/);
});

test("structural schema rules: types everywhere, no additionalProperties beside properties, valid defaults", () => {
  const bad = validateCrd(
    crd({
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: { properties: { a: { type: "string" } }, additionalProperties: { type: "string" } },
                size: { type: "integer", default: "big" },
              },
            },
          },
        },
      ],
    }),
  ).map((c) => `${c.field}: ${c.message}`);
  assert.deepEqual(bad, [
    "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
    "spec.versions[0].schema.openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive",
    'spec.versions[0].schema.openAPIV3Schema.properties[size].default: Invalid value: "big": size: Invalid value: "string": size in body must be of type integer: "string"',
  ]);
});

test("CEL rules are found where they sit, for the warning on CRD writes", async () => {
  const { celRulePaths } = await import("./unenforced-rules.js");
  const root = { type: "object", properties: { spec: { type: "object", "x-kubernetes-validations": [{ rule: "self.a > 0" }], properties: { list: { type: "array", items: { type: "object", "x-kubernetes-validations": [{ rule: "true" }] } } } } } };
  assert.deepEqual(celRulePaths(root, "s"), ["s.properties[spec]", "s.properties[spec].properties[list].items"]);
});
