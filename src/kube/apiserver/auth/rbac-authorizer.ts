/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac): a request is allowed when a rule of a role
 * bound to the user allows it — ClusterRoleBindings first, then the RoleBindings of the request's
 * namespace. Roles and bindings come from caches fed by list+watch (DESIGN.md rule 1).
 */
import type { Clock } from "../../../shared/clock.js";
import type { StoredObject, UserInfo } from "../../api/types.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer } from "../../client/informer.js";
import { aggregateErrors, type AuthorizationAttributes, type Authorizer, type Decision, type RuleResolver, type SubjectRules } from "./authorizer.js";
import { RBAC_GROUP, ruleAllows, subjectAppliesTo, type PolicyRule, type RoleRef, type Subject } from "./rbac-rules.js";

/** Where the authorizer reads roles and bindings. */
export interface RbacPolicySource {
  clusterRoleBindings(): StoredObject[];
  roleBindings(namespace: string): StoredObject[];
  clusterRole(name: string): StoredObject | undefined;
  role(namespace: string, name: string): StoredObject | undefined;
}

const rulesOf = (obj: StoredObject): PolicyRule[] => (Array.isArray(obj.rules) ? (obj.rules as PolicyRule[]) : []);
const subjectsOf = (obj: StoredObject): Subject[] => (Array.isArray(obj.subjects) ? (obj.subjects as Subject[]) : []);
const roleRefOf = (obj: StoredObject): RoleRef => (obj.roleRef ?? { apiGroup: "", kind: "", name: "" }) as RoleRef;

/** rbac.authorization.k8s.io/v1 ClusterRoleBinding/RoleBinding/… as their refs. */
const rbacRef = (plural: string) => ({ group: RBAC_GROUP, version: "v1", plural });

/** A visited rule with where it came from, or an error resolving a role. */
type Visit = { rule: PolicyRule; source: () => string } | { error: string };

/**
 * describeSubject: `Group "system:masters"`, `ServiceAccount "name/namespace"` (the binding's
 * namespace when the subject has none).
 */
function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount") return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

export class RbacAuthorizer implements Authorizer, RuleResolver {
  constructor(private readonly source: RbacPolicySource) {}

  /** GetRoleReferenceRules, with the listers' NotFound texts (`clusterrole.rbac.authorization.k8s.io "x" not found`). */
  roleReferenceRules(ref: RoleRef, namespace: string): { rules: PolicyRule[] } | { error: string } {
    if (ref.kind === "ClusterRole") {
      const role = this.source.clusterRole(ref.name);
      return role ? { rules: rulesOf(role) } : { error: `clusterrole.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found` };
    }
    if (ref.kind === "Role") {
      const role = this.source.role(namespace, ref.name);
      return role ? { rules: rulesOf(role) } : { error: `role.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found` };
    }
    return { error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
  }

  /** VisitRulesFor: every rule that applies to the user in the namespace; stops when `visit` returns false. */
  private visitRulesFor(user: UserInfo, namespace: string, visit: (v: Visit) => boolean): void {
    const bindings: [StoredObject, string][] = this.source.clusterRoleBindings().map((b) => [b, ""]);
    if (namespace) bindings.push(...this.source.roleBindings(namespace).map((b): [StoredObject, string] => [b, namespace]));
    for (const [binding, bindingNamespace] of bindings) {
      const subject = subjectsOf(binding).find((s) => subjectAppliesTo(user, s, bindingNamespace));
      if (!subject) continue;
      const ref = roleRefOf(binding);
      const resolved = this.roleReferenceRules(ref, bindingNamespace);
      if ("error" in resolved) {
        if (!visit({ error: resolved.error })) return;
        continue;
      }
      const source = () =>
        bindingNamespace
          ? `RoleBinding ${JSON.stringify(`${binding.metadata.name ?? ""}/${bindingNamespace}`)} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(subject, bindingNamespace)}`
          : `ClusterRoleBinding ${JSON.stringify(binding.metadata.name ?? "")} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(subject, "")}`;
      for (const rule of resolved.rules) if (!visit({ rule, source })) return;
    }
  }

  authorize(attrs: AuthorizationAttributes): Decision {
    const problems: string[] = [];
    let allowedBy: string | undefined;
    this.visitRulesFor(attrs.user, attrs.namespace ?? "", (v) => {
      if ("error" in v) {
        problems.push(v.error);
        return true;
      }
      if (!ruleAllows(attrs, v.rule)) return true;
      allowedBy = v.source();
      return false;
    });
    if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
    // Upstream's denial reason names only the roles it could not resolve; otherwise it is empty.
    return problems.length ? { allowed: false, reason: `RBAC: ${aggregateErrors(problems)}` } : { allowed: false };
  }

  /** The rules bound to the user in the namespace (resolution errors make the answer incomplete only in its error). */
  rulesFor(user: UserInfo, namespace: string): SubjectRules {
    const rules: PolicyRule[] = [];
    const problems: string[] = [];
    this.visitRulesFor(user, namespace, (v) => {
      if ("error" in v) problems.push(v.error);
      else rules.push(v.rule);
      return true;
    });
    return {
      resourceRules: rules.filter((r) => (r.resources ?? []).length > 0),
      nonResourceRules: rules.filter((r) => (r.nonResourceURLs ?? []).length > 0),
      incomplete: false,
      ...(problems.length ? { evaluationError: aggregateErrors(problems) } : {}),
    };
  }

  /** Every rule the user has in the namespace, as one list (escalation checks). */
  allRulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const problems: string[] = [];
    this.visitRulesFor(user, namespace, (v) => {
      if ("error" in v) problems.push(v.error);
      else rules.push(v.rule);
      return true;
    });
    return { rules, errors: problems };
  }
}

