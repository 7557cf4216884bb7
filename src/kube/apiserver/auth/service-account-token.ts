/**
 * Bound service-account tokens: RS256 JWTs signed with the cluster's service-account key, with
 * the claims kube-apiserver puts in them (pkg/serviceaccount/claims.go), and their verification
 * (signature, issuer, audience, expiry with go-jose's one-minute leeway).
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject } from "node:crypto";
import type { Clock } from "../../../shared/clock.js";

/** kube-apiserver's `kubernetes.io` private claims. */
export interface KubernetesClaims {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
  warnafter?: number;
}

export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti?: string;
  "kubernetes.io": KubernetesClaims;
  nbf: number;
  sub: string;
}

/** What a token is issued for. */
export interface TokenSubject {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
  audiences: string[];
  expirationSeconds: number;
  /** Set for kubelet tokens whose expiry was extended: when clients should have refreshed. */
  warnAfterSeconds?: number;
}

export type VerifiedToken = { ok: true; claims: TokenClaims; audiences: string[] } | { ok: false; mine: boolean; error: string };

/** go-jose's DefaultLeeway for exp and nbf. */
const LEEWAY_SECONDS = 60;

const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** JSON with object keys sorted, as Go marshals the merged claims map. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface ServiceAccountKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** The cluster's token signer and verifier (kube-apiserver's --service-account-signing-key-file and issuer). */
export class ServiceAccountTokens {
  readonly keyId: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(
    keys: ServiceAccountKeyPair,
    /** The `iss` of issued tokens; EKS: https://oidc.eks.<region>.amazonaws.com/id/<ID>. */
    readonly issuer: string,
    /** --api-audiences: what a token must be for to authenticate to this API server. */
    readonly apiAudiences: string[],
    private readonly clock: Clock,
  ) {
    this.privateKey = createPrivateKey(keys.privateKeyPem);
    this.publicKey = createPublicKey(keys.publicKeyPem);
    // keyIDFromPublicKey: base64url(SHA-256(PKIX DER of the public key)).
    this.keyId = createHash("sha256").update(this.publicKey.export({ type: "spki", format: "der" })).digest("base64url");
  }

  /** The public key as a JWK (for the issuer's JWKS document). */
  jwk(): Record<string, string> {
    const jwk = this.publicKey.export({ format: "jwk" }) as { n: string; e: string };
    return { use: "sig", kty: "RSA", kid: this.keyId, alg: "RS256", n: jwk.n, e: jwk.e };
  }

  /** token.Claims + GenerateToken: a signed token and its claims. */
  issue(subject: TokenSubject): { token: string; claims: TokenClaims } {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const claims: TokenClaims = {
      aud: subject.audiences,
      exp: now + subject.expirationSeconds,
      iat: now,
      iss: this.issuer,
      jti: randomUUID(),
      "kubernetes.io": {
        namespace: subject.namespace,
        serviceaccount: subject.serviceAccount,
        ...(subject.pod ? { pod: subject.pod } : {}),
        ...(subject.secret ? { secret: subject.secret } : {}),
        ...(subject.node ? { node: subject.node } : {}),
        ...(subject.warnAfterSeconds ? { warnafter: now + subject.warnAfterSeconds } : {}),
      },
      nbf: now,
      sub: `system:serviceaccount:${subject.namespace}:${subject.serviceAccount.name}`,
    };
    return { token: this.sign(claims), claims };
  }

  /** An RS256 JWT of `claims` signed with the cluster key (go-jose's compact form: kid header, sorted claim keys). */
  sign(claims: object): string {
    const signingInput = `${b64(JSON.stringify({ alg: "RS256", kid: this.keyId }))}.${b64(sortedJson(claims))}`;
    const signature = sign("sha256", Buffer.from(signingInput), this.privateKey);
    return `${signingInput}.${signature.toString("base64url")}`;
  }

  /** Whether a parsed JWT is RS256 and carries a valid signature of this cluster's key. */
  signedByMe(jwt: ParsedJwt): boolean {
    if (jwt.header.alg !== "RS256") return false;
    return verify("sha256", Buffer.from(jwt.signingInput), this.publicKey, Buffer.from(jwt.signature, "base64url"));
  }

  /**
   * Checks a bearer token. `mine: false` means it is not a token of this issuer at all (another
   * authenticator may take it); otherwise `error` says why it is refused. `audiences` (default the
   * API audiences) must intersect the token's; the intersection is returned.
   */
  verify(token: string, audiences: string[] = this.apiAudiences): VerifiedToken {
    const parts = token.split(".");
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return { ok: false, mine: false, error: "not a JWT" };
    const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;
    let header: { alg?: unknown };
    let claims: Partial<TokenClaims>;
    try {
      header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8")) as { alg?: unknown };
      claims = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8")) as Partial<TokenClaims>;
    } catch {
      return { ok: false, mine: false, error: "not a JWT" };
    }
    if (typeof claims !== "object" || claims === null || claims.iss !== this.issuer) return { ok: false, mine: false, error: "token issued by another issuer" };
    if (header.alg !== "RS256") return { ok: false, mine: true, error: "invalid bearer token" };
    const valid = verify("sha256", Buffer.from(`${headerPart}.${payloadPart}`), this.publicKey, Buffer.from(signaturePart, "base64url"));
    if (!valid) return { ok: false, mine: true, error: "invalid bearer token" };
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (typeof claims.exp === "number" && now > claims.exp + LEEWAY_SECONDS) return { ok: false, mine: true, error: "service account token has expired" };
    if (typeof claims.nbf === "number" && now < claims.nbf - LEEWAY_SECONDS) return { ok: false, mine: true, error: "service account token is not valid yet" };
    const tokenAudiences = Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === "string" ? [claims.aud] : [];
    const matched = tokenAudiences.filter((a) => audiences.includes(a));
    if (matched.length === 0) return { ok: false, mine: true, error: "token audiences " + goList(tokenAudiences) + " is invalid for the target audiences " + goList(audiences) };
    const k8s = claims["kubernetes.io"];
    if (!k8s || typeof claims.sub !== "string" || !k8s.serviceaccount?.name) return { ok: false, mine: true, error: "service account token claims could not be validated" };
    return { ok: true, claims: claims as TokenClaims, audiences: matched };
  }
}

/** A compact JWS split into its parts, header and claims decoded (not yet verified). */
export interface ParsedJwt {
  header: { alg?: unknown; kid?: unknown };
  claims: Record<string, unknown>;
  signingInput: string;
  signature: string;
}

/** Splits and decodes a compact JWT; undefined when it is not one. */
export function parseJwt(token: string): ParsedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  const [headerPart = "", payloadPart = "", signature = ""] = parts;
  try {
    const header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8")) as unknown;
    const claims = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8")) as unknown;
    if (header === null || typeof header !== "object" || claims === null || typeof claims !== "object" || Array.isArray(claims)) return undefined;
    return { header: header as ParsedJwt["header"], claims: claims as Record<string, unknown>, signingInput: `${headerPart}.${payloadPart}`, signature };
  } catch {
    return undefined;
  }
}

/** Go's %q of a []string: ["a" "b"]. */
const goList = (list: string[]) => `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;

/** The issuer EKS gives a cluster: https://oidc.eks.<region>.amazonaws.com/id/<32 upper-case hex>. */
export function eksOidcIssuer(region: string, clusterId: string): string {
  const hex = createHash("md5").update(clusterId).digest("hex");
  const id = /^[0-9a-f-]{36}$/i.test(clusterId) ? clusterId.replace(/-/g, "") : hex;
  return `https://oidc.eks.${region}.amazonaws.com/id/${id.toUpperCase()}`;
}
