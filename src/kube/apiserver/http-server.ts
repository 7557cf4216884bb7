import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "../../shared/http-body.js";
import type { Logger } from "../../shared/logger.js";
import type { ApiHandler, ApiResponder } from "./api-handler.js";
import type { TLSSocket } from "node:tls";
import type { Authenticator, ClientCertificate } from "./auth/authenticator.js";
import type { Authorizer } from "./auth/authorizer.js";
import { impersonate, wantsImpersonation } from "./auth/impersonation.js";
import { errors, type StatusError } from "./status.js";

export interface ApiHttpServerOptions {
  key: string;
  cert: string;
  handler: ApiHandler;
  authenticate: Authenticator;
  /** Impersonation headers are authorized by this (refused when absent). */
  authorizer?: Authorizer;
  /** The cluster CA (PEM): client certificates it signed authenticate their CN/O. */
  clientCa?: string;
  logger: Logger;
}

/** The cluster's HTTPS endpoint: TLS, body limits, authentication, then the API handler. */
export function createApiHttpServer(options: ApiHttpServerOptions): Server {
  // Like kube-apiserver with --client-ca-file: a client certificate is asked for but not required.
  const tls = options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: false } : {};
  return createServer({ key: options.key, cert: options.cert, ...tls }, (req, res) => {
    serve(req, res, options).catch((error: unknown) => {
      options.logger.error("apiserver request failed", { error: String(error) });
      if (!res.headersSent) sendStatus(res, errors.internal("request failed"));
      else res.destroy();
    });
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, options: ApiHttpServerOptions): Promise<void> {
  const url = new URL(req.url ?? "/", "https://localhost");
  const socket = req.socket as TLSSocket;
  const peer = options.clientCa && typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate(false) : undefined;
  const hasCertificate = peer !== undefined && Object.keys(peer).length > 0;
  const authenticated = await options.authenticate({
    authorization: req.headers.authorization,
    path: url.pathname,
    ...(hasCertificate
      ? { certificate: peer as unknown as ClientCertificate, certificateVerified: socket.authorized, certificateError: String(socket.authorizationError ?? "") || undefined }
      : {}),
  });
  if ("unauthorized" in authenticated) {
    req.resume();
    return sendStatus(res, errors.unauthorized());
  }
  let user = authenticated.user;
  // Authentication's warnings (legacy tokens) go ahead of the handler's own Warning headers.
  const authWarnings = (authenticated.warnings ?? []).map((w) => `299 - ${JSON.stringify(w)}`).join(", ");
  const withWarnings = (headers: Record<string, string> | undefined) =>
    authWarnings ? { ...headers, warning: headers?.warning ? `${authWarnings}, ${headers.warning}` : authWarnings } : headers;
  if (wantsImpersonation(req.headers)) {
    const acting = options.authorizer ? await impersonate(user, req.headersDistinct, options.authorizer) : { error: errors.forbidden("impersonation is not allowed") };
    if ("error" in acting) {
      req.resume();
      return sendStatus(res, acting.error);
    }
    user = acting.user;
  }
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendStatus(res, errors.requestTooLarge(error.limit));
    throw error;
  }
  const responder: ApiResponder = {
    send(status, contentType, payload, headers) {
      res.writeHead(status, { "content-type": contentType, "cache-control": "no-cache, private", ...withWarnings(headers) });
      res.end(payload);
    },
    stream(status, contentType) {
      res.writeHead(status, { "content-type": contentType, "cache-control": "no-cache, private", "transfer-encoding": "chunked", ...withWarnings(undefined) });
      res.flushHeaders();
      const listeners: (() => void)[] = [];
      let ended = false;
      const finish = () => {
        if (ended) return;
        ended = true;
        listeners.splice(0).forEach((l) => l());
      };
      res.on("close", finish);
      return {
        write: (event) => {
          // Watch events are JSON lines; text streams (pods/log -f) write their chunks as they are.
          if (!ended) res.write(typeof event === "string" ? event : watchLine(event));
        },
        end: () => {
          if (!res.writableEnded) res.end();
          finish();
        },
        onClose: (listener) => {
          if (ended) listener();
          else listeners.push(listener);
        },
      };
    },
  };
  await options.handler.handle(
    {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      accept: req.headers.accept ?? "application/json",
      contentType: req.headers["content-type"] ?? "",
      body,
      user,
      userAgent: req.headers["user-agent"] ?? "",
    },
    responder,
  );
}

function sendStatus(res: ServerResponse, status: StatusError): void {
  res.writeHead(status.code, { "content-type": "application/json" });
  res.end(JSON.stringify(status.toStatus()));
}

/** Each watch event's object serialized once, however many watchers it goes to. */
const serializedObjects = new WeakMap<object, string>();

function watchLine(event: unknown): string {
  const { type, object } = event as { type?: unknown; object?: unknown };
  if (typeof type !== "string" || object === null || typeof object !== "object") return JSON.stringify(event) + "\n";
  let json = serializedObjects.get(object);
  if (json === undefined) {
    json = JSON.stringify(object);
    serializedObjects.set(object, json);
  }
  return `{"type":${JSON.stringify(type)},"object":${json}}\n`;
}
