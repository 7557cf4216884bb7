import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { AccessKey, CredentialStore } from "./credentials.js";

/** A request as the gateway received it, before any decoding. */
export interface IncomingSignedRequest {
  method: string;
  /** As received: percent-encoded, without the query. */
  rawPath: string;
  /** As received, without the leading '?'. */
  rawQuery: string;
  /** Node's lower-cased headers. */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** Why a request failed authentication; the gateway maps these to each protocol's error codes. */
export type SigV4Failure =
  | "MissingAuthentication"
  | "IncompleteSignature"
  | "UnknownAccessKey"
  | "SignatureDoesNotMatch"
  | "RequestExpired";

/** A request whose signature checked out. */
export interface SigV4Success {
  ok: true;
  accessKey: AccessKey;
  /** Region and service named in the credential scope (the gateway checks they fit the endpoint). */
  region: string;
  service: string;
  signedHeaders: string[];
  presigned: boolean;
  signedAt: Date;
  /** X-Amz-Security-Token (header or query), when the client sent one. */
  securityToken?: string;
}

/** A request that failed authentication, with AWS's message text where it is known. */
export interface SigV4Rejection {
  ok: false;
  reason: SigV4Failure;
  message: string;
}

export type SigV4Result = SigV4Success | SigV4Rejection;

export interface SigV4Options {
  /** Longest validity honoured for a presigned request; a larger X-Amz-Expires is capped. Default 604800 (7 days). */
  maxPresignSeconds?: number;
  /**
   * Presigned requests stay valid exactly this long after X-Amz-Date, whatever X-Amz-Expires says
   * (STS treats presigned GetCallerIdentity this way: 900 s, the EKS token rule).
   */
  fixedValiditySeconds?: number;
}

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** How far a header-signed request's date may be from the server's clock, either way. */
export const MAX_CLOCK_SKEW_SECONDS = 15 * 60;
export const DEFAULT_MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const PRESIGN_REQUIRED =
  "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
const QUERY_AUTH_PARAMS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders"];

interface QueryParam {
  name: string;
  value: string;
}

interface ParsedAuth {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  /** In the order the client listed them (lower-cased); the canonical request keeps that order. */
  signedHeaders: string[];
  signature: string;
  longDate: string;
  signedAt: Date;
  payloadHashes: string[];
  securityToken?: string;
}

type Step<T> = { ok: true; value: T } | SigV4Rejection;

const fail = (reason: SigV4Failure, message: string): SigV4Rejection => ({ ok: false, reason, message });

/**
 * Verifies AWS Signature Version 4 on a request, either header-signed (Authorization header) or
 * presigned (X-Amz-* query parameters), recomputing the canonical request the way AWS SDKs and the
 * AWS CLI compute it for every service except S3.
 */
export function verifySigV4(
  req: IncomingSignedRequest,
  credentials: CredentialStore,
  now: Date,
  options: SigV4Options = {},
): SigV4Result {
  const query = parseRawQuery(req.rawQuery);
  const authorizationHeader = headerValue(req.headers, "authorization");
  const authorization = authorizationHeader?.trim() ? authorizationHeader : undefined;
  const presigned = query.some((p) => QUERY_AUTH_PARAMS.includes(p.name));

  if (authorization === undefined && !presigned) return fail("MissingAuthentication", "Missing Authentication Token");
  if (authorization !== undefined && presigned) {
    return fail(
      "IncompleteSignature",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified",
    );
  }

  const parsed =
    authorization !== undefined
      ? parseAuthorizationHeader(authorization, req, now)
      : parsePresignedQuery(query, req, now, options);
  if (!parsed.ok) return parsed;
  const auth = parsed.value;

  const accessKey = credentials.lookup(auth.accessKeyId);
  if (!accessKey) return fail("UnknownAccessKey", "The security token included in the request is invalid.");

  const scope = `${auth.shortDate}/${auth.region}/${auth.service}/aws4_request`;
  const key = signingKey(accessKey.secretAccessKey, auth.shortDate, auth.region, auth.service);
  const canonicalBase = [
    req.method.toUpperCase(),
    canonicalUri(req.rawPath),
    canonicalQuery(query, presigned),
    canonicalHeaders(req.headers, auth.signedHeaders),
    auth.signedHeaders.join(";"),
  ].join("\n");

  for (const payloadHash of auth.payloadHashes) {
    const canonicalRequest = `${canonicalBase}\n${payloadHash}`;
    const stringToSign = `${SIGV4_ALGORITHM}\n${auth.longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const expected = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
    if (safeEqual(expected, auth.signature)) {
      const result: SigV4Success = {
        ok: true,
        accessKey,
        region: auth.region,
        service: auth.service,
        signedHeaders: auth.signedHeaders,
        presigned,
        signedAt: auth.signedAt,
      };
      if (auth.securityToken !== undefined) result.securityToken = auth.securityToken;
      return result;
    }
  }
  return fail("SignatureDoesNotMatch", SIGNATURE_MISMATCH);
}

function parseAuthorizationHeader(header: string, req: IncomingSignedRequest, now: Date): Step<ParsedAuth> {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const rest = space < 0 ? "" : trimmed.slice(space + 1);
  const xAmzDate = headerValue(req.headers, "x-amz-date");
  const httpDate = headerValue(req.headers, "date");

  const fields = new Map<string, string>();
  if (algorithm === SIGV4_ALGORITHM) {
    for (const part of rest.split(",")) {
      const item = part.trim();
      if (item === "") continue;
      const eq = item.indexOf("=");
      if (eq < 0) {
        return fail(
          "IncompleteSignature",
          `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
        );
      }
      fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
    }
  }
  const missing: string[] = [];
  for (const name of ["Credential", "Signature", "SignedHeaders"]) {
    if (!fields.get(name)) missing.push(`Authorization header requires '${name}' parameter.`);
  }
  if (xAmzDate === undefined && httpDate === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length > 0) return fail("IncompleteSignature", `${missing.join(" ")} Authorization=${header}`);

  const credential = parseCredential(fields.get("Credential") ?? "");
  if (!credential.ok) return credential;
  const signedHeaders = parseSignedHeaders(fields.get("SignedHeaders") ?? "");
  if (!signedHeaders.ok) return signedHeaders;

  const date = xAmzDate !== undefined ? parseAmzDate(xAmzDate) : parseHttpDate(httpDate ?? "");
  if (!date.ok) return date;
  const scopeCheck = checkScopeDate(credential.value.shortDate, date.value.longDate);
  if (scopeCheck) return scopeCheck;

  const skewMs = MAX_CLOCK_SKEW_SECONDS * 1000;
  const signedMs = date.value.signedAt.getTime();
  const nowMs = now.getTime();
  if (signedMs < nowMs - skewMs) {
    return fail(
      "RequestExpired",
      `Signature expired: ${date.value.longDate} is now earlier than ${amzDate(new Date(nowMs - skewMs))} (${amzDate(now)} - 15 min.)`,
    );
  }
  if (signedMs > nowMs + skewMs) return notYetCurrent(date.value.longDate, now);

  const payload = headerPayloadHash(req);
  if (!payload.ok) return payload;
  const parsed: ParsedAuth = {
    ...credential.value,
    signedHeaders: signedHeaders.value,
    signature: fields.get("Signature") ?? "",
    longDate: date.value.longDate,
    signedAt: date.value.signedAt,
    payloadHashes: [payload.value],
  };
  const token = headerValue(req.headers, "x-amz-security-token");
  if (token !== undefined) parsed.securityToken = token;
  return { ok: true, value: parsed };
}

