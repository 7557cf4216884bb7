import type { z } from "zod";
import { AwsError } from "./operation.js";

/** Turns a schema failure into the service's validation error, naming the member as AWS does. */
export function validationError(code: string, error: z.ZodError, raw: unknown): AwsError {
  const issue = error.issues[0];
  const member = issue?.path.join(".") || "input";
  const given = (issue?.path ?? []).reduce<unknown>(
    (node, key) => (node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined),
    raw,
  );
  const message =
    issue?.code === "invalid_type" && given === undefined
      ? `Missing required parameter: ${member}`
      : `Invalid value for parameter ${member}: ${issue?.message ?? "invalid"}`;
  return new AwsError(code, message, 400);
}

export function parseInput<I>(schema: z.ZodType<I> | undefined, raw: unknown, errorCode: string): I {
  if (!schema) return raw as I;
  const result = schema.safeParse(raw);
  if (!result.success) throw validationError(errorCode, result.error, raw);
  return result.data;
}
