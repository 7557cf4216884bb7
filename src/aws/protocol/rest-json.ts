import type { AwsService, Operation, RestBinding } from "./operation.js";
import { AwsError } from "./operation.js";

/** What a protocol hands back to the gateway to write. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface CompiledRoute {
  op: Operation<never, unknown>;
  binding: RestBinding;
  pattern: RegExp;
  labels: string[];
}

/** Matches rest-json requests (method + path template) to a service's operations. */
export class RestJsonRouter {
  private readonly routes: CompiledRoute[];

  constructor(service: AwsService) {
    this.routes = service.operations
      .filter((op) => op.rest)
      .map((op) => {
        const binding = op.rest as RestBinding;
        const labels: string[] = [];
        const source = binding.path.replace(/\{(\w+)\}/g, (_m, label: string) => {
          labels.push(label);
          return "([^/]+)";
        });
        return { op, binding, labels, pattern: new RegExp(`^${source}$`) };
      });
  }

  /** Finds the operation and builds its raw input from path labels, query and JSON body. */
  match(method: string, rawPath: string, query: URLSearchParams, body: Buffer):
    | { op: Operation<never, unknown>; input: Record<string, unknown> }
    | undefined {
    const path = rawPath.length > 1 ? rawPath.replace(/\/$/, "") : rawPath;
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.binding.method !== method) continue;
      const input: Record<string, unknown> = parseJsonBody(body);
      route.labels.forEach((label, i) => (input[label] = decodeURIComponent(m[i + 1] ?? "")));
      for (const [param, { member, list }] of Object.entries(route.binding.query ?? {})) {
        const values = query.getAll(param);
        if (values.length > 0) input[member] = list ? values : values[0];
      }
      return { op: route.op, input };
    }
    if (pathMatched) throw new AwsError("MethodNotAllowedException", `${method} is not allowed on ${path}`, 405);
    return undefined;
  }
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new AwsError("SerializationException", "The request body is not valid JSON.", 400);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AwsError("SerializationException", "The request body must be a JSON object.", 400);
  }
  return parsed as Record<string, unknown>;
}

/** Dates travel as epoch seconds in rest-json. */
export function toRestJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

export function restJsonSuccess(output: unknown, requestId: string): WireResponse {
  return {
    status: 200,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
    body: toRestJson(output ?? {}),
  };
}

export function restJsonError(error: AwsError, requestId: string): WireResponse {
  return {
    status: error.status,
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": requestId,
      "x-amzn-errortype": error.code,
    },
    body: toRestJson({ ...error.members, message: error.message }),
  };
}
