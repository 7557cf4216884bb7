/**
 * Service-account tokens at the API: the TokenRequest subresource (`POST
 * …/serviceaccounts/<name>/token`, pkg/registry/core/serviceaccount/storage/token.go) and the
 * authenticator of bound tokens (the service account and the object the token is bound to must
 * still exist, with the same uid).
 */
import type { KubeObject, StoredObject, UserInfo } from "../../api/types.js";
import type { Clock } from "../../../shared/clock.js";
import { kubeTime } from "../registry/resource-store.js";
import { errors, type StatusError } from "../status.js";
import type { TokenAuthenticator } from "./authenticator.js";
import type { ServiceAccountTokens, TokenSubject } from "./service-account-token.js";
import { goQuote } from "../../../shared/go-format.js";

/** Reads objects the way the API server's own registry does (no authorization). */
export type ObjectLookup = (resource: "serviceaccounts" | "pods" | "secrets" | "nodes", namespace: string | undefined, name: string) => Promise<StoredObject | undefined>;

/** The kubelet's projected-token expiry, which kube-apiserver extends to a year for API-server audiences. */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
const EXTENDED_EXPIRATION_SECONDS = 365 * 24 * 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
/** Tokens of objects deleted longer ago than this are refused (invalidIfDeletedBefore). */
const DELETION_GRACE_MS = 60_000;

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export const serviceAccountGroups = (namespace: string): string[] => ["system:serviceaccounts", `system:serviceaccounts:${namespace}`];

const TOKEN_REQUEST = { resource: "tokenrequests", group: "authentication.k8s.io", kind: "TokenRequest" };

function invalidTokenRequest(name: string, field: string, value: string | number, detail: string): StatusError {
  const shown = typeof value === "string" ? goQuote(value) : String(value);
  return errors.invalid(TOKEN_REQUEST, name, [{ field, reason: "FieldValueInvalid", message: `Invalid value: ${shown}: ${detail}` }]);
}

