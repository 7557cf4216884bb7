import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "../../shared/http-body.js";
import type { Logger } from "../../shared/logger.js";
import type { ApiHandler, ApiResponder } from "./api-handler.js";
import type { Authenticator } from "./auth/authenticator.js";
import { errors, type StatusError } from "./status.js";

export interface ApiHttpServerOptions {
  key: string;
  cert: string;
  handler: ApiHandler;
  authenticate: Authenticator;
  logger: Logger;
}

/** The cluster's HTTPS endpoint: TLS, body limits, authentication, then the API handler. */
export function createApiHttpServer(options: ApiHttpServerOptions): Server {
  return createServer({ key: options.key, cert: options.cert }, (req, res) => {
    serve(req, res, options).catch((error: unknown) => {
      options.logger.error("apiserver request failed", { error: String(error) });
      if (!res.headersSent) sendStatus(res, errors.internal("request failed"));
      else res.destroy();
    });
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, options: ApiHttpServerOptions): Promise<void> {
  const url = new URL(req.url ?? "/", "https://localhost");
  const user = options.authenticate(req.headers.authorization);
  if (!user) {
    req.resume();
    return sendStatus(res, errors.unauthorized());
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
      res.writeHead(status, { "content-type": contentType, "cache-control": "no-cache, private", ...headers });
      res.end(payload);
    },
    stream(status, contentType) {
      res.writeHead(status, { "content-type": contentType, "cache-control": "no-cache, private", "transfer-encoding": "chunked" });
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
          if (!ended) res.write(JSON.stringify(event) + "\n");
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
    },
    responder,
  );
}

function sendStatus(res: ServerResponse, status: StatusError): void {
  res.writeHead(status.code, { "content-type": "application/json" });
  res.end(JSON.stringify(status.toStatus()));
}
