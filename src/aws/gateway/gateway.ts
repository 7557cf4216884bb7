import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Clock } from "../../shared/clock.js";
import { BodyTooLargeError, readBody } from "../../shared/http-body.js";
import { requestId as newRequestId } from "../../shared/ids.js";
import type { Logger } from "../../shared/logger.js";
import type { CredentialStore } from "./credentials.js";
import { verifySigV4, type SigV4Failure } from "./sigv4.js";
import { AwsError, notImplemented, type AwsService, type RequestContext } from "../protocol/operation.js";
import { RestJsonRouter, restJsonError, restJsonSuccess, type WireResponse } from "../protocol/rest-json.js";
import { parseQueryParams, queryError, querySuccess } from "../protocol/query.js";
import { parseInput } from "../protocol/validation.js";

export interface GatewayOptions {
  services: AwsService[];
  credentials: CredentialStore;
  clock: Clock;
  logger: Logger;
}

/** SigV4 failures as AWS reports them: status and code (the unknown-key code is per service). */
const authFailures: Record<Exclude<SigV4Failure, "UnknownAccessKey">, { code: string; status: number }> = {
  MissingAuthentication: { code: "MissingAuthenticationToken", status: 403 },
  IncompleteSignature: { code: "IncompleteSignature", status: 400 },
  SignatureDoesNotMatch: { code: "SignatureDoesNotMatch", status: 403 },
  RequestExpired: { code: "RequestExpired", status: 400 },
};

/**
 * The one HTTP entry for every AWS service: read → authenticate (SigV4) → route by the
 * credential scope's service and the operation → handler → serialize, or an AWS error in the
 * service's protocol. Nothing below this point writes HTTP.
 */
export class AwsGateway {
  private readonly services = new Map<string, { service: AwsService; router?: RestJsonRouter }>();

  constructor(private readonly options: GatewayOptions) {
    for (const service of options.services) {
      const router = service.protocol === "rest-json" ? new RestJsonRouter(service) : undefined;
      this.services.set(service.signingName, { service, router });
    }
  }

  createServer(): Server {
    return createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.logger.error("aws gateway failure", { error: String(error) });
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const url = new URL(req.url ?? "/", "http://localhost");
    // SigV4 signs the path and query exactly as sent, so keep the raw (still-encoded) forms.
    const [rawPath = "/", ...queryParts] = (req.url ?? "/").split("?");
    const rawQuery = queryParts.join("?");
    const scope = credentialScope(req, url);
    const entry = scope ? this.services.get(scope.service) : undefined;
    const service = entry?.service;
    const fail = (error: AwsError) => send(res, service ? errorReply(service, error, requestId) : genericError(req, error, requestId));

    if (!scope) return fail(new AwsError(authFailures.MissingAuthentication.code, "Missing Authentication Token", 403));
    if (!entry || !service) {
      return fail(notImplemented(scope.service, "*"));
    }

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return fail(new AwsError("RequestEntityTooLarge", `Request body exceeds ${error.limit} bytes`, 413));
      }
      throw error;
    }

    const now = this.options.clock.now();
    const auth = verifySigV4(
      { method: req.method ?? "GET", rawPath, rawQuery, headers: req.headers, body },
      this.options.credentials,
      now,
    );
    if (!auth.ok) {
      const mapped =
        auth.reason === "UnknownAccessKey" ? { code: service.unknownKeyErrorCode, status: 403 } : authFailures[auth.reason];
      return fail(new AwsError(mapped.code, auth.message, mapped.status));
    }

    const ctx: RequestContext = {
      accountId: auth.accessKey.principal.accountId,
      region: auth.region,
      principal: auth.accessKey.principal,
      requestId,
      now,
    };
    try {
      const output = await this.dispatch(entry, req.method ?? "GET", rawPath, url.searchParams, req, body, ctx);
      send(res, output);
    } catch (error) {
      if (error instanceof AwsError) return fail(error);
      this.options.logger.error("handler failure", { service: service.signingName, error: String((error as Error)?.stack ?? error) });
      return fail(new AwsError("InternalFailure", "The request processing has failed because of an unknown error.", 500));
    }
  }

  private async dispatch(
    entry: { service: AwsService; router?: RestJsonRouter },
    method: string,
    rawPath: string,
    query: URLSearchParams,
    req: IncomingMessage,
    body: Buffer,
    ctx: RequestContext,
  ): Promise<WireResponse> {
    const { service, router } = entry;
    if (router) {
      const matched = router.match(method, rawPath, query, body);
      if (!matched) throw new AwsError("UnknownOperationException", `No ${service.signingName} operation matches ${method} ${rawPath}`, 404);
      const { op } = matched;
      if (!op.handler) throw notImplemented(service.signingName, op.name);
      const input = parseInput(op.input, matched.input, service.validationErrorCode);
      return restJsonSuccess(await op.handler(input as never, ctx), ctx.requestId);
    }

    const form = isForm(req) ? new URLSearchParams(body.toString("utf8")) : query;
    const params = parseQueryParams(form);
    const action = typeof params.Action === "string" ? params.Action : "";
    delete params.Action;
    delete params.Version;
    const op = service.operations.find((o) => o.name === action);
    if (!action) throw new AwsError("MissingAction", "The request must contain the parameter Action.", 400);
    if (!op) throw notImplemented(service.signingName, action);
    if (!op.handler) throw notImplemented(service.signingName, op.name);
    const input = parseInput(op.input, params, service.validationErrorCode);
    const output = await op.handler(input as never, ctx);
    return querySuccess(service.protocol === "ec2" ? "ec2" : "query", action, service.xmlNamespace ?? "", output, ctx.requestId);
  }
}

function errorReply(service: AwsService, error: AwsError, requestId: string): WireResponse {
  if (service.protocol === "rest-json") return restJsonError(error, requestId);
  return queryError(service.protocol === "ec2" ? "ec2" : "query", service.xmlNamespace ?? "", error, requestId);
}

/** Before the service is known: XML for form posts (query protocols), JSON otherwise. */
function genericError(req: IncomingMessage, error: AwsError, requestId: string): WireResponse {
  return isForm(req) ? queryError("query", "", error, requestId) : restJsonError(error, requestId);
}

const isForm = (req: IncomingMessage): boolean =>
  (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");

/** The `<date>/<region>/<service>/aws4_request` scope of a header-signed or presigned request. */
function credentialScope(req: IncomingMessage, url: URL): { region: string; service: string } | undefined {
  const header = req.headers.authorization ?? "";
  const fromHeader = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header);
  const credential = url.searchParams.get("X-Amz-Credential") ?? "";
  const fromQuery = /^[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request$/.exec(credential);
  const m = fromHeader ?? fromQuery;
  return m ? { region: m[1] ?? "", service: m[2] ?? "" } : undefined;
}

function send(res: ServerResponse, reply: WireResponse): void {
  res.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
  res.end(reply.body);
}
