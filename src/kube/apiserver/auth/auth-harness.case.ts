/**
 * A cluster API for auth tests: the handler with every built-in resource, ClusterAuth wired as the
 * control plane wires it (RBAC synced, bootstrap policy in place), memory storage and a FakeClock.
 */
import { generateKeyPairSync } from "node:crypto";
import { FakeClock } from "../../../shared/clock.js";
import { silentLogger } from "../../../shared/logger.js";
import { MemoryStorage } from "../../../storage/memory/memory-storage.js";
import { defaultCredentialStore } from "../../../aws/gateway/credentials.js";
import { withCoreLifecycle } from "../../api/core-lifecycle.js";
import { CORE_V1 } from "../../api/core-v1.js";
import { APPS_V1 } from "../../api/apps-v1.js";
import { RBAC_V1 } from "../../api/rbac-v1.js";
import { AUTHENTICATION_V1, AUTHORIZATION_V1, withServiceAccountToken } from "../../api/review-v1.js";
import type { StoredObject, UserInfo } from "../../api/types.js";
import { InProcessClient, type ResourceRef } from "../../client/in-process-client.js";
import { ClusterRoleAggregationController, AGGREGATION_CONTROLLER_USER } from "../../controllers/clusterrole-aggregation/clusterrole-aggregation-controller.js";
import { ApiHandler } from "../api-handler.js";
import { SYSTEM_MASTERS } from "./authorizer.js";
import { ClusterAuth, EKS_API_AUDIENCES } from "./cluster-auth.js";
import type { ServiceAccountKeyPair } from "./service-account-token.js";

export const ADMIN: UserInfo = { username: "kubernetes-admin", groups: [SYSTEM_MASTERS, "system:authenticated"] };
export const ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

let keys: ServiceAccountKeyPair | undefined;
/** One RSA key for the whole test process (generating one takes a while). */
export function testKeys(): ServiceAccountKeyPair {
  if (!keys) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    keys = {
      privateKeyPem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
  }
  return keys;
}

/** The kinds auth needs (the control plane serves more). */
const descriptors = () => withServiceAccountToken(withCoreLifecycle([...CORE_V1, ...APPS_V1, ...RBAC_V1, ...AUTHORIZATION_V1, ...AUTHENTICATION_V1]));

export const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

export async function authCluster(options: { aggregation?: boolean; version?: string } = {}) {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const storage = new MemoryStorage();
  const auth = new ClusterAuth({
    clock,
    version: options.version ?? "1.34",
    issuer: ISSUER,
    apiAudiences: EKS_API_AUDIENCES,
    serviceAccountKey: testKeys(),
    eks: {
      clusterName: "c1",
      credentials: defaultCredentialStore(),
      clock,
      allowedHosts: () => true,
      creator: { arn: "arn:aws:iam::000000000000:root", accountId: "000000000000", userId: "000000000000" },
      bootstrapClusterCreatorAdminPermissions: true,
      authenticationMode: "API_AND_CONFIG_MAP",
    },
  });
  const handler = new ApiHandler({
    storage,
    registryRoot: "/k8s/test/registry",
    descriptors: descriptors(),
    clock,
    authorizer: auth.authorizer,
    virtualCreates: (h) => auth.virtualCreates(h),
    issuerDiscovery: () => auth.issuerDiscovery("127.0.0.1:6443"),
    admission: (h) => auth.admission(h),
    version: { major: "1", minor: "34", gitVersion: "v1.34.1-eks-0000000" },
    serverAddress: () => "127.0.0.1:6443",
  });
  const admin = new InProcessClient(handler, ADMIN);
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) await admin.create({ version: "v1", plural: "namespaces" }, { metadata: { name } });
  await auth.start(admin);
  const aggregation = options.aggregation ? new ClusterRoleAggregationController(new InProcessClient(handler, AGGREGATION_CONTROLLER_USER), clock, silentLogger).start() : undefined;
  const as = (user: UserInfo | string, groups: string[] = []) =>
    new InProcessClient(handler, typeof user === "string" ? { username: user, groups: [...groups, "system:authenticated"] } : user);
  /** Waits until the RBAC caches show what was just written. */
  const synced = () => settle();
  const close = () => {
    aggregation?.stop();
    auth.stop();
  };
  return { clock, storage, auth, handler, admin, as, synced, close };
}

export type AuthCluster = Awaited<ReturnType<typeof authCluster>>;

export const rbac = (plural: string, namespace?: string, name?: string): ResourceRef => ({ group: "rbac.authorization.k8s.io", version: "v1", plural, namespace, name });
export const core = (plural: string, namespace?: string, name?: string, subresource?: string): ResourceRef => ({ version: "v1", plural, namespace, name, subresource });

/** A Role and a RoleBinding that let `user` do `verbs` on `resources` in `namespace`. */
export async function grant(c: AuthCluster, namespace: string, user: string, verbs: string[], resources: string[], apiGroups = [""]): Promise<void> {
  const name = `${user}-${resources.join("-").replace(/\//g, "-")}`;
  await c.admin.create(rbac("roles", namespace), { metadata: { name }, rules: [{ verbs, apiGroups, resources }] } as Partial<StoredObject>);
  await c.admin.create(rbac("rolebindings", namespace), {
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ kind: "User", name: user }],
  });
  await c.synced();
}