/** TokenREST.Create: issues a token for the service account, optionally bound to a pod or secret. */
export async function createTokenRequest(
  request: { object: KubeObject; namespace: string; name: string },
  deps: { tokens: ServiceAccountTokens; lookup: ObjectLookup; clock: Clock },
): Promise<KubeObject> {
  const { object, namespace, name } = request;
  if (object.kind !== undefined && object.kind !== "TokenRequest") {
    throw errors.badRequest(`${String(object.kind)} in version "v1" cannot be handled as a TokenRequest: no kind "${String(object.kind)}" is registered for version "authentication.k8s.io/v1"`);
  }
  const meta = rec(object.metadata);
  if (str(meta.name) && meta.name !== name) throw invalidTokenRequest(name, "metadata.name", str(meta.name), "must match the service account name if specified");
  if (str(meta.namespace) && meta.namespace !== namespace) {
    throw invalidTokenRequest(name, "metadata.namespace", str(meta.namespace), "must match the service account namespace if specified");
  }
  const sa = await deps.lookup("serviceaccounts", namespace, name);
  if (!sa) throw errors.notFound({ resource: "serviceaccounts", group: "", kind: "ServiceAccount" }, name);
  const spec = rec(object.spec);
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : deps.tokens.apiAudiences;
  const requested = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? 3600 : Number(spec.expirationSeconds);
  if (!Number.isInteger(requested)) throw errors.badRequest(`TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64`);
  if (requested < MIN_EXPIRATION_SECONDS) throw invalidTokenRequest("", "spec.expirationSeconds", requested, "may not specify a duration less than 10 minutes");
  if (requested > MAX_EXPIRATION_SECONDS) throw invalidTokenRequest("", "spec.expirationSeconds", requested, "may not specify a duration larger than 2^32 seconds");

  const subject: TokenSubject = {
    namespace,
    serviceAccount: { name, uid: sa.metadata.uid ?? "" },
    audiences,
    expirationSeconds: requested,
  };
  const ref = spec.boundObjectRef === undefined || spec.boundObjectRef === null ? undefined : rec(spec.boundObjectRef);
  if (ref) {
    const apiVersion = str(ref.apiVersion);
    const kind = str(ref.kind);
    const refName = str(ref.name);
    let uid: string;
    if (apiVersion === "v1" && kind === "Pod") {
      const pod = await deps.lookup("pods", namespace, refName);
      if (!pod) throw errors.notFound({ resource: "pods", group: "", kind: "Pod" }, refName);
      const podSa = str(rec(pod.spec).serviceAccountName) || "default";
      if (podSa !== name) throw errors.badRequest(`cannot bind token for serviceaccount ${goQuote(name)} to pod running with different serviceaccount name.`);
      uid = pod.metadata.uid ?? "";
      subject.pod = { name: refName, uid };
      const nodeName = str(rec(pod.spec).nodeName);
      const node = nodeName ? await deps.lookup("nodes", undefined, nodeName) : undefined;
      if (node) subject.node = { name: nodeName, uid: node.metadata.uid ?? "" };
    } else if (apiVersion === "v1" && kind === "Secret") {
      const secret = await deps.lookup("secrets", namespace, refName);
      if (!secret) throw errors.notFound({ resource: "secrets", group: "", kind: "Secret" }, refName);
      uid = secret.metadata.uid ?? "";
      subject.secret = { name: refName, uid };
    } else if (apiVersion === "v1" && kind === "Node") {
      const node = await deps.lookup("nodes", undefined, refName);
      if (!node) throw errors.notFound({ resource: "nodes", group: "", kind: "Node" }, refName);
      uid = node.metadata.uid ?? "";
      subject.node = { name: refName, uid };
    } else {
      const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
      throw errors.badRequest(`cannot bind token to object of type ${group ? `${group}/` : ""}${version}, Kind=${kind}`);
    }
    if (str(ref.uid) && str(ref.uid) !== uid) {
      throw errors.conflict(
        { resource: kind, group: "", kind },
        refName,
        `the UID in the bound object reference (${str(ref.uid)}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
  }
  // Kubelets ask for 3607 s; such pod-bound tokens for the API server live a year but warn after the hour.
  if (subject.pod && requested === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && audiences.every((a) => deps.tokens.apiAudiences.includes(a))) {
    subject.warnAfterSeconds = requested;
    subject.expirationSeconds = EXTENDED_EXPIRATION_SECONDS;
  }
  const now = deps.clock.now();
  const { token } = deps.tokens.issue(subject);
  return {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace, creationTimestamp: kubeTime(now) },
    spec: { audiences, expirationSeconds: requested, ...(ref ? { boundObjectRef: ref } : {}) },
    status: { token, expirationTimestamp: kubeTime(new Date(now.getTime() + requested * 1000)) },
  };
}

/** The bound-token authenticator: the token, then the service account and bound object it names. */
export function serviceAccountTokenAuthenticator(deps: { tokens: ServiceAccountTokens; lookup: ObjectLookup; clock: Clock }): TokenAuthenticator {
  return async (token, audiences) => {
    const verified = deps.tokens.verify(token, audiences);
    if (!verified.ok) return verified.mine ? { error: verified.error } : undefined;
    const k8s = verified.claims["kubernetes.io"];
    const namespace = k8s.namespace;
    const deletedTooLongAgo = (obj: StoredObject) =>
      obj.metadata.deletionTimestamp !== undefined && new Date(obj.metadata.deletionTimestamp).getTime() < deps.clock.now().getTime() - DELETION_GRACE_MS;
    const sa = await deps.lookup("serviceaccounts", namespace, k8s.serviceaccount.name);
    if (!sa) return { error: `serviceaccount ${goQuote(k8s.serviceaccount.name)} not found` };
    if (sa.metadata.uid !== k8s.serviceaccount.uid) return { error: `service account UID (${sa.metadata.uid ?? ""}) does not match claim (${k8s.serviceaccount.uid})` };
    if (deletedTooLongAgo(sa)) return { error: `service account ${namespace}/${k8s.serviceaccount.name} has been deleted` };
    if (k8s.secret) {
      const secret = await deps.lookup("secrets", namespace, k8s.secret.name);
      if (!secret || deletedTooLongAgo(secret)) return { error: "service account token has been invalidated" };
      if (secret.metadata.uid !== k8s.secret.uid) return { error: `secret UID (${secret.metadata.uid ?? ""}) does not match service account secret ref claim (${k8s.secret.uid})` };
    }
    const extra: Record<string, string[]> = {};
    if (k8s.pod) {
      const pod = await deps.lookup("pods", namespace, k8s.pod.name);
      if (!pod || deletedTooLongAgo(pod)) return { error: "service account token has been invalidated" };
      if (pod.metadata.uid !== k8s.pod.uid) return { error: `pod UID (${pod.metadata.uid ?? ""}) does not match claim (${k8s.pod.uid})` };
      extra["authentication.kubernetes.io/pod-name"] = [k8s.pod.name];
      extra["authentication.kubernetes.io/pod-uid"] = [k8s.pod.uid];
    }
    if (verified.claims.jti) extra["authentication.kubernetes.io/credential-id"] = [`JTI=${verified.claims.jti}`];
    if (k8s.node) {
      extra["authentication.kubernetes.io/node-name"] = [k8s.node.name];
      if (k8s.node.uid) extra["authentication.kubernetes.io/node-uid"] = [k8s.node.uid];
    }
    const user: UserInfo = {
      username: `system:serviceaccount:${namespace}:${k8s.serviceaccount.name}`,
      uid: k8s.serviceaccount.uid,
      groups: serviceAccountGroups(namespace),
      ...(Object.keys(extra).length ? { extra } : {}),
    };
    return { user, audiences: verified.audiences };
  };
}

