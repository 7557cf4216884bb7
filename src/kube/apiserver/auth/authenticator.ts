/**
 * Request authentication, in kube-apiserver's order: a client certificate signed by the cluster CA,
 * then bearer tokens (service-account JWTs, EKS `k8s-aws-v1.` tokens); a request that carries no
 * credentials at all may be anonymous; one with bad credentials is 401. Every authenticated user
 * is in `system:authenticated`.
 */
import { createHash } from "node:crypto";
import type { UserInfo } from "../../api/types.js";
import type { Clock } from "../../../shared/clock.js";
import type { CredentialStore, Principal } from "../../../aws/gateway/credentials.js";
import { verifyEksToken } from "./eks-token.js";
import { aggregateErrors, ANONYMOUS_USER, SYSTEM_AUTHENTICATED, SYSTEM_MASTERS, SYSTEM_UNAUTHENTICATED } from "./authorizer.js";

/** What a token authenticator says: a user, a refusal, or "not a token of mine" (undefined). */
export type TokenResult = { user: UserInfo; audiences?: string[]; warnings?: string[] } | { error: string } | undefined;

/** Checks a bearer token, for the API audiences unless others are given (TokenReview). */
export type TokenAuthenticator = (token: string, audiences?: string[]) => TokenResult | Promise<TokenResult>;

/** The TLS client certificate as node reports it (tls.PeerCertificate, the fields used here). */
export interface ClientCertificate {
  subject?: Record<string, string | string[] | undefined>;
  ext_key_usage?: string[];
  raw?: Buffer;
}

/** The credentials of one request. */
export interface RequestCredentials {
  authorization?: string;
  /** The client certificate, present only when it chains to the cluster CA (`verified`). */
  certificate?: ClientCertificate;
  certificateVerified?: boolean;
  certificateError?: string;
  path: string;
}

/** `warnings`: what the authenticator wants the client told (Warning headers), e.g. on legacy tokens. */
export type AuthenticationResult = { user: UserInfo; warnings?: string[] } | { unauthorized: string };

export type Authenticator = (credentials: RequestCredentials) => AuthenticationResult | Promise<AuthenticationResult>;

const CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";
const ANY_EKU_OID = "2.5.29.37.0";

/** AuthenticatedGroupAdder: every authenticated user is also in system:authenticated. */
const withAuthenticated = (user: UserInfo): UserInfo =>
  user.groups.includes(SYSTEM_AUTHENTICATED) ? user : { ...user, groups: [...user.groups, SYSTEM_AUTHENTICATED] };

/** The x509 authenticator: CN is the user, O the groups (CommonNameUserConversion). */
export function certificateUser(cert: ClientCertificate): TokenResult {
  const eku = cert.ext_key_usage;
  if (eku && !eku.includes(CLIENT_AUTH_OID) && !eku.includes(ANY_EKU_OID)) return { error: "x509: certificate specifies an incompatible key usage" };
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
  const all = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
  const username = one(cert.subject?.CN);
  if (!username) return undefined;
  const fingerprint = cert.raw ? createHash("sha256").update(cert.raw).digest("hex") : undefined;
  return {
    user: {
      username,
      groups: all(cert.subject?.O),
      ...(fingerprint ? { extra: { "authentication.kubernetes.io/credential-id": [`X509SHA256=${fingerprint}`] } } : {}),
    },
  };
}

/** union of token authenticators: the first user wins, else the aggregated errors, else "not mine". */
export function unionTokenAuthenticator(...authenticators: TokenAuthenticator[]): TokenAuthenticator {
  return async (token, audiences) => {
    const problems: string[] = [];
    for (const authenticate of authenticators) {
      const result = await authenticate(token, audiences);
      if (result && "user" in result) return { ...result, user: withAuthenticated(result.user) };
      if (result) problems.push(result.error);
    }
    return problems.length ? { error: aggregateErrors(problems) } : undefined;
  };
}

