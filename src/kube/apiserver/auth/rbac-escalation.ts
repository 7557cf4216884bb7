/**
 * RBAC escalation prevention (pkg/registry/rbac/*\/policybased): a user may create or update a
 * Role/ClusterRole only with rules they already hold (or with `escalate` on it), and a
 * RoleBinding/ClusterRoleBinding only to a role whose rules they hold (or with `bind` on it).
 * Setting a ClusterRole's aggregationRule needs full authority. system:masters is exempt.
 * Upstream checks this in the RBAC storage, after mutating admission; here it is the last
 * mutating admission plugin, which is the same point of the request.
 */
import { goQuote } from "../../../shared/go-format.js";
import type { StoredObject, UserInfo } from "../../api/types.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission/admission.js";
import type { ResourceStore } from "../registry/resource-store.js";
import { errors, StatusError } from "../status.js";
import { SYSTEM_MASTERS, type Authorizer } from "./authorizer.js";
import type { RbacAuthorizer } from "./rbac-authorizer.js";
import { compactRules, compactString, covers, RBAC_GROUP, type PolicyRule, type RoleRef } from "./rbac-rules.js";

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

const rulesOf = (obj: StoredObject | undefined): PolicyRule[] => (Array.isArray(obj?.rules) ? (obj.rules as PolicyRule[]) : []);

/** IsOnlyMutatingGCFields, as far as RBAC cares: nothing but owner references and finalizers changed. */
function onlyGcFieldsChanged(obj: StoredObject, old: StoredObject | undefined): boolean {
  if (!old) return false;
  const essence = (o: StoredObject) =>
    JSON.stringify([o.rules ?? null, o.aggregationRule ?? null, o.roleRef ?? null, o.subjects ?? null, o.metadata.labels ?? {}, o.metadata.annotations ?? {}]);
  return essence(obj) === essence(old);
}

export interface EscalationDeps {
  authorizer: Authorizer;
  rbac: RbacAuthorizer;
  /** The registry of roles or cluster roles (a binding's roleRef is read from storage, as upstream does). */
  store: (plural: "roles" | "clusterroles") => ResourceStore | undefined;
}

export function rbacEscalationPrevention(deps: EscalationDeps): AdmissionPlugin {
  /** ConfirmNoEscalation: the user's rules in the namespace must cover `rules`. */
  function confirmNoEscalation(user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
    const owner = deps.rbac.allRulesFor(user, namespace);
    const { covered, missing } = covers(owner.rules, rules);
    if (covered) return undefined;
    const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
    let message = `user ${goQuote(user.username)} (groups=[${user.groups.map(goQuote).join(" ")}]) is attempting to grant RBAC permissions not currently held:\n${descriptions.join("\n")}`;
    if (owner.errors.length > 0) message += `; resolution errors: [${owner.errors.join(" ")}]`;
    return message;
  }

  const forbidden = (plural: string, name: string, why: string) =>
    new StatusError(403, "Forbidden", `${plural}.${RBAC_GROUP} ${goQuote(name)} is forbidden: ${why}`, { name, group: RBAC_GROUP, kind: plural });

  async function allowedTo(user: UserInfo, verb: string, resource: string, name: string, namespace: string | undefined, group = RBAC_GROUP): Promise<boolean> {
    const decision = await deps.authorizer.authorize({ user, verb, group, version: "v1", resource, name, ...(namespace ? { namespace } : {}) });
    return decision.allowed;
  }

  async function checkRole(attrs: AdmissionAttributes, obj: StoredObject): Promise<void> {
    const plural = attrs.descriptor.plural;
    const name = obj.metadata.name ?? attrs.name;
    if (await allowedTo(attrs.user, "escalate", plural, name, attrs.namespace)) return;
    const refusal = confirmNoEscalation(attrs.user, attrs.namespace ?? "", rulesOf(obj));
    if (refusal) throw forbidden(plural, name, refusal);
    const aggregation = obj.aggregationRule;
    const aggregationChanged = JSON.stringify(aggregation ?? null) !== JSON.stringify(attrs.oldObject?.aggregationRule ?? null);
    if (plural === "clusterroles" && aggregation !== undefined && aggregation !== null && aggregationChanged) {
      if (confirmNoEscalation(attrs.user, "", FULL_AUTHORITY)) throw forbidden(plural, name, "must have cluster-admin privileges to use the aggregationRule");
    }
  }

  async function checkBinding(attrs: AdmissionAttributes, obj: StoredObject): Promise<void> {
    const plural = attrs.descriptor.plural;
    const name = obj.metadata.name ?? attrs.name;
    const ref = (obj.roleRef ?? {}) as RoleRef;
    const bindingNamespace = plural === "rolebindings" ? (attrs.namespace ?? "") : "";
    // BindingAuthorized: `bind` on the referenced role, in the binding's namespace.
    if (ref.kind === "ClusterRole" || ref.kind === "Role") {
      const resource = ref.kind === "ClusterRole" ? "clusterroles" : "roles";
      if (await allowedTo(attrs.user, "bind", resource, ref.name, bindingNamespace || undefined, ref.apiGroup ?? RBAC_GROUP)) return;
    }
    // Invalid references are left to validation, which runs next.
    if (ref.kind !== "ClusterRole" && ref.kind !== "Role") return;
    const store = deps.store(ref.kind === "ClusterRole" ? "clusterroles" : "roles");
    if (!store) return;
    const role = await store.get(ref.kind === "ClusterRole" ? undefined : bindingNamespace, ref.name);
    const refusal = confirmNoEscalation(attrs.user, bindingNamespace, rulesOf(role));
    if (refusal) throw forbidden(plural, name, refusal);
  }

  return {
    name: "RBACEscalationPrevention",
    async admit(attrs) {
      if (attrs.descriptor.group !== RBAC_GROUP || attrs.subresource || !attrs.object) return;
      if (attrs.operation !== "CREATE" && attrs.operation !== "UPDATE") return;
      if (attrs.user.groups.includes(SYSTEM_MASTERS)) return;
      if (attrs.operation === "UPDATE" && onlyGcFieldsChanged(attrs.object, attrs.oldObject)) return;
      const plural = attrs.descriptor.plural;
      if (plural === "roles" || plural === "clusterroles") return checkRole(attrs, attrs.object);
      if (plural === "rolebindings" || plural === "clusterrolebindings") {
        if (plural === "rolebindings" && !attrs.namespace) throw errors.badRequest("namespace is required");
        return checkBinding(attrs, attrs.object);
      }
    },
  };
}
