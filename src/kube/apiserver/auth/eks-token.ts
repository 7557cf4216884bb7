import type { CredentialStore, Principal } from "../../../aws/gateway/credentials.js";
import { verifySigV4, type SigV4Failure } from "../../../aws/gateway/sigv4.js";

/** What `aws eks get-token` and aws-iam-authenticator put in front of the base64url presigned URL. */
export const EKS_TOKEN_PREFIX = "k8s-aws-v1.";
export const MAX_EKS_TOKEN_LENGTH = 4096;
/** STS honours a presigned GetCallerIdentity for 15 minutes after X-Amz-Date, whatever X-Amz-Expires says. */
export const EKS_TOKEN_VALIDITY_SECONDS = 900;
/** The header that binds a token to one cluster: signed by the client, supplied by the server. */
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";

export interface EksTokenOptions {
  /** The name (Outposts: id) of the cluster whose API server checks the token. */
  clusterName: string;
  credentials: CredentialStore;
  now: Date;
  /** Whether the presigned URL may point at this host (`host[:port]` as in the URL). */
  allowedHosts: (host: string) => boolean;
}

export type EksTokenResult =
  | { ok: true; principal: Principal; accessKeyId: string; arn: string }
  | { ok: false; message: string };

const ALLOWED_PARAMS = new Set([
  "action",
  "version",
  "x-amz-algorithm",
  "x-amz-credential",
  "x-amz-date",
  "x-amz-expires",
  "x-amz-security-token",
  "x-amz-signature",
  "x-amz-signedheaders",
]);

const STS_ERROR: Record<SigV4Failure, { status: number; code: string }> = {
  MissingAuthentication: { status: 403, code: "MissingAuthenticationToken" },
  IncompleteSignature: { status: 400, code: "IncompleteSignature" },
  UnknownAccessKey: { status: 403, code: "InvalidClientTokenId" },
  SignatureDoesNotMatch: { status: 403, code: "SignatureDoesNotMatch" },
  RequestExpired: { status: 403, code: "ExpiredToken" },
};

/**
 * Verifies a `k8s-aws-v1.` bearer token the way aws-iam-authenticator does (same checks, same
 * messages), except that instead of forwarding the presigned GetCallerIdentity to STS it checks the
 * signature locally against the credential store, with `x-k8s-aws-id` set to this cluster's name.
 */