export interface RequestAuthenticatorOptions {
  tokens: TokenAuthenticator;
  /** Paths an unauthenticated request may reach as system:anonymous (all, when undefined). */
  anonymousPaths?: readonly string[];
  anonymous: boolean;
}

/** The API server's authentication of a request: certificate, then bearer token, then anonymous. */
export function requestAuthenticator(options: RequestAuthenticatorOptions): Authenticator {
  return async (credentials) => {
    const problems: string[] = [];
    if (credentials.certificate) {
      const result = credentials.certificateVerified
        ? certificateUser(credentials.certificate)
        : { error: `verifying certificate: ${credentials.certificateError ?? "x509: certificate signed by unknown authority"}` };
      if (result && "user" in result) return { user: withAuthenticated(result.user) };
      if (result) problems.push(result.error);
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(credentials.authorization ?? "");
    if (bearer) {
      const result = await options.tokens(bearer[1] ?? "");
      if (result && "user" in result) return { user: withAuthenticated(result.user), ...(result.warnings?.length ? { warnings: result.warnings } : {}) };
      problems.push(result ? result.error : "invalid bearer token");
    } else if (credentials.authorization) {
      problems.push("unsupported authorization scheme");
    }
    if (problems.length > 0) return { unauthorized: aggregateErrors(problems) };
    const anonymousAllowed = options.anonymous && (!options.anonymousPaths || options.anonymousPaths.includes(credentials.path));
    if (!anonymousAllowed) return { unauthorized: "no credentials" };
    return { user: { username: ANONYMOUS_USER, groups: [SYSTEM_UNAUTHENTICATED] } };
  };
}

/**
 * EKS 1.32+: anonymous requests are allowed only to the health endpoints; other anonymous requests
 * are 401 (EKS 1.32 release notes). Older versions allow them everywhere (RBAC then decides).
 */
export function eksAnonymousPaths(version: string): readonly string[] | undefined {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 1 || (major === 1 && minor >= 32) ? ["/healthz", "/livez", "/readyz"] : undefined;
}

export interface EksAuthenticatorOptions {
  clusterName: string;
  credentials: CredentialStore;
  clock: Clock;
  allowedHosts: (host: string) => boolean;
  /** The principal that created the cluster and its admin bootstrap setting. */
  creator: Principal;
  bootstrapClusterCreatorAdminPermissions: boolean;
  authenticationMode: string;
}

/**
 * EKS token authentication (aws-iam-authenticator): a valid `k8s-aws-v1.` token for this cluster
 * whose principal is mapped. Until access entries and aws-auth arrive, the only mapping is EKS's
 * implicit one for the cluster creator: `kubernetes-admin` in system:masters (CONFIG_MAP mode) or
 * its ARN as the username (API modes). An identity with no mapping is unauthorized, as on EKS.
 */
export function eksTokenAuthenticator(options: EksAuthenticatorOptions): TokenAuthenticator {
  return (token) => {
    if (!token.startsWith("k8s-aws-v1.")) return undefined;
    const result = verifyEksToken(token, {
      clusterName: options.clusterName,
      credentials: options.credentials,
      now: options.clock.now(),
      allowedHosts: options.allowedHosts,
    });
    if (!result.ok) return { error: result.message };
    const { principal } = result;
    const isCreator = principal.arn === options.creator.arn && principal.accountId === options.creator.accountId;
    if (!isCreator || !options.bootstrapClusterCreatorAdminPermissions) return { error: `ARN is not mapped: ${principal.arn}` };
    return {
      user: {
        username: options.authenticationMode === "CONFIG_MAP" ? "kubernetes-admin" : principal.arn,
        uid: `aws-iam-authenticator:${principal.accountId}:${principal.userId}`,
        groups: [SYSTEM_MASTERS],
        extra: {
          arn: [result.arn],
          canonicalArn: [principal.arn],
          accessKeyId: [result.accessKeyId],
          principalId: [principal.userId],
          sessionName: [""],
        },
      },
    };
  };
}
