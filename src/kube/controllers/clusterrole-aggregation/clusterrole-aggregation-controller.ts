/**
 * kube-controller-manager's clusterrole-aggregation controller: a ClusterRole with an
 * aggregationRule gets, as its rules, the rules of every other ClusterRole its selectors match
 * (by name order, each rule once). This is how admin, edit and view gain the rules of roles
 * labelled `rbac.authorization.k8s.io/aggregate-to-<role>: "true"`, CRD authors' included.
 */
import type { Clock } from "../../../shared/clock.js";
import type { Logger } from "../../../shared/logger.js";
import type { StoredObject } from "../../api/types.js";
import { RBAC_GROUP } from "../../api/rbac-v1.js";
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from "../../apiserver/selectors.js";
import { sameRule, type PolicyRule } from "../../apiserver/auth/rbac-rules.js";
import { StatusError } from "../../apiserver/status.js";
import type { InProcessClient } from "../../client/in-process-client.js";
import { Informer } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";

/** The controller's identity: its service account, bound to system:controller:clusterrole-aggregation-controller. */
export const AGGREGATION_CONTROLLER_USER = {
  username: "system:serviceaccount:kube-system:clusterrole-aggregation-controller",
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
};

const CLUSTER_ROLES = { group: RBAC_GROUP, version: "v1", plural: "clusterroles" };

const selectorsOf = (role: StoredObject): LabelSelectorObject[] => {
  const rule = role.aggregationRule;
  if (rule === null || typeof rule !== "object") return [];
  const selectors = (rule as { clusterRoleSelectors?: unknown }).clusterRoleSelectors;
  return Array.isArray(selectors) ? (selectors as LabelSelectorObject[]) : [];
};
const isAggregated = (role: StoredObject) => role.aggregationRule !== undefined && role.aggregationRule !== null;
const rulesOf = (role: StoredObject): PolicyRule[] => (Array.isArray(role.rules) ? (role.rules as PolicyRule[]) : []);

/** The rules an aggregated role should have, from the roles in `all`. */
export function aggregatedRules(role: StoredObject, all: readonly StoredObject[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const sorted = [...all].sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  for (const selectorObject of selectorsOf(role)) {
    const selector = labelSelectorFromObject(selectorObject);
    for (const other of sorted) {
      if (other.metadata.name === role.metadata.name || !matchesLabels(selector, other.metadata.labels)) continue;
      for (const rule of rulesOf(other)) if (!rules.some((r) => sameRule(r, rule))) rules.push(rule);
    }
  }
  return rules;
}

export class ClusterRoleAggregationController {
  private readonly informer: Informer;
  private readonly queue: WorkQueue;

  constructor(
    private readonly client: InProcessClient,
    clock: Clock,
    private readonly logger: Logger,
  ) {
    // Any change to any cluster role may change what an aggregated role selects: re-check them all.
    const enqueueAggregated = () => {
      for (const role of this.informer.list()) if (isAggregated(role)) this.queue.add(role.metadata.name ?? "");
    };
    this.informer = new Informer(client, CLUSTER_ROLES, clock, { onChange: enqueueAggregated, onDelete: enqueueAggregated });
    this.queue = new WorkQueue(clock, (name) => this.sync(name), {
      onError: (name, error) => this.logger.warn("clusterrole aggregation failed; retrying", { clusterRole: name, error: String(error) }),
    });
  }

  start(): this {
    this.informer.start();
    return this;
  }

  stop(): void {
    this.informer.stop();
    this.queue.stop();
  }

  private async sync(name: string): Promise<void> {
    const role = this.informer.get(name);
    if (!role || !isAggregated(role)) return;
    const rules = aggregatedRules(role, this.informer.list());
    if (JSON.stringify(rules) === JSON.stringify(rulesOf(role))) return;
    try {
      await this.client.update({ ...CLUSTER_ROLES, name }, { ...role, rules });
    } catch (error) {
      // A newer version is on its way through the informer, which enqueues the role again.
      if (error instanceof StatusError && (error.code === 409 || error.code === 404)) return;
      throw error;
    }
  }
}
