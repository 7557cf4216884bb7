/**
 * Field-error causes worded as apimachinery's field.Error renders them (`Required value`,
 * `Invalid value: "x": detail`, `Unsupported value: ...`), so `kubectl` prints what upstream prints.
 */
import { goQuote } from "../../shared/go-format.js";
import type { FieldCause } from "./descriptor.js";

/** A value already written the way Go's %#v prints it (e.g. `intstr.IntOrString{Type:1, IntVal:0, StrVal:"5%"}`). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** How field.Error prints a value: strings quoted (%q), numbers and booleans bare, literals as given. */
export function goValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === null || value === undefined) return "null";
  return JSON.stringify(value);
}

export const required = (field: string, detail = ""): FieldCause => ({
  field,
  reason: "FieldValueRequired",
  message: detail ? `Required value: ${detail}` : "Required value",
});

export const invalid = (field: string, value: unknown, detail: string): FieldCause => ({
  field,
  reason: "FieldValueInvalid",
  message: `Invalid value: ${goValue(value)}: ${detail}`,
});

export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldCause => ({
  field,
  reason: "FieldValueNotSupported",
  message: `Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => goQuote(s)).join(", ")}`,
});

export const forbidden = (field: string, detail: string): FieldCause => ({ field, reason: "FieldValueForbidden", message: `Forbidden: ${detail}` });

export const duplicate = (field: string, value: unknown): FieldCause => ({ field, reason: "FieldValueDuplicate", message: `Duplicate value: ${goValue(value)}` });

export const tooMany = (field: string, actual: number, max: number): FieldCause => ({
  field,
  reason: "FieldValueTooMany",
  message: `Too many: ${actual}: must have at most ${max} items`,
});

export const tooLong = (field: string, max: number): FieldCause => ({
  field,
  reason: "FieldValueTooLong",
  message: `Too long: may not be more than ${max} bytes`,
});

/** ValidateImmutableField. */
export const immutable = (field: string, value: unknown): FieldCause => invalid(field, value, "field is immutable");

/** ValidateNonnegativeField. */
export const nonNegative = (field: string, value: number): FieldCause[] => (value < 0 ? [invalid(field, value, "must be greater than or equal to 0")] : []);

/** Deep equality of JSON values, where an absent value equals null (omitted Go zero values). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
