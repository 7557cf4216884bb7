import type { UserInfo } from "../../api/types.js";
import type { Clock } from "../../../shared/clock.js";
import type { CredentialStore, Principal } from "../../../aws/gateway/credentials.js";
import { verifyEksToken } from "./eks-token.js";
import { SYSTEM_MASTERS } from "./authorizer.js";

/** Turns a request's credentials into a user, or undefined (401). */
export type Authenticator = (authorization: string | undefined) => UserInfo | undefined;

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
export function eksAuthenticator(options: EksAuthenticatorOptions): Authenticator {
  return (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) return undefined;
    const result = verifyEksToken(match[1] ?? "", {
      clusterName: options.clusterName,
      credentials: options.credentials,
      now: options.clock.now(),
      allowedHosts: options.allowedHosts,
    });
    if (!result.ok) return undefined;
    const { principal } = result;
    const isCreator = principal.arn === options.creator.arn && principal.accountId === options.creator.accountId;
    if (!isCreator || !options.bootstrapClusterCreatorAdminPermissions) return undefined;
    return {
      username: options.authenticationMode === "CONFIG_MAP" ? "kubernetes-admin" : principal.arn,
      uid: `aws-iam-authenticator:${principal.accountId}:${principal.userId}`,
      groups: [SYSTEM_MASTERS, "system:authenticated"],
      extra: {
        arn: [result.arn],
        canonicalArn: [principal.arn],
        accessKeyId: [result.accessKeyId],
        principalId: [principal.userId],
        sessionName: [""],
      },
    };
  };
}
