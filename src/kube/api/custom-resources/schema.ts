/**
 * Structural schemas of custom resources (apiextensions-apiserver pkg/apiserver/schema): validation of
 * values with kube-openapi's messages as apiextensions turns them into field errors, pruning of unknown
 * fields and defaulting. x-kubernetes-validations (CEL) rules are not evaluated: CRDs that declare them are
 * accepted with a Warning naming the rules (unenforced-rules.ts), so installing real operators' CRDs works.
 */
import type { FieldCause } from "../descriptor.js";
import { goValue, notSupported, required, tooLong, tooMany } from "../field-errors.js";

/** apiextensions.k8s.io/v1 JSONSchemaProps (the subset structural schemas allow). */
export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps | boolean;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  default?: unknown;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  [key: string]: unknown;
}

type J = Record<string, unknown>;
const isObject = (v: unknown): v is J => v !== null && typeof v === "object" && !Array.isArray(v);

/** kube-openapi's name of a value's JSON type (integral numbers are "integer", as the unstructured decoder reads them). */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "string") return "string";
  return "object";
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const index = (path: string, i: number): string => `${path}[${i}]`;

/** apiextensions' conversion of a kube-openapi error that has no dedicated field.Error type. */
const invalidCause = (field: string, value: unknown, detail: string): FieldCause => ({
  field,
  reason: "FieldValueInvalid",
  message: `Invalid value: ${goValue(value)}: ${detail}`,
});

const typeMatches = (schema: JSONSchemaProps, value: unknown): boolean => {
  const actual = jsonTypeName(value);
  if (schema["x-kubernetes-int-or-string"]) return actual === "integer" || actual === "string";
  if (!schema.type) return true;
  if (schema.type === "number") return actual === "number" || actual === "integer";
  return schema.type === actual;
};

/** The string formats kube-openapi checks (the others are accepted as any string). */
const FORMATS: Record<string, RegExp | ((s: string) => boolean)> = {
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
  email: /^[^@\s]+@[^@\s]+$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  ipv6: (s) => s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s),
  hostname: /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,62})?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,62})?)*$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  duration: /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/,
  int32: (s) => /^-?\d+$/.test(s) && Math.abs(Number(s)) <= 2 ** 31,
  int64: /^-?\d+$/,
};

/**
 * Validates `value` at `path` (e.g. "spec.replicas") against `schema`, as apiextensions' ValidateCustomResource
 * reports it: `spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`.
 */
export function validateValue(schema: JSONSchemaProps, value: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const name = path || ".";
  if (value === null) {
    if (schema.nullable || (!schema.type && !schema["x-kubernetes-int-or-string"])) return causes;
    const expected = schema["x-kubernetes-int-or-string"] ? "integer,string" : (schema.type ?? "");
    return [{ field: path, reason: "FieldValueTypeInvalid", message: `Invalid value: "null": ${name} in body must be of type ${expected}: "null"` }];
  }
  if (!typeMatches(schema, value)) {
    const expected = schema["x-kubernetes-int-or-string"] ? "integer,string" : (schema.type ?? "");
    const actual = jsonTypeName(value);
    return [{ field: path, reason: "FieldValueTypeInvalid", message: `Invalid value: ${goValue(actual)}: ${name} in body must be of type ${expected}: ${goValue(actual)}` }];
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    causes.push(notSupported(path, value, schema.enum.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))));
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) causes.push(tooLong(path, schema.maxLength));
    if (schema.minLength !== undefined && length < schema.minLength) causes.push(invalidCause(path, value, `${name} in body should be at least ${schema.minLength} chars long`));
    if (schema.pattern !== undefined && !safeRegExp(schema.pattern)?.test(value)) causes.push(invalidCause(path, value, `${name} in body should match '${schema.pattern}'`));
    const format = schema.format ? FORMATS[schema.format] : undefined;
    if (format && !(typeof format === "function" ? format(value) : format.test(value))) {
      causes.push(invalidCause(path, value, `${name} in body must be of type ${schema.format ?? ""}: ${goValue(value)}`));
    }
  }
  if (typeof value === "number") {
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      causes.push(invalidCause(path, value, `${name} in body should be less than ${schema.exclusiveMaximum ? "" : "or equal to "}${schema.maximum}`));
    }
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      causes.push(invalidCause(path, value, `${name} in body should be greater than ${schema.exclusiveMinimum ? "" : "or equal to "}${schema.minimum}`));
    }
    if (schema.multipleOf !== undefined && schema.multipleOf > 0 && !Number.isInteger(value / schema.multipleOf)) {
      causes.push(invalidCause(path, value, `${name} in body should be a multiple of ${schema.multipleOf}`));
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) causes.push(tooMany(path, value.length, schema.maxItems));
    if (schema.minItems !== undefined && value.length < schema.minItems) causes.push(invalidCause(path, value, `${name} in body should have at least ${schema.minItems} items`));
    if (schema.items) value.forEach((item, i) => causes.push(...validateValue(schema.items as JSONSchemaProps, item, index(path, i))));
  }
  if (isObject(value)) {
    const count = Object.keys(value).length;
    if (schema.maxProperties !== undefined && count > schema.maxProperties) causes.push({ ...tooMany(path, count, schema.maxProperties), message: `Too many: ${count}: must have at most ${schema.maxProperties} items` });
    if (schema.minProperties !== undefined && count < schema.minProperties) causes.push(invalidCause(path, value, `${name} in body should have at least ${schema.minProperties} properties`));
    for (const key of schema.required ?? []) if (value[key] === undefined) causes.push(required(join(path, key)));
    for (const [key, child] of Object.entries(value)) {
      // An undefined member is an absent one (JSON drops it).
      if (child === undefined) continue;
      const sub = schema.properties?.[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (sub) causes.push(...validateValue(sub, child, join(path, key)));
    }
  }
  for (const sub of schema.allOf ?? []) causes.push(...validateValue(sub, value, path));
  if (schema.anyOf && !schema.anyOf.some((s) => validateValue(s, value, path).length === 0)) {
    causes.push(invalidCause(path, value, `${name} in body must validate at least one schema (anyOf)`));
  }
  if (schema.oneOf && schema.oneOf.filter((s) => validateValue(s, value, path).length === 0).length !== 1) {
    causes.push(invalidCause(path, value, `${name} in body must validate one and only one schema (oneOf)`));
  }
  if (schema.not && validateValue(schema.not, value, path).length === 0) causes.push(invalidCause(path, value, `${name} in body should not validate the schema (not)`));
  return causes;
}

