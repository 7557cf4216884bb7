/**
 * authorization.k8s.io/v1 (SubjectAccessReview, SelfSubjectAccessReview, LocalSubjectAccessReview,
 * SelfSubjectRulesReview) and authentication.k8s.io/v1 (TokenReview, SelfSubjectReview): create-only
 * kinds that are answered, never stored (`virtual`). The answers come from the API server's
 * authorizer and authenticators (apiserver/auth/reviews.ts).
 */
import type { ResourceDescriptor } from "./descriptor.js";
import { nameCol } from "./core-v1.js";

const review = (group: string, kind: string, plural: string, namespaced = false, topLevelFields = ["spec", "status"]): ResourceDescriptor => ({
  group,
  version: "v1",
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  shortNames: [],
  categories: [],
  verbs: ["create"],
  subresources: [],
  hasSpec: false,
  topLevelFields,
  nameIsDnsLabel: false,
  columns: [nameCol()],
  cells: (o) => [o.metadata.name ?? ""],
  fieldSelectors: {},
  strategy: {},
  virtual: true,
});

export const AUTHORIZATION_V1: ResourceDescriptor[] = [
  review("authorization.k8s.io", "LocalSubjectAccessReview", "localsubjectaccessreviews", true),
  review("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews"),
  review("authorization.k8s.io", "SelfSubjectRulesReview", "selfsubjectrulesreviews"),
  review("authorization.k8s.io", "SubjectAccessReview", "subjectaccessreviews"),
];

export const AUTHENTICATION_V1: ResourceDescriptor[] = [
  review("authentication.k8s.io", "SelfSubjectReview", "selfsubjectreviews", false, ["status"]),
  review("authentication.k8s.io", "TokenReview", "tokenreviews"),
];

/** The kind `serviceaccounts/<name>/token` answers with. */
export const TOKEN_REQUEST_KIND = { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" };

/** ServiceAccounts with their `token` subresource (TokenRequest), served by ApiHandlerOptions.virtualCreates. */
export function withServiceAccountToken(descriptors: ResourceDescriptor[]): ResourceDescriptor[] {
  return descriptors.map((d) =>
    d.group === "" && d.plural === "serviceaccounts" && !d.subresources.includes("token")
      ? { ...d, subresources: [...d.subresources, "token"].sort(), subresourceKinds: { ...d.subresourceKinds, token: TOKEN_REQUEST_KIND } }
      : d,
  );
}
