/**
 * Impersonation (apiserver's WithImpersonation filter): `Impersonate-User`, `Impersonate-Group`,
 * `Impersonate-Uid` and `Impersonate-Extra-<key>` headers make a request act as another user, when
 * the requester may `impersonate` each of them (users, groups, serviceaccounts, uids,
 * userextras/<key>).
 */
import type { UserInfo } from "../../api/types.js";
import { errors, type StatusError } from "../status.js";
import {
  ANONYMOUS_USER,
  forbiddenError,
  SYSTEM_AUTHENTICATED,
  SYSTEM_UNAUTHENTICATED,
  type AuthorizationAttributes,
  type Authorizer,
} from "./authorizer.js";
import { splitServiceAccountUsername } from "./rbac-rules.js";

/** Header values by lower-case name, every occurrence of a repeated header (node's `headersDistinct`). */
export type Headers = Record<string, string | string[] | undefined>;

const USER = "impersonate-user";
const GROUP = "impersonate-group";
const UID = "impersonate-uid";
const EXTRA_PREFIX = "impersonate-extra-";
const AUTHENTICATION_V1 = "authentication.k8s.io/v1";

/** One thing to impersonate, as upstream's v1.ObjectReference. */
interface Request {
  kind: "ServiceAccount" | "User" | "Group" | "UserExtra" | "UID";
  namespace?: string;
  name: string;
  apiVersion?: string;
  fieldPath?: string;
}

const values = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Go's %v of a v1.ObjectReference: its seven string fields in order, space-separated. */
const describe = (r: Request) => `{${[r.kind, r.namespace ?? "", r.name, "", r.apiVersion ?? "", "", r.fieldPath ?? ""].join(" ")}}`;

/** Whether a request carries any impersonation header. */
export const wantsImpersonation = (headers: Headers): boolean =>
  Object.keys(headers).some((h) => h === USER || h === GROUP || h === UID || h.startsWith(EXTRA_PREFIX));

/** buildImpersonationRequests: the user first, then groups, extras and the uid. */
function requestsFrom(headers: Headers): Request[] {
  const out: Request[] = [];
  const user = values(headers[USER])[0] ?? "";
  if (user) {
    const sa = splitServiceAccountUsername(user);
    out.push(sa ? { kind: "ServiceAccount", namespace: sa.namespace, name: sa.name } : { kind: "User", name: user });
  }
  for (const group of values(headers[GROUP])) out.push({ kind: "Group", name: group });
  for (const [header, value] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    let key = header.slice(EXTRA_PREFIX.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // upstream keeps a key it cannot unescape as it is
    }
    for (const v of values(value)) out.push({ kind: "UserExtra", apiVersion: AUTHENTICATION_V1, name: v, fieldPath: key });
  }
  const uid = values(headers[UID])[0] ?? "";
  if (uid) out.push({ kind: "UID", name: uid, apiVersion: AUTHENTICATION_V1 });
  return out;
}

/**
 * The user a request acts as after its impersonation headers, or the StatusError upstream answers:
 * 500 for headers without Impersonate-User, 403 (`users "bob" is forbidden: User "x" cannot
 * impersonate resource "users" in API group "" at the cluster scope`) for a refused one.
 */
export async function impersonate(requester: UserInfo, headers: Headers, authorizer: Authorizer): Promise<{ user: UserInfo } | { error: StatusError }> {
  const requests = requestsFrom(headers);
  if (requests.length === 0) return { user: requester };
  if (requests[0]?.kind !== "User" && requests[0]?.kind !== "ServiceAccount") {
    return { error: errors.internal(`requested [${requests.map(describe).join(" ")}] without impersonating a user`) };
  }
  const groupsSpecified = values(headers[GROUP]).length > 0;
  let username = "";
  let uid: string | undefined;
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const r of requests) {
    const attrs: AuthorizationAttributes = { user: requester, verb: "impersonate", group: "", version: "v1", resource: "", name: r.name };
    switch (r.kind) {
      case "ServiceAccount":
        attrs.resource = "serviceaccounts";
        attrs.namespace = r.namespace;
        username = `system:serviceaccount:${r.namespace ?? ""}:${r.name}`;
        // A service account's groups are fixed; they are added unless groups were asked for.
        if (!groupsSpecified) groups = ["system:serviceaccounts", `system:serviceaccounts:${r.namespace ?? ""}`];
        break;
      case "User":
        attrs.resource = "users";
        username = r.name;
        break;
      case "Group":
        attrs.resource = "groups";
        groups.push(r.name);
        break;
      case "UserExtra":
        attrs.group = "authentication.k8s.io";
        attrs.resource = "userextras";
        attrs.subresource = r.fieldPath;
        (extra[r.fieldPath ?? ""] ??= []).push(r.name);
        break;
      case "UID":
        attrs.group = "authentication.k8s.io";
        attrs.resource = "uids";
        uid = r.name;
        break;
    }
    const decision = await authorizer.authorize(attrs);
    if (!decision.allowed) return { error: forbiddenError(attrs, decision.reason) };
  }
  if (username !== ANONYMOUS_USER) {
    if (!groups.includes(SYSTEM_AUTHENTICATED) && !groups.includes(SYSTEM_UNAUTHENTICATED)) groups.push(SYSTEM_AUTHENTICATED);
  } else if (!groups.includes(SYSTEM_UNAUTHENTICATED)) {
    groups.push(SYSTEM_UNAUTHENTICATED);
  }
  return { user: { username, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) } };
}
