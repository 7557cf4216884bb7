/**
 * Legacy (secret-based) service-account tokens: the non-expiring JWTs kube-controller-manager's
 * token controller writes into `kubernetes.io/service-account-token` Secrets
 * (pkg/serviceaccount/legacy.go), and their authenticator, which accepts one only while its Secret
 * still exists and holds exactly that token, and the service account still has the uid it names.
 */
import type { Clock } from "../../../shared/clock.js";
import { goQuote } from "../../../shared/go-format.js";
import type { StoredObject, UserInfo } from "../../api/types.js";
import type { TokenAuthenticator } from "./authenticator.js";
import { serviceAccountGroups, type ObjectLookup } from "./service-account-auth.js";
import { parseJwt, type ServiceAccountTokens } from "./service-account-token.js";

/** The `iss` of every legacy token (serviceaccount.LegacyIssuer). */
export const LEGACY_ISSUER = "kubernetes/serviceaccount";
export const SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";
export const SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name";
export const SERVICE_ACCOUNT_UID_ANNOTATION = "kubernetes.io/service-account.uid";
/** Set by the API server on the day a legacy token is used (LegacyServiceAccountTokenTracking). */
export const LAST_USED_LABEL = "kubernetes.io/legacy-token-last-used";
/** Set by the legacy-token cleaner on unused auto-generated tokens: such a token no longer authenticates. */
export const INVALID_SINCE_LABEL = "kubernetes.io/legacy-token-invalid-since";
export const AUTO_GENERATED_TOKEN_WARNING =
  "Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.";

const CLAIM_NAMESPACE = "kubernetes.io/serviceaccount/namespace";
const CLAIM_SECRET_NAME = "kubernetes.io/serviceaccount/secret.name";
const CLAIM_SA_NAME = "kubernetes.io/serviceaccount/service-account.name";
const CLAIM_SA_UID = "kubernetes.io/serviceaccount/service-account.uid";

/** Signs legacy tokens with the cluster's service-account key (kube-controller-manager's --service-account-private-key-file). */
export interface LegacyTokenGenerator {
  legacyToken(serviceAccount: { namespace: string; name: string; uid: string }, secretName: string): string;
}

/** serviceaccount.LegacyClaims: no audience, no expiry. */
export function legacyClaims(serviceAccount: { namespace: string; name: string; uid: string }, secretName: string): Record<string, string> {
  return {
    iss: LEGACY_ISSUER,
    [CLAIM_NAMESPACE]: serviceAccount.namespace,
    [CLAIM_SECRET_NAME]: secretName,
    [CLAIM_SA_NAME]: serviceAccount.name,
    [CLAIM_SA_UID]: serviceAccount.uid,
    sub: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
  };
}

/** The generator over the cluster's token signer. */
export const legacyTokenGenerator = (tokens: ServiceAccountTokens): LegacyTokenGenerator => ({
  legacyToken: (serviceAccount, secretName) => tokens.sign(legacyClaims(serviceAccount, secretName)),
});

