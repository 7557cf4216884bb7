/**
 * One cluster's authentication and authorization, assembled as EKS runs kube-apiserver:
 * authenticators (client certificates, service-account tokens, EKS tokens, anonymous for the
 * health endpoints), authorizers in the order system:masters → Node → RBAC, impersonation, the
 * review resources and TokenRequest, ServiceAccount admission and RBAC escalation prevention.
 */
import type { Clock } from "../../../shared/clock.js";
import type { StoredObject } from "../../api/types.js";
import type { AdmissionPlugin } from "../admission/admission.js";
import { serviceAccountAdmission } from "../admission/service-account.js";
import type { ApiHandler } from "../api-handler.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { StatusError } from "../status.js";
import {
  eksAnonymousPaths,
  eksTokenAuthenticator,
  requestAuthenticator,
  unionTokenAuthenticator,
  type Authenticator,
  type EksAuthenticatorOptions,
  type TokenAuthenticator,
} from "./authenticator.js";
import { privilegedGroupsAuthorizer, SYSTEM_MASTERS, unionAuthorizer, unionRuleResolver, type Authorizer, type RuleResolver } from "./authorizer.js";
import { ensureBootstrapPolicy } from "./bootstrap-reconcile.js";
import { NodeAuthorizer, type NodePodLookup } from "./node-authorizer.js";
import { InformerPolicySource, RbacAuthorizer, StaticPolicySource } from "./rbac-authorizer.js";
import { rbacEscalationPrevention } from "./rbac-escalation.js";
import { reviewCreates, type VirtualCreate } from "./reviews.js";
import { createTokenRequest, serviceAccountTokenAuthenticator, type ObjectLookup } from "./service-account-auth.js";
import { ServiceAccountTokens, type ServiceAccountKeyPair } from "./service-account-token.js";
import { legacyServiceAccountTokenAuthenticator, legacyTokenGenerator, type LegacyTokenGenerator } from "./legacy-service-account-token.js";
import { defaultJwksUri, issuerDiscovery, type IssuerDiscovery } from "./oidc-discovery.js";

export interface ClusterAuthOptions {
  clock: Clock;
  /** The cluster's Kubernetes minor version ("1.34"): EKS 1.32+ limits anonymous requests. */
  version: string;
  /** The service-account token issuer (EKS: the cluster's OIDC issuer URL). */
  issuer: string;
  /** --api-audiences; EKS: https://kubernetes.default.svc. */
  apiAudiences: string[];
  serviceAccountKey: ServiceAccountKeyPair;
  eks: EksAuthenticatorOptions;
}

/** EKS's --api-audiences (and the default audience of TokenRequests). */
export const EKS_API_AUDIENCES = ["https://kubernetes.default.svc"];

export class ClusterAuth {
  readonly tokens: ServiceAccountTokens;
  /** What kube-controller-manager's token controller signs legacy Secret tokens with (the same key). */
  readonly legacyTokens: LegacyTokenGenerator;
  readonly rbac: RbacAuthorizer;
  readonly authorizer: Authorizer;
  readonly rules: RuleResolver;
  readonly tokenAuthenticator: TokenAuthenticator;
  readonly authenticate: Authenticator;
  private handler?: ApiHandler;
  private source?: InformerPolicySource;
  private apiserver?: InProcessClient;
  private policy: StaticPolicySource | InformerPolicySource = new StaticPolicySource([]);