export function verifyEksToken(token: string, options: EksTokenOptions): EksTokenResult {
  const formatError = (reason: string): EksTokenResult => ({
    ok: false,
    message: `input token was not properly formatted: ${reason}`,
  });

  if (token.length > MAX_EKS_TOKEN_LENGTH) return formatError("token is too large");
  if (!token.startsWith(EKS_TOKEN_PREFIX)) return formatError(`token is missing expected "${EKS_TOKEN_PREFIX}" prefix`);

  const encoded = token.slice(EKS_TOKEN_PREFIX.length);
  const badByte = base64UrlError(encoded);
  if (badByte !== undefined) return formatError(`illegal base64 data at input byte ${badByte}`);
  const url = Buffer.from(encoded, "base64url").toString("utf8");

  const parts = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(url);
  if (!parts) return formatError(`parse ${JSON.stringify(url)}: invalid URL`);
  const scheme = (parts[1] ?? "").toLowerCase();
  const host = parts[2] ?? "";
  const path = parts[3] ?? "";
  const rawQuery = parts[4] ?? "";

  // Real EKS insists on https; the local gateway only speaks http.
  if (scheme !== "https" && scheme !== "http") return formatError(`unexpected scheme "${scheme}" in pre-signed URL`);
  if (!options.allowedHosts(host.toLowerCase())) return formatError(`unexpected hostname "${host}" in pre-signed URL`);
  if (path !== "/") return formatError("unexpected path in pre-signed URL");

  const params = new Map<string, string>();
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    if (pair.includes(";")) return formatError("malformed query parameter");
    const eq = pair.indexOf("=");
    const name = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = queryUnescape(eq < 0 ? "" : pair.slice(eq + 1));
    if (name === undefined || value === undefined) return formatError("malformed query parameter");
    const lower = name.toLowerCase();
    if (!ALLOWED_PARAMS.has(lower)) return formatError(`non-whitelisted query parameter "${name}"`);
    if (params.has(lower)) return formatError("query parameter with multiple values not supported");
    params.set(lower, value);
  }

  if (params.get("action") !== "GetCallerIdentity") return formatError("unexpected action parameter in pre-signed URL");
  const signedHeaders = (params.get("x-amz-signedheaders") ?? "").split(";").map((h) => h.toLowerCase());
  if (!signedHeaders.includes(CLUSTER_ID_HEADER)) {
    return formatError(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`);
  }

  const expiresText = params.get("x-amz-expires") ?? "";
  const expires = /^[+-]?\d+$/.test(expiresText) ? Number(expiresText) : 0;
  if (!/^[+-]?\d+$/.test(expiresText) || expires < 0 || expires > EKS_TOKEN_VALIDITY_SECONDS) {
    return formatError(`invalid X-Amz-Expires parameter in pre-signed URL: ${expires}`);
  }

  const date = params.get("x-amz-date") ?? "";
  if (date === "") return formatError("X-Amz-Date parameter must be present in pre-signed URL");
  const signedAt = parseAmzDate(date);
  if (!signedAt) {
    return formatError(`error parsing X-Amz-Date parameter ${date} into format 20060102T150405Z: cannot parse "${date}"`);
  }
  if (options.now.getTime() > signedAt.getTime() + EKS_TOKEN_VALIDITY_SECONDS * 1000) {
    return formatError(`X-Amz-Date parameter is expired (15 minute expiration) ${goTime(signedAt)}`);
  }

  const result = verifySigV4(
    {
      method: "GET",
      rawPath: "/",
      rawQuery,
      headers: { host, [CLUSTER_ID_HEADER]: options.clusterName },
      body: new Uint8Array(0),
    },
    options.credentials,
    options.now,
    { fixedValiditySeconds: EKS_TOKEN_VALIDITY_SECONDS },
  );
  if (!result.ok) return stsError(STS_ERROR[result.reason], result.message);
  if (result.service !== "sts") {
    return stsError(STS_ERROR.SignatureDoesNotMatch, "Credential should be scoped to correct service: 'sts'. ");
  }

  const { principal, accessKeyId } = result.accessKey;
  return { ok: true, principal, accessKeyId, arn: principal.arn };
}

/** What aws-iam-authenticator reports when STS answers a presigned request with an error. */
function stsError(error: { status: number; code: string }, message: string): EksTokenResult {
  const body = JSON.stringify({ Error: { Code: error.code, Message: message, Type: "Sender" } });
  return {
    ok: false,
    message: `sts getCallerIdentity failed: error from AWS (expected 200, got ${error.status}). Body: ${body}`,
  };
}

/** Go's base64.RawURLEncoding: URL alphabet, no padding; returns the offending byte index. */
function base64UrlError(s: string): number | undefined {
  const bad = s.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) return bad;
  if (s.length % 4 === 1) return s.length - 1;
  return undefined;
}

/** Go's url.QueryUnescape: '+' is a space, a bad escape is an error. */
function queryUnescape(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`
    ? undefined
    : date;
}

/** Go's time.Time default format for a UTC time, e.g. 2026-01-01 00:00:00 +0000 UTC. */
function goTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

/**
 * A host predicate for {@link EksTokenOptions.allowedHosts}: the given gateway hosts (e.g.
 * `127.0.0.1:4566`, `localhost:4566`) plus the public STS endpoints, global and regional.
 */
export function stsHostAllowList(gatewayHosts: readonly string[]): (host: string) => boolean {
  const exact = new Set(gatewayHosts.map((h) => h.toLowerCase()));
  return (host) => {
    const h = host.toLowerCase();
    return exact.has(h) || h === "sts.amazonaws.com" || /^sts\.[a-z]{2}(-[a-z]+)+-\d+\.amazonaws\.com$/.test(h);
  };
}