export interface LegacyAuthenticatorDeps {
  tokens: ServiceAccountTokens;
  lookup: ObjectLookup;
  clock: Clock;
  /** Writes the last-used label (a merge patch as the API server); absent until the API server runs. */
  patchSecret?: (namespace: string, name: string, patch: Record<string, unknown>) => Promise<unknown>;
}

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
/** Go's %q of a []string. */
const goList = (list: string[]) => `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;

/** apiserverserviceaccount.SplitUsername. */
function splitUsername(username: string): { namespace: string; name: string } | undefined {
  const prefix = "system:serviceaccount:";
  if (!username.startsWith(prefix)) return undefined;
  const parts = username.slice(prefix.length).split(":");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** The legacy-token authenticator (jwtTokenAuthenticator with the legacy validator, lookup on). */
export function legacyServiceAccountTokenAuthenticator(deps: LegacyAuthenticatorDeps): TokenAuthenticator {
  return async (token, audiences) => {
    const jwt = parseJwt(token);
    if (!jwt || jwt.claims.iss !== LEGACY_ISSUER) return undefined;
    if (!deps.tokens.signedByMe(jwt)) return { error: "go-jose/go-jose: error in cryptographic primitive" };
    const claims = jwt.claims;
    // Legacy tokens carry no audience: they are for the API server's own audiences only.
    const tokenAudiences = Array.isArray(claims.aud) ? claims.aud.map(String) : typeof claims.aud === "string" ? [claims.aud] : deps.tokens.apiAudiences;
    const requested = audiences ?? deps.tokens.apiAudiences;
    const matched = tokenAudiences.filter((a) => requested.includes(a));
    if (matched.length === 0) return { error: `token audiences ${goList(tokenAudiences)} is invalid for the target audiences ${goList(requested)}` };

    const sub = str(claims.sub);
    const namespace = str(claims[CLAIM_NAMESPACE]);
    const secretName = str(claims[CLAIM_SECRET_NAME]);
    const saName = str(claims[CLAIM_SA_NAME]);
    const saUid = str(claims[CLAIM_SA_UID]);
    if (!sub) return { error: "sub claim is missing" };
    if (!namespace) return { error: "namespace claim is missing" };
    if (!secretName) return { error: "secretName claim is missing" };
    if (!saName) return { error: "serviceAccountName claim is missing" };
    if (!saUid) return { error: "serviceAccountUID claim is missing" };
    const subject = splitUsername(sub);
    if (!subject || subject.namespace !== namespace || subject.name !== saName) return { error: "sub claim is invalid" };

    const secret = await deps.lookup("secrets", namespace, secretName);
    if (!secret || secret.metadata.deletionTimestamp) return { error: "Token has been invalidated" };
    if (Buffer.from(str(rec(secret.data).token), "base64").toString("utf8") !== token) return { error: "Token does not match server's copy" };
    const sa = await deps.lookup("serviceaccounts", namespace, saName);
    if (!sa) return { error: `serviceaccount ${goQuote(saName)} not found` };
    if (sa.metadata.deletionTimestamp) return { error: `ServiceAccount ${namespace}/${saName} has been deleted` };
    if (sa.metadata.uid !== saUid) return { error: `ServiceAccount UID (${sa.metadata.uid ?? ""}) does not match claim (${saUid})` };

    if (secret.metadata.labels?.[INVALID_SINCE_LABEL]) {
      await markUsed(deps, secret);
      return {
        error:
          `the token in secret ${namespace}/${secretName} for service account ${namespace}/${saName} has been marked invalid. ` +
          `Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${INVALID_SINCE_LABEL}' label from the secret to temporarily allow use of this token`,
      };
    }
    // Only auto-generated tokens (those the service account lists in `secrets`) warn.
    const referenced = Array.isArray(sa.secrets) && sa.secrets.some((ref) => str(rec(ref).name) === secretName);
    await markUsed(deps, secret);
    const user: UserInfo = { username: sub, uid: saUid, groups: serviceAccountGroups(namespace) };
    return { user, audiences: matched, ...(referenced ? { warnings: [AUTO_GENERATED_TOKEN_WARNING] } : {}) };
  };
}

/** patchSecretWithLastUsedDate: labels the Secret with today's date (UTC) unless it already says today or tomorrow. */
async function markUsed(deps: LegacyAuthenticatorDeps, secret: StoredObject): Promise<void> {
  if (!deps.patchSecret) return;
  const now = deps.clock.now();
  const today = now.toISOString().slice(0, 10);
  const tomorrow = new Date(now.getTime() + 24 * 3600_000).toISOString().slice(0, 10);
  const lastUsed = secret.metadata.labels?.[LAST_USED_LABEL];
  if (lastUsed === today || lastUsed === tomorrow) return;
  try {
    await deps.patchSecret(secret.metadata.namespace ?? "", secret.metadata.name ?? "", { metadata: { uid: secret.metadata.uid, labels: { [LAST_USED_LABEL]: today } } });
  } catch {
    // Upstream only logs a failed label write; the request is still authenticated.
  }
}
