import type { FieldCause } from "../api/descriptor.js";

/**
 * A Kubernetes API error (apimachinery `StatusError`). Thrown anywhere below the handler;
 * turned into a `Status` body at exactly one place, the API server's response writer.
 */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: FieldCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = "StatusError";
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** What a resource is called in messages: `pods` or `deployments.apps`, plus its group and kind. */
export interface ResourceName {
  resource: string;
  group: string;
  kind: string;
}

const qualified = (r: ResourceName): string => (r.group ? `${r.resource}.${r.group}` : r.resource);

// Messages reproduce apimachinery's pkg/api/errors word for word: clients and users grep them.
export const errors = {
  notFound: (r: ResourceName, name: string) =>
    new StatusError(404, "NotFound", `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.resource }),
  alreadyExists: (r: ResourceName, name: string) =>
    new StatusError(409, "AlreadyExists", `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: r.resource }),
  conflict: (r: ResourceName, name: string, why: string) =>
    new StatusError(409, "Conflict", `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, {
      name,
      group: r.group,
      kind: r.resource,
    }),
  modified: (r: ResourceName, name: string) =>
    errors.conflict(r, name, "the object has been modified; please apply your changes to the latest version and try again"),
  invalid: (r: ResourceName, name: string, causes: FieldCause[]) => {
    const kindQualified = r.group ? `${r.kind}.${r.group}` : r.kind;
    const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const joined = summary.length === 1 ? summary[0] : `[${summary.join(", ")}]`;
    return new StatusError(422, "Invalid", `${kindQualified} "${name}" is invalid: ${joined}`, {
      name,
      group: r.group,
      kind: r.kind,
      causes,
    });
  },
  badRequest: (message: string) => new StatusError(400, "BadRequest", message),
  methodNotAllowed: (method: string) =>
    new StatusError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`, {
      causes: [{ field: "", reason: "MethodNotAllowed", message: `${method} is not supported` }],
    }),
  notAcceptable: (accept: string) =>
    new StatusError(406, "NotAcceptable", `only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io (requested ${accept})`),
  unsupportedMediaType: (contentType: string) =>
    new StatusError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got "${contentType}")`),
  requestTooLarge: (limit: number) => new StatusError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`),
  expired: (message: string) => new StatusError(410, "Expired", message),
  gone: (message: string) => new StatusError(410, "Gone", message),
  unauthorized: () => new StatusError(401, "Unauthorized", "Unauthorized"),
  forbidden: (message: string, r?: ResourceName, name?: string) =>
    new StatusError(403, "Forbidden", message, r ? { name, group: r.group, kind: r.resource } : undefined),
  pathNotFound: () => new StatusError(404, "NotFound", "the server could not find the requested resource"),
  internal: (message: string) => new StatusError(500, "InternalError", `Internal error occurred: ${message}`),
};
