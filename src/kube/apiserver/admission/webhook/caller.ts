/**
 * How an AdmissionReview reaches a webhook: one POST of JSON over HTTPS, the server verified with
 * the configuration's caBundle (else the system roots). Injectable, so tests answer in-process.
 * Transport failures carry Go's net/http wording, which is what users see upstream.
 */
import { Agent, request } from "node:https";
import { isIP } from "node:net";

export interface WebhookCall {
  /** The full URL, `?timeout=10s` included. */
  url: string;
  /** PEM roots; undefined = the system's. */
  caBundle?: string;
  body: string;
  /** Aborted when the webhook's timeout passes (the dispatcher keeps time on the injected clock). */
  signal: AbortSignal;
}

export interface WebhookReply {
  status: number;
  contentType: string;
  body: string;
}

export interface WebhookCaller {
  call(call: WebhookCall): Promise<WebhookReply>;
  close?(): void;
}

/** A failure to talk to the webhook at all; the message is Go's (`dial tcp …: connect: connection refused`). */
export class TransportError extends Error {}

const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** Go's wording for what Node reports of a failed connection or TLS handshake. */
export function transportMessage(error: NodeJS.ErrnoException & { reason?: string; cert?: { subjectaltname?: string }; address?: string; port?: number }, url: URL): string {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port || "443";
  const dialed = error.address ? `${isIP(error.address) === 6 ? `[${error.address}]` : error.address}:${error.port ?? port}` : `${url.hostname}:${port}`;
  const tls = (detail: string) => `tls: failed to verify certificate: x509: ${detail}`;
  switch (error.code) {
    case "ECONNREFUSED":
      return `dial tcp ${dialed}: connect: connection refused`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `dial tcp: lookup ${host}: no such host`;
    case "ETIMEDOUT":
      return `dial tcp ${dialed}: i/o timeout`;
    case "EHOSTUNREACH":
      return `dial tcp ${dialed}: connect: no route to host`;
    case "ENETUNREACH":
      return `dial tcp ${dialed}: connect: network is unreachable`;
    case "ECONNRESET":
      return error.message === "socket hang up" ? "EOF" : `read tcp ${dialed}: read: connection reset by peer`;
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return tls("certificate signed by unknown authority");
    case "CERT_HAS_EXPIRED":
    case "CERT_NOT_YET_VALID":
      return tls("certificate has expired or is not yet valid");
    case "ERR_TLS_CERT_ALTNAME_INVALID": {
      const sans = (error.cert?.subjectaltname ?? "").split(", ").filter(Boolean);
      if (isIP(host)) {
        const ips = sans.filter((s) => s.startsWith("IP Address:")).map((s) => s.slice("IP Address:".length));
        return ips.length ? tls(`certificate is valid for ${ips.join(", ")}, not ${host}`) : tls(`cannot validate certificate for ${host} because it doesn't contain any IP SANs`);
      }
      const names = sans.filter((s) => s.startsWith("DNS:")).map((s) => s.slice("DNS:".length));
      return tls(`certificate is valid for ${names.join(", ")}, not ${host}`);
    }
    case "ERR_SSL_WRONG_VERSION_NUMBER":
    case "EPROTO":
      return "http: server gave HTTP response to HTTPS client";
    default:
      return error.message;
  }
}

/** The real caller: node:https with keep-alive connections, closed with the API server. */
export function httpsCaller(): WebhookCaller {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return {
    call: ({ url, caBundle, body, signal }) =>
      new Promise<WebhookReply>((resolve, reject) => {
        const target = new URL(url);
        const req = request(
          target,
          {
            method: "POST",
            agent,
            signal,
            ...(caBundle ? { ca: caBundle } : {}),
            headers: {
              "content-type": "application/json",
              accept: "application/json, */*",
              "user-agent": "kube-apiserver-admission",
              "content-length": Buffer.byteLength(body),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_REPLY_BYTES) {
                res.destroy();
                reject(new TransportError(`the webhook's response is larger than ${MAX_REPLY_BYTES} bytes`));
                return;
              }
              chunks.push(chunk);
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
            res.on("error", (error) => reject(new TransportError(transportMessage(error, target))));
          },
        );
        req.on("error", (error) => reject(new TransportError(transportMessage(error, target))));
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