/** Sorted by name, so "allowed by" reasons do not depend on watch order. */
const byName = (a: StoredObject, b: StoredObject) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");

/**
 * Roles and bindings cached by four informers, with the namespaced ones indexed by namespace.
 * `synced()` resolves once every cache has its first list.
 */
export class InformerPolicySource implements RbacPolicySource {
  private readonly informers: Informer[];
  private readonly clusterRoles: Informer;
  private readonly crbs: Informer;
  private readonly roles = new Map<string, Map<string, StoredObject>>();
  private readonly rbs = new Map<string, Map<string, StoredObject>>();
  private sortedCrbs?: StoredObject[];

  constructor(client: InProcessClient, clock: Clock) {
    const byNamespace = (index: Map<string, Map<string, StoredObject>>) => ({
      onChange: (obj: StoredObject) => {
        const ns = obj.metadata.namespace ?? "";
        let names = index.get(ns);
        if (!names) index.set(ns, (names = new Map()));
        names.set(obj.metadata.name ?? "", obj);
      },
      onDelete: (obj: StoredObject) => {
        index.get(obj.metadata.namespace ?? "")?.delete(obj.metadata.name ?? "");
      },
    });
    const invalidate = { onChange: () => (this.sortedCrbs = undefined), onDelete: () => (this.sortedCrbs = undefined) };
    this.clusterRoles = new Informer(client, rbacRef("clusterroles"), clock);
    this.crbs = new Informer(client, rbacRef("clusterrolebindings"), clock, invalidate);
    this.informers = [
      this.clusterRoles,
      this.crbs,
      new Informer(client, rbacRef("roles"), clock, byNamespace(this.roles)),
      new Informer(client, rbacRef("rolebindings"), clock, byNamespace(this.rbs)),
    ];
  }

  start(): this {
    for (const informer of this.informers) informer.start();
    return this;
  }

  async synced(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.synced()));
  }

  stop(): void {
    for (const informer of this.informers) informer.stop();
  }

  clusterRoleBindings(): StoredObject[] {
    return (this.sortedCrbs ??= this.crbs.list().sort(byName));
  }

  roleBindings(namespace: string): StoredObject[] {
    return [...(this.rbs.get(namespace)?.values() ?? [])].sort(byName);
  }

  clusterRole(name: string): StoredObject | undefined {
    return this.clusterRoles.get(name);
  }

  role(namespace: string, name: string): StoredObject | undefined {
    return this.roles.get(namespace)?.get(name);
  }
}

/** A fixed set of roles and bindings (tests, and checks against objects not yet stored). */
export class StaticPolicySource implements RbacPolicySource {
  constructor(private readonly objects: StoredObject[]) {}

  private ofKind(kind: string): StoredObject[] {
    return this.objects.filter((o) => o.kind === kind).sort(byName);
  }

  clusterRoleBindings(): StoredObject[] {
    return this.ofKind("ClusterRoleBinding");
  }

  roleBindings(namespace: string): StoredObject[] {
    return this.ofKind("RoleBinding").filter((o) => o.metadata.namespace === namespace);
  }

  clusterRole(name: string): StoredObject | undefined {
    return this.ofKind("ClusterRole").find((o) => o.metadata.name === name);
  }

  role(namespace: string, name: string): StoredObject | undefined {
    return this.ofKind("Role").find((o) => o.metadata.namespace === namespace && o.metadata.name === name);
  }
}
