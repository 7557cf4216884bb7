import type { UserInfo } from "../../api/types.js";

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface Decision {
  allowed: boolean;
  reason?: string;
}

export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Promise<Decision> | Decision;
}

/** The group kube-apiserver lets do anything (what EKS maps the cluster creator into). */
export const SYSTEM_MASTERS = "system:masters";

/**
 * The authorization that exists before RBAC (which the API-fidelity issue adds): members of
 * system:masters may do anything, everyone else nothing. Built-in components that need access
 * run with system:masters membership, as kube-apiserver's own loopback client does.
 */
export const mastersOnlyAuthorizer: Authorizer = {
  authorize: ({ user }) => (user.groups.includes(SYSTEM_MASTERS) ? { allowed: true } : { allowed: false }),
};