  constructor(private readonly options: ClusterAuthOptions) {
    this.tokens = new ServiceAccountTokens(options.serviceAccountKey, options.issuer, options.apiAudiences, options.clock);
    // Until the caches have synced the RBAC authorizer sees no policy (it is started before serving).
    this.rbac = new RbacAuthorizer({
      clusterRoleBindings: () => this.policy.clusterRoleBindings(),
      roleBindings: (ns) => this.policy.roleBindings(ns),
      clusterRole: (name) => this.policy.clusterRole(name),
      role: (ns, name) => this.policy.role(ns, name),
    });
    const node = new NodeAuthorizer(this.podLookup());
    this.authorizer = unionAuthorizer(privilegedGroupsAuthorizer(SYSTEM_MASTERS), node, this.rbac);
    this.rules = unionRuleResolver(node, this.rbac);
    this.legacyTokens = legacyTokenGenerator(this.tokens);
    const saDeps = { tokens: this.tokens, lookup: this.lookup, clock: options.clock };
    // The last-used label is written as the API server itself, once it runs (start).
    const patchSecret = (namespace: string, name: string, patch: Record<string, unknown>) =>
      this.apiserver ? this.apiserver.patch({ version: "v1", plural: "secrets", namespace, name }, patch) : Promise.resolve();
    // kube-apiserver's order: the legacy (secret-based) authenticator, then the bound-token one.
    this.tokenAuthenticator = unionTokenAuthenticator(
      legacyServiceAccountTokenAuthenticator({ ...saDeps, patchSecret }),
      serviceAccountTokenAuthenticator(saDeps),
      eksTokenAuthenticator(options.eks),
    );
    this.authenticate = requestAuthenticator({ tokens: this.tokenAuthenticator, anonymous: true, anonymousPaths: eksAnonymousPaths(options.version) });
  }

  /** Reads an object as the API server itself (its registry; no authorization). */
  private readonly lookup: ObjectLookup = async (resource, namespace, name) => {
    const store = this.handler?.store("", "v1", resource);
    if (!store) return undefined;
    try {
      return await store.get(namespace, name);
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined;
      throw error;
    }
  };

  private podLookup(): NodePodLookup {
    return {
      pod: (namespace, name) => this.lookup("pods", namespace, name),
      podsOnNode: async (namespace, nodeName) => {
        const store = this.handler?.store("", "v1", "pods");
        if (!store) return [];
        const page = await store.list(namespace, { filter: (p: StoredObject) => (p.spec as { nodeName?: string } | undefined)?.nodeName === nodeName });
        return page.items;
      },
    };
  }

  /** ApiHandlerOptions.virtualCreates: the reviews and serviceaccounts/<name>/token. */
  virtualCreates(handler: ApiHandler): Record<string, VirtualCreate> {
    this.handler = handler;
    const deps = { tokens: this.tokens, lookup: this.lookup, clock: this.options.clock };
    return {
      ...reviewCreates({ authorizer: this.authorizer, rules: this.rules, tokens: this.tokenAuthenticator, apiAudiences: this.options.apiAudiences, clock: this.options.clock }),
      "/serviceaccounts/token": ({ object, namespace, name }) => createTokenRequest({ object, namespace: namespace ?? "", name: name ?? "" }, deps),
    };
  }

  /** The issuer discovery documents, with the jwks_uri at the API server's external address (host:port). */
  issuerDiscovery(externalAddress: string): IssuerDiscovery | undefined {
    return issuerDiscovery(this.options.issuer, defaultJwksUri(externalAddress), [this.tokens.jwk()]);
  }

  /** Admission plugins: ServiceAccount, then RBAC escalation prevention (last of the mutating phase). */
  admission(handler: ApiHandler): AdmissionPlugin[] {
    this.handler = handler;
    return [
      serviceAccountAdmission(() => handler.store("", "v1", "serviceaccounts")),
      rbacEscalationPrevention({ authorizer: this.authorizer, rbac: this.rbac, store: (plural) => handler.store("rbac.authorization.k8s.io", "v1", plural) }),
    ];
  }

  /**
   * The rbac/bootstrap-roles post-start hook, then the RBAC caches: resolves once they hold the
   * policy, so the API server serves with RBAC in force from its first request.
   */
  async start(apiserver: InProcessClient): Promise<void> {
    this.apiserver = apiserver;
    await ensureBootstrapPolicy(apiserver);
    const source = new InformerPolicySource(apiserver, this.options.clock).start();
    this.source = source;
    await source.synced();
    this.policy = source;
  }

  stop(): void {
    this.source?.stop();
  }
}
