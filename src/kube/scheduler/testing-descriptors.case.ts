/** Minimal descriptors of kinds the scheduler reads but core/v1 does not declare, for tests only. */
import type { ResourceDescriptor } from "../api/descriptor.js";

const base = {
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  shortNames: [],
  categories: [],
  subresources: [],
  topLevelFields: ["spec", "status", "value", "globalDefault", "preemptionPolicy", "description"],
  nameIsDnsLabel: false,
  columns: [],
  cells: () => [],
  fieldSelectors: {},
  strategy: {},
};

export const POLICY_PDB: ResourceDescriptor = {
  ...base,
  group: "policy",
  version: "v1",
  kind: "PodDisruptionBudget",
  plural: "poddisruptionbudgets",
  singular: "poddisruptionbudget",
  namespaced: true,
  hasSpec: true,
};

export const PRIORITY_CLASS: ResourceDescriptor = {
  ...base,
  group: "scheduling.k8s.io",
  version: "v1",
  kind: "PriorityClass",
  plural: "priorityclasses",
  singular: "priorityclass",
  namespaced: false,
  hasSpec: false,
};
