import type { z } from "zod";
import type { Principal } from "../gateway/credentials.js";

/**
 * An AWS service error: code, HTTP status, message, plus members some protocols carry
 * (EKS errors name the cluster, for instance). Thrown anywhere; written at the gateway.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly members: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AwsError";
  }
}

/** Who is calling and where: every handler is scoped to one account and region. */
export interface RequestContext {
  accountId: string;
  region: string;
  principal: Principal;
  requestId: string;
  now: Date;
}

/** How a rest-json operation is bound to HTTP. */
export interface RestBinding {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path template: `/clusters/{name}`; a `{label}` matches one path segment. */
  path: string;
  /** Query parameter name → input member; `list: true` collects repeated keys. */
  query?: Record<string, { member: string; list?: boolean }>;
}

/**
 * One AWS operation as data: its name, its binding and its input schema. Parsing, validation of
 * required members, serialization and the error format are done by the protocol, not the handler.
 * An operation without a handler is declared but not implemented (answered as such).
 */
export interface Operation<I = unknown, O = unknown> {
  name: string;
  rest?: RestBinding;
  input?: z.ZodType<I>;
  handler?: (input: I, ctx: RequestContext) => Promise<O> | O;
}

export type Protocol = "rest-json" | "query" | "ec2";

export interface AwsService {
  /** The SigV4 signing name that routes requests here (credential scope service). */
  signingName: string;
  protocol: Protocol;
  /** Query protocols: the XML namespace of replies. */
  xmlNamespace?: string;
  /** Error code for input that fails validation (e.g. InvalidParameterException). */
  validationErrorCode: string;
  /** Error code (and status) for an unknown access key in this service's answers. */
  unknownKeyErrorCode: string;
  operations: Operation<never, unknown>[];
}

/** Declares an operation with its input type inferred from the schema. */
export function operation<S extends z.ZodType, O>(op: {
  name: string;
  rest?: RestBinding;
  input: S;
  handler: (input: z.infer<S>, ctx: RequestContext) => Promise<O> | O;
}): Operation<never, unknown> {
  return op as unknown as Operation<never, unknown>;
}

export const notImplemented = (service: string, name: string): AwsError =>
  new AwsError("NotImplemented", `minieks does not implement ${service}:${name} yet`, 501);