function parsePresignedQuery(
  query: QueryParam[],
  req: IncomingSignedRequest,
  now: Date,
  options: SigV4Options,
): Step<ParsedAuth> {
  const single = (name: string): string | undefined | null => {
    const found = query.filter((p) => p.name === name);
    if (found.length > 1) return null;
    return found[0]?.value;
  };
  const names = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
    "X-Amz-Security-Token",
    "X-Amz-Content-Sha256",
  ] as const;
  const values = new Map<string, string | undefined>();
  for (const name of names) {
    const value = single(name);
    if (value === null) return fail("IncompleteSignature", `The query parameter '${name}' may appear only once.`);
    values.set(name, value);
  }
  const required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"];
  if (options.fixedValiditySeconds === undefined) required.push("X-Amz-Expires");
  if (required.some((name) => !values.get(name))) return fail("IncompleteSignature", PRESIGN_REQUIRED);

  if (values.get("X-Amz-Algorithm") !== SIGV4_ALGORITHM) {
    return fail("IncompleteSignature", `X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  }
  const credential = parseCredential(values.get("X-Amz-Credential") ?? "");
  if (!credential.ok) return credential;
  const signedHeaders = parseSignedHeaders(values.get("X-Amz-SignedHeaders") ?? "");
  if (!signedHeaders.ok) return signedHeaders;
  const date = parseAmzDate(values.get("X-Amz-Date") ?? "");
  if (!date.ok) return date;
  const scopeCheck = checkScopeDate(credential.value.shortDate, date.value.longDate);
  if (scopeCheck) return scopeCheck;

  let validSeconds: number;
  if (options.fixedValiditySeconds !== undefined) {
    validSeconds = options.fixedValiditySeconds;
  } else {
    const expires = values.get("X-Amz-Expires") ?? "";
    if (!/^\d+$/.test(expires)) return fail("IncompleteSignature", "X-Amz-Expires should be a number");
    validSeconds = Math.min(Number(expires), options.maxPresignSeconds ?? DEFAULT_MAX_PRESIGN_SECONDS);
  }
  const signedMs = date.value.signedAt.getTime();
  if (signedMs > now.getTime() + MAX_CLOCK_SKEW_SECONDS * 1000) return notYetCurrent(date.value.longDate, now);
  if (now.getTime() > signedMs + validSeconds * 1000) return fail("RequestExpired", "Request has expired.");

  // Non-S3 presigners (botocore, smithy) hash the (empty) body; S3-style ones send UNSIGNED-PAYLOAD.
  // Accepting the latter only for an empty body keeps any body authenticated.
  const explicit = values.get("X-Amz-Content-Sha256") ?? headerValue(req.headers, "x-amz-content-sha256");
  const payloadHashes =
    explicit !== undefined
      ? [explicit]
      : req.body.length === 0
        ? [EMPTY_SHA256, UNSIGNED_PAYLOAD]
        : [sha256Hex(req.body)];

  const parsed: ParsedAuth = {
    ...credential.value,
    signedHeaders: signedHeaders.value,
    signature: values.get("X-Amz-Signature") ?? "",
    longDate: date.value.longDate,
    signedAt: date.value.signedAt,
    payloadHashes,
  };
  const token = values.get("X-Amz-Security-Token");
  if (token !== undefined) parsed.securityToken = token;
  return { ok: true, value: parsed };
}

function parseCredential(
  credential: string,
): Step<{ accessKeyId: string; shortDate: string; region: string; service: string }> {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts.some((p) => p === "")) {
    return fail(
      "IncompleteSignature",
      `Credential should be of the form '<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request', got '${credential}'.`,
    );
  }
  const [accessKeyId = "", shortDate = "", region = "", service = "", terminator = ""] = parts;
  if (terminator !== "aws4_request") {
    return fail("IncompleteSignature", `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  return { ok: true, value: { accessKeyId, shortDate, region, service } };
}

function parseSignedHeaders(value: string): Step<string[]> {
  const names = value.split(";").map((h) => h.trim().toLowerCase());
  if (names.some((n) => n === "")) return fail("IncompleteSignature", `Invalid SignedHeaders: '${value}'.`);
  if (!names.includes("host")) {
    return fail("IncompleteSignature", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return { ok: true, value: names };
}

function parseAmzDate(value: string): Step<{ longDate: string; signedAt: Date }> {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const date = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || amzDate(date) !== value) {
    return fail("IncompleteSignature", `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  return { ok: true, value: { longDate: value, signedAt: date } };
}

function parseHttpDate(value: string): Step<{ longDate: string; signedAt: Date }> {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return fail("IncompleteSignature", `Date header is not a valid HTTP date: '${value}'.`);
  const signedAt = new Date(Math.floor(ms / 1000) * 1000);
  return { ok: true, value: { longDate: amzDate(signedAt), signedAt } };
}

function checkScopeDate(shortDate: string, longDate: string): SigV4Rejection | undefined {
  if (shortDate === longDate.slice(0, 8)) return undefined;
  return fail(
    "SignatureDoesNotMatch",
    `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${shortDate}' != '${longDate.slice(0, 8)}', from '${longDate}'.`,
  );
}

function notYetCurrent(longDate: string, now: Date): SigV4Rejection {
  const limit = amzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_SECONDS * 1000));
  return fail("RequestExpired", `Signature not yet current: ${longDate} is still later than ${limit} (${amzDate(now)} + 15 min.)`);
}

function headerPayloadHash(req: IncomingSignedRequest): Step<string> {
  const declared = headerValue(req.headers, "x-amz-content-sha256");
  if (declared === undefined) return { ok: true, value: sha256Hex(req.body) };
  // A declared hash is only trustworthy if it is the body's; otherwise the body could be swapped.
  if (/^[0-9a-fA-F]{64}$/.test(declared) && declared.toLowerCase() !== sha256Hex(req.body)) {
    return fail("SignatureDoesNotMatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return { ok: true, value: declared };
}

/** Formats a date as SigV4's ISO 8601 basic timestamp, e.g. 20260101T000000Z. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

function headerValue(headers: IncomingSignedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(",") : value;
}

function parseRawQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? "" : pair.slice(eq + 1);
    params.push({ name: percentDecode(name), value: percentDecode(value) });
  }
  return params;
}

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded (UTF-8). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** SDKs normalise dot segments and empty segments, then encode the already-encoded path again. */
function canonicalUri(rawPath: string): string {
  if (rawPath === "") return "/";
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const leading = rawPath.startsWith("/") ? "/" : "";
  const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  const normalized = `${leading}${segments.join("/")}${trailing}`;
  return normalized === "" ? "/" : normalized.split("/").map(uriEncode).join("/");
}

function canonicalQuery(params: QueryParam[], presigned: boolean): string {
  return params
    .filter((p) => !(presigned && p.name === "X-Amz-Signature"))
    .map((p) => [uriEncode(p.name), uriEncode(p.value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join("&");
}

function canonicalHeaders(headers: IncomingSignedRequest["headers"], signed: string[]): string {
  return signed
    .map((name) => `${name}:${(headerValue(headers, name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
}

function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const kDate = createHmac("sha256", `AWS4${secret}`).update(shortDate, "utf8").digest();
  const kRegion = createHmac("sha256", kDate).update(region, "utf8").digest();
  const kService = createHmac("sha256", kRegion).update(service, "utf8").digest();
  return createHmac("sha256", kService).update("aws4_request", "utf8").digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function safeEqual(expectedHex: string, provided: string): boolean {
  const a = Buffer.from(expectedHex, "utf8");
  const b = Buffer.from(provided, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
