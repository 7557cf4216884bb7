import type { ClusterRecord } from "../../aws/services/eks/cluster-record.js";
import type { KubeObject } from "../../kube/api/types.js";
import type { AddonImageTags } from "./images.js";

/** What an add-on manifest is built from. */
export interface AddonContext {
  record: ClusterRecord;
  /** The regional EKS ECR registry, e.g. 602401143452.dkr.ecr.us-west-2.amazonaws.com */
  registry: string;
  tags: AddonImageTags;
  /** The cluster's API server URL, as kube-proxy's kubeconfig and aws-node's CLUSTER_ENDPOINT name it. */
  endpoint: string;
}

/** The kinds add-ons are made of, with where each is served. */
export const ADDON_KINDS = {
  ServiceAccount: { group: "", version: "v1", plural: "serviceaccounts" },
  ConfigMap: { group: "", version: "v1", plural: "configmaps" },
  Service: { group: "", version: "v1", plural: "services" },
  ClusterRole: { group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles" },
  ClusterRoleBinding: { group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings" },
  DaemonSet: { group: "apps", version: "v1", plural: "daemonsets" },
  Deployment: { group: "apps", version: "v1", plural: "deployments" },
  PodDisruptionBudget: { group: "policy", version: "v1", plural: "poddisruptionbudgets" },
} as const;

export type AddonKind = keyof typeof ADDON_KINDS;

/** One object of an add-on, created through the API as EKS's bootstrap does. */
export interface AddonObject {
  kind: AddonKind;
  object: KubeObject & { metadata: { name: string; namespace?: string } };
}