const regexCache = new Map<string, RegExp | undefined>();
/** ECMA-262 patterns (OpenAPI's dialect); one that does not compile matches nothing. */
function safeRegExp(pattern: string): RegExp | undefined {
  if (!regexCache.has(pattern)) {
    try {
      regexCache.set(pattern, new RegExp(pattern, "u"));
    } catch {
      regexCache.set(pattern, undefined);
    }
  }
  return regexCache.get(pattern);
}
export const patternCompiles = (pattern: string): boolean => safeRegExp(pattern) !== undefined;

/** Fields an embedded resource (x-kubernetes-embedded-resource) always keeps, like a top-level object. */
const EMBEDDED_FIELDS = ["apiVersion", "kind", "metadata"];

/**
 * Drops fields the schema does not declare (structural pruning), unless x-kubernetes-preserve-unknown-fields
 * keeps them; returns their paths (`spec.foo`, `spec.items[0].bar`) for fieldValidation's warnings and errors.
 */
export function prune(schema: JSONSchemaProps, value: unknown, path: string, isRoot = false): string[] {
  const dropped: string[] = [];
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => dropped.push(...prune(schema.items as JSONSchemaProps, item, index(path, i))));
    return dropped;
  }
  if (!isObject(value)) return dropped;
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  const keep = isRoot || schema["x-kubernetes-embedded-resource"] ? EMBEDDED_FIELDS : [];
  for (const key of Object.keys(value)) {
    if (keep.includes(key)) continue;
    const sub = schema.properties?.[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (sub) dropped.push(...prune(sub, value[key], join(path, key)));
    else if (!preserve && schema.additionalProperties !== true) {
      dropped.push(join(path, key));
      delete value[key];
    }
  }
  return dropped;
}

/**
 * Fills `default` values top-down (structuraldefaulting.Default), after dropping nulls of non-nullable
 * fields, which a default then replaces (PruneNonNullableNullsWithoutDefaults).
 */
export function applyDefaults(schema: JSONSchemaProps, value: unknown): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applyDefaults(schema.items, item);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (value[key] === null && !sub.nullable) delete value[key];
    if (value[key] === undefined && sub.default !== undefined) value[key] = structuredClone(sub.default);
    if (value[key] !== undefined) applyDefaults(sub, value[key]);
  }
  if (isObject(schema.additionalProperties)) {
    for (const key of Object.keys(value)) if (!schema.properties?.[key]) applyDefaults(schema.additionalProperties, value[key]);
  }
}
