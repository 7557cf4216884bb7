/**
 * The default roles and bindings of a Kubernetes 1.34 cluster (kube-apiserver's bootstrap policy,
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy: cluster roles, controller roles, namespace roles
 * and their bindings), plus the EKS-specific ones minieks knows the rules of. Data only; the
 * control plane creates what is missing at start (bootstrap-reconcile.ts).
 */
import type { StoredObject } from "../../api/types.js";
import { RBAC_GROUP, type PolicyRule, type Subject } from "./rbac-rules.js";

export const AUTOUPDATE_ANNOTATION = "rbac.authorization.kubernetes.io/autoupdate";
const BOOTSTRAPPING_LABEL = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const AGGREGATE_TO = (role: "admin" | "edit" | "view") => `rbac.authorization.k8s.io/aggregate-to-${role}`;

const words = (s: string): string[] => (s === "" ? [] : s.split(" "));
/** A resource rule: space-separated verbs, groups ("core" is the "" group), resources and optional names. */
const rule = (verbs: string, groups: string, resources: string, names?: string): PolicyRule => ({
  verbs: words(verbs),
  apiGroups: words(groups).map((g) => (g === "core" ? "" : g)),
  resources: words(resources),
  ...(names ? { resourceNames: words(names) } : {}),
});
const urls = (verbs: string, paths: string): PolicyRule => ({ verbs: words(verbs), nonResourceURLs: words(paths) });

const READ = "get list watch";
const WRITE = "create delete deletecollection patch update";
/** eventsRule(): every controller may record events. */
const EVENTS = rule("create patch update", "core events.k8s.io", "events");

const meta = (name: string, namespace?: string, labels: Record<string, string> = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels: { ...BOOTSTRAPPING_LABEL, ...labels },
  annotations: { [AUTOUPDATE_ANNOTATION]: "true" },
});

const clusterRole = (name: string, rules: PolicyRule[], labels?: Record<string, string>): StoredObject => ({
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: "ClusterRole",
  metadata: meta(name, undefined, labels),
  rules,
});

const aggregatedRole = (name: string, aggregateFrom: "admin" | "edit" | "view", labels?: Record<string, string>): StoredObject => ({
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: "ClusterRole",
  metadata: meta(name, undefined, labels),
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [AGGREGATE_TO(aggregateFrom)]: "true" } }] },
  rules: [],
});

const group = (name: string): Subject => ({ kind: "Group", apiGroup: RBAC_GROUP, name });
const user = (name: string): Subject => ({ kind: "User", apiGroup: RBAC_GROUP, name });
const serviceAccount = (namespace: string, name: string): Subject => ({ kind: "ServiceAccount", name, namespace });

const clusterRoleBinding = (name: string, subjects: Subject[], role = name): StoredObject => ({
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: "ClusterRoleBinding",
  metadata: meta(name),
  roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role },
  subjects,
});

const role = (namespace: string, name: string, rules: PolicyRule[]): StoredObject => ({
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: "Role",
  metadata: meta(name, namespace),
  rules,
});

const roleBinding = (namespace: string, name: string, subjects: Subject[], roleName = name): StoredObject => ({
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: "RoleBinding",
  metadata: meta(name, namespace),
  roleRef: { apiGroup: RBAC_GROUP, kind: "Role", name: roleName },
  subjects,
});

/** system:node's rules: what the Node authorizer grants kubelets for resources it does not subdivide. */
export const NODE_RULES: PolicyRule[] = [
  rule("create", "authentication.k8s.io", "tokenreviews"),
  rule("create", "authorization.k8s.io", "localsubjectaccessreviews subjectaccessreviews"),
  rule(READ, "core", "services"),
  rule("create get list watch", "core", "nodes"),
  rule("patch update", "core", "nodes/status"),
  rule("patch update", "core", "nodes"),
  rule("create patch update", "core", "events"),
  rule(READ, "core", "pods"),
  rule("create delete", "core", "pods"),
  rule("patch update", "core", "pods/status"),
  rule("create", "core", "pods/eviction"),
  rule(READ, "core", "configmaps secrets"),
  rule("get", "core", "persistentvolumeclaims persistentvolumes"),
  rule("get", "core", "endpoints"),
  rule("create get list watch", "certificates.k8s.io", "certificatesigningrequests"),
  rule("create delete get patch update", "coordination.k8s.io", "leases"),
  rule("get", "storage.k8s.io", "volumeattachments"),
  rule("create", "core", "serviceaccounts/token"),
  rule("get patch update", "core", "persistentvolumeclaims/status"),
  rule(READ, "storage.k8s.io", "csidrivers"),
  rule("create delete get patch update", "storage.k8s.io", "csinodes"),
  rule(READ, "node.k8s.io", "runtimeclasses"),
];

const CLUSTER_ROLES: StoredObject[] = [
  aggregatedRole("admin", "admin"),
  clusterRole("cluster-admin", [rule("*", "*", "*"), urls("*", "*")]),
  aggregatedRole("edit", "edit", { [AGGREGATE_TO("admin")]: "true" }),
  clusterRole(
    "system:aggregate-to-admin",
    [rule("create", "authorization.k8s.io", "localsubjectaccessreviews"), rule("create delete deletecollection get list patch update watch", RBAC_GROUP, "rolebindings roles")],
    { [AGGREGATE_TO("admin")]: "true" },
  ),
  clusterRole(
    "system:aggregate-to-edit",
    [
      rule(READ, "core", "pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy"),
      rule("impersonate", "core", "serviceaccounts"),
      rule(WRITE, "core", "pods pods/attach pods/exec pods/portforward pods/proxy"),
      rule("create", "core", "pods/eviction"),
      rule(WRITE, "core", "configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale secrets serviceaccounts services services/proxy"),
      rule("create", "core", "serviceaccounts/token"),
      rule(WRITE, "apps", "daemonsets deployments deployments/rollback deployments/scale replicasets replicasets/scale statefulsets statefulsets/scale"),
      rule(WRITE, "autoscaling", "horizontalpodautoscalers"),
      rule(WRITE, "batch", "cronjobs jobs"),
      rule(WRITE, "extensions", "daemonsets deployments deployments/rollback deployments/scale ingresses networkpolicies replicasets replicasets/scale replicationcontrollers/scale"),
      rule(WRITE, "policy", "poddisruptionbudgets"),
      rule(WRITE, "networking.k8s.io", "ingresses networkpolicies"),
      rule("create delete deletecollection get list patch update watch", "coordination.k8s.io", "leases"),
    ],
    { [AGGREGATE_TO("edit")]: "true" },
  ),
  clusterRole(
    "system:aggregate-to-view",
    [
      rule(READ, "core", "configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status"),
      rule(READ, "core", "bindings events limitranges namespaces/status pods/log pods/status replicationcontrollers/status resourcequotas resourcequotas/status"),
      rule(READ, "core", "namespaces"),
      rule(READ, "discovery.k8s.io", "endpointslices"),
      rule(READ, "apps", "controllerrevisions daemonsets daemonsets/status deployments deployments/scale deployments/status replicasets replicasets/scale replicasets/status statefulsets statefulsets/scale statefulsets/status"),
      rule(READ, "autoscaling", "horizontalpodautoscalers horizontalpodautoscalers/status"),
      rule(READ, "batch", "cronjobs cronjobs/status jobs jobs/status"),
      rule(READ, "extensions", "daemonsets daemonsets/status deployments deployments/scale deployments/status ingresses ingresses/status networkpolicies replicasets replicasets/scale replicasets/status replicationcontrollers/scale"),
      rule(READ, "policy", "poddisruptionbudgets poddisruptionbudgets/status"),
      rule(READ, "networking.k8s.io", "ingresses ingresses/status networkpolicies"),
    ],
    { [AGGREGATE_TO("view")]: "true" },
  ),
  clusterRole("system:auth-delegator", [rule("create", "authentication.k8s.io", "tokenreviews"), rule("create", "authorization.k8s.io", "subjectaccessreviews")]),
  clusterRole("system:basic-user", [
    rule("create", "authorization.k8s.io", "selfsubjectaccessreviews selfsubjectrulesreviews"),
    rule("create", "authentication.k8s.io", "selfsubjectreviews"),
  ]),
  clusterRole("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [rule("create", "certificates.k8s.io", "certificatesigningrequests/nodeclient")]),
  clusterRole("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [rule("create", "certificates.k8s.io", "certificatesigningrequests/selfnodeclient")]),
  clusterRole("system:certificates.k8s.io:kube-apiserver-client-approver", [rule("approve", "certificates.k8s.io", "signers", "kubernetes.io/kube-apiserver-client")]),
  clusterRole("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", [rule("approve", "certificates.k8s.io", "signers", "kubernetes.io/kube-apiserver-client-kubelet")]),
  clusterRole("system:certificates.k8s.io:kubelet-serving-approver", [rule("approve", "certificates.k8s.io", "signers", "kubernetes.io/kubelet-serving")]),
  clusterRole("system:certificates.k8s.io:legacy-unknown-approver", [rule("approve", "certificates.k8s.io", "signers", "kubernetes.io/legacy-unknown")]),
  clusterRole("system:discovery", [urls("get", "/api /api/* /apis /apis/* /healthz /livez /openapi /openapi/* /readyz /version /version/")]),
  clusterRole("system:heapster", [rule(READ, "core", "events namespaces nodes pods"), rule(READ, "extensions", "deployments")]),
  clusterRole("system:kube-aggregator", [rule(READ, "core", "endpoints services")]),
  clusterRole("system:kube-controller-manager", [
    rule("create patch update", "core events.k8s.io", "events"),
    rule("create", "coordination.k8s.io", "leases"),
    rule("get update", "coordination.k8s.io", "leases", "kube-controller-manager"),
    rule("create", "core", "secrets serviceaccounts"),
    rule("delete", "core", "secrets"),
    rule("get", "core", "configmaps namespaces secrets serviceaccounts"),
    rule("update", "core", "secrets serviceaccounts"),
    rule("create", "authentication.k8s.io", "tokenreviews"),
    rule("create", "authorization.k8s.io", "subjectaccessreviews"),
    rule("list watch", "*", "*"),
    rule("create", "core", "serviceaccounts/token"),
  ]),
  clusterRole("system:kube-dns", [rule("list watch", "core", "endpoints services")]),
  clusterRole("system:kube-scheduler", [
    rule("create patch update", "core events.k8s.io", "events"),
    rule("create", "coordination.k8s.io", "leases"),
    rule("get update", "coordination.k8s.io", "leases", "kube-scheduler"),
    rule(READ, "core", "nodes"),
    rule("delete get list watch", "core", "pods"),
    rule("create", "core", "bindings pods/binding"),
    rule("patch update", "core", "pods/status"),
    rule(READ, "core", "replicationcontrollers services"),
    rule(READ, "apps extensions", "replicasets"),
    rule(READ, "apps", "statefulsets"),
    rule(READ, "policy", "poddisruptionbudgets"),
    rule(READ, "core", "persistentvolumeclaims persistentvolumes"),
    rule("create", "authentication.k8s.io", "tokenreviews"),
    rule("create", "authorization.k8s.io", "subjectaccessreviews"),
    rule(READ, "storage.k8s.io", "csinodes"),
    rule(READ, "core", "namespaces"),
    rule(READ, "storage.k8s.io", "csidrivers"),
    rule(READ, "storage.k8s.io", "csistoragecapacities"),
  ]),
  clusterRole("system:kubelet-api-admin", [rule(READ, "core", "nodes"), rule("proxy", "core", "nodes"), rule("*", "core", "nodes/log nodes/metrics nodes/proxy nodes/stats")]),
  clusterRole("system:monitoring", [urls("get", "/healthz /healthz/* /livez /livez/* /metrics /metrics/slis /readyz /readyz/*")]),
  clusterRole("system:node", NODE_RULES),
  clusterRole("system:node-bootstrapper", [rule("create get list watch", "certificates.k8s.io", "certificatesigningrequests")]),
  clusterRole("system:node-problem-detector", [rule("get", "core", "nodes"), rule("patch", "core", "nodes/status"), EVENTS]),
  clusterRole("system:node-proxier", [
    rule("list watch", "core", "endpoints services"),
    rule(READ, "core", "nodes"),
    EVENTS,
    rule("list watch", "discovery.k8s.io", "endpointslices"),
  ]),
  clusterRole("system:persistent-volume-provisioner", [
    rule("create delete get list watch", "core", "persistentvolumes"),
    rule("get list update watch", "core", "persistentvolumeclaims"),
    rule(READ, "storage.k8s.io", "storageclasses"),
    rule("watch", "core", "events"),
    EVENTS,
  ]),
  clusterRole("system:public-info-viewer", [urls("get", "/healthz /livez /readyz /version /version/")]),
  clusterRole("system:service-account-issuer-discovery", [urls("get", "/.well-known/openid-configuration /openid/v1/jwks")]),
  clusterRole("system:volume-scheduler", [
    rule("get list patch update watch", "core", "persistentvolumes"),
    rule(READ, "storage.k8s.io", "storageclasses"),
    rule("get list patch update watch", "core", "persistentvolumeclaims"),
  ]),
  aggregatedRole("view", "view", { [AGGREGATE_TO("edit")]: "true" }),
];

/** The roles of kube-controller-manager's controllers (each runs as the service account kube-system/<name>). */
const CONTROLLER_ROLES: Record<string, PolicyRule[]> = {
  "attachdetach-controller": [
    rule("list watch", "core", "persistentvolumeclaims persistentvolumes"),
    rule(READ, "core", "nodes"),
    rule("patch update", "core", "nodes/status"),
    rule("list watch", "core", "pods"),
    EVENTS,
    rule("create delete get list watch", "storage.k8s.io", "volumeattachments"),
    rule(READ, "storage.k8s.io", "csidrivers"),
    rule(READ, "storage.k8s.io", "csinodes"),
  ],
  "certificate-controller": [
    rule("delete get list watch", "certificates.k8s.io", "certificatesigningrequests"),
    rule("update", "certificates.k8s.io", "certificatesigningrequests/approval certificatesigningrequests/status"),
    rule("approve", "certificates.k8s.io", "signers", "kubernetes.io/kube-apiserver-client-kubelet"),
    rule("sign", "certificates.k8s.io", "signers", "kubernetes.io/kube-apiserver-client kubernetes.io/kube-apiserver-client-kubelet kubernetes.io/kubelet-serving kubernetes.io/legacy-unknown"),
    rule("create", "authorization.k8s.io", "subjectaccessreviews"),
    EVENTS,
  ],
  "clusterrole-aggregation-controller": [rule("escalate get list patch update watch", RBAC_GROUP, "clusterroles")],
  "cronjob-controller": [
    rule("get list update watch", "batch", "cronjobs"),
    rule("create delete get list patch update watch", "batch", "jobs"),
    rule("update", "batch", "cronjobs/status"),
    rule("update", "batch", "cronjobs/finalizers"),
    rule("delete list watch", "core", "pods"),
    EVENTS,
  ],
  "daemon-set-controller": [
    rule(READ, "apps extensions", "daemonsets"),
    rule("update", "apps extensions", "daemonsets/status"),
    rule("update", "apps extensions", "daemonsets/finalizers"),
    rule("list watch", "core", "nodes"),
    rule("create delete list patch watch", "core", "pods"),
    rule("create", "core", "pods/binding"),
    rule("create delete get list patch update watch", "apps", "controllerrevisions"),
    EVENTS,
  ],
  "deployment-controller": [
    rule("get list update watch", "apps extensions", "deployments"),
    rule("update", "apps extensions", "deployments/status"),
    rule("update", "apps extensions", "deployments/finalizers"),
    rule("create delete get list patch update watch", "apps extensions", "replicasets"),
    rule("get list update watch", "core", "pods"),
    EVENTS,
  ],
  "device-taint-eviction-controller": [
    rule("delete get list watch", "core", "pods"),
    rule("patch update", "core", "pods/status"),
    rule(READ, "resource.k8s.io", "resourceclaims"),
    rule(READ, "resource.k8s.io", "resourceslices"),
    rule(READ, "resource.k8s.io", "deviceclasses"),
    EVENTS,
  ],
  "disruption-controller": [
    rule(READ, "apps extensions", "deployments"),
    rule(READ, "apps extensions", "replicasets"),
    rule(READ, "core", "replicationcontrollers"),
    rule(READ, "policy", "poddisruptionbudgets"),
    rule(READ, "apps", "statefulsets"),
    rule("update", "policy", "poddisruptionbudgets/status"),
    rule("patch update", "core", "pods/status"),
    rule("get", "*", "*/scale"),
    EVENTS,
  ],
  "endpoint-controller": [
    rule(READ, "core", "pods services"),
    rule("create delete get list update watch", "core", "endpoints"),
    rule("create", "core", "endpoints/restricted"),
    EVENTS,
  ],
  "endpointslice-controller": [
    rule(READ, "core", "nodes pods services"),
    rule("update", "core", "services/finalizers"),
    rule("create delete get list update watch", "discovery.k8s.io", "endpointslices"),
    EVENTS,
  ],
  "endpointslicemirroring-controller": [
    rule(READ, "core", "endpoints services"),
    rule("update", "core", "services/finalizers"),
    rule("update", "core", "endpoints/finalizers"),
    rule("create delete get list update watch", "discovery.k8s.io", "endpointslices"),
    EVENTS,
  ],
  "ephemeral-volume-controller": [
    rule(READ, "core", "pods"),
    rule("update", "core", "pods/finalizers"),
    rule("create get list watch", "core", "persistentvolumeclaims"),
    EVENTS,
  ],
  "expand-controller": [
    rule("get list patch update watch", "core", "persistentvolumes"),
    rule("patch update", "core", "persistentvolumeclaims/status"),
    rule(READ, "core", "persistentvolumeclaims"),
    EVENTS,
  ],
  "generic-garbage-collector": [rule("delete get list patch update watch", "*", "*"), EVENTS],
  "horizontal-pod-autoscaler": [
    rule(READ, "autoscaling", "horizontalpodautoscalers"),
    rule("update", "autoscaling", "horizontalpodautoscalers/status"),
    rule("get update", "*", "*/scale"),
    rule("list watch", "core", "pods"),
    rule("list watch", "metrics.k8s.io", "pods"),
    rule(READ, "custom.metrics.k8s.io", "*"),
    rule(READ, "external.metrics.k8s.io", "*"),
    EVENTS,
  ],
  "job-controller": [
    rule("get list patch update watch", "batch", "jobs"),
    rule("update", "batch", "jobs/status"),
    rule("update", "batch", "jobs/finalizers"),
    rule("create delete list patch watch", "core", "pods"),
    EVENTS,
  ],
  "legacy-service-account-token-cleaner": [
    rule("get", "core", "configmaps", "kube-apiserver-legacy-service-account-token-tracking"),
    rule("delete patch", "core", "secrets"),
  ],
  "namespace-controller": [
    rule("delete get list watch", "core", "namespaces"),
    rule("update", "core", "namespaces/finalize namespaces/status"),
    rule("delete deletecollection get list watch", "*", "*"),
  ],
  "node-controller": [
    rule("delete get list patch update watch", "core", "nodes"),
    rule("patch update", "core", "nodes/status"),
    rule("patch update", "core", "pods/status"),
    rule("delete get list watch", "core", "pods"),
    EVENTS,
  ],
  "persistent-volume-binder": [
    rule("create delete get list update watch", "core", "persistentvolumes"),
    rule("update", "core", "persistentvolumes/status"),
    rule("get list update watch", "core", "persistentvolumeclaims"),
    rule("update", "core", "persistentvolumeclaims/status"),
    rule("create delete get list watch", "core", "pods"),
    rule(READ, "storage.k8s.io", "storageclasses"),
    rule("list watch", "core", "nodes"),
    EVENTS,
    rule("watch", "core", "events"),
  ],
  "pod-garbage-collector": [rule("delete list watch", "core", "pods"), rule(READ, "core", "nodes"), rule("patch", "core", "pods/status")],
  "pv-protection-controller": [rule("get list update watch", "core", "persistentvolumes"), EVENTS],
  "pvc-protection-controller": [
    rule("get list update watch", "core", "persistentvolumeclaims"),
    rule("update", "core", "persistentvolumeclaims/status"),
    rule(READ, "core", "pods"),
    EVENTS,
  ],
  "replicaset-controller": [
    rule("get list update watch", "apps extensions", "replicasets"),
    rule("update", "apps extensions", "replicasets/status"),
    rule("update", "apps extensions", "replicasets/finalizers"),
    rule("create delete list patch watch", "core", "pods"),
    EVENTS,
  ],
  "replication-controller": [
    rule("get list update watch", "core", "replicationcontrollers"),
    rule("update", "core", "replicationcontrollers/status"),
    rule("update", "core", "replicationcontrollers/finalizers"),
    rule("create delete list patch watch", "core", "pods"),
    EVENTS,
  ],
  "resource-claim-controller": [
    rule(READ, "core", "pods"),
    rule("update", "core", "pods/finalizers"),
    rule("create delete get list watch", "resource.k8s.io", "resourceclaims"),
    rule("patch update", "resource.k8s.io", "resourceclaims resourceclaims/status"),
    rule("patch update", "core", "pods/status"),
    EVENTS,
    rule("patch update", "resource.k8s.io", "resourceclaims/binding"),
  ],
  "resourcequota-controller": [rule("list watch", "*", "*"), rule("update", "core", "resourcequotas/status"), EVENTS],
  "root-ca-cert-publisher": [rule("create update", "core", "configmaps"), EVENTS],
  "route-controller": [rule("list watch", "core", "nodes"), rule("patch", "core", "nodes/status"), EVENTS],
  "selinux-warning-controller": [
    EVENTS,
    rule(READ, "core", "persistentvolumes"),
    rule(READ, "core", "persistentvolumeclaims"),
    rule(READ, "core", "pods"),
    rule(READ, "storage.k8s.io", "csidrivers"),
  ],
  "service-account-controller": [rule("create", "core", "serviceaccounts"), EVENTS],
  "service-cidrs-controller": [
    rule("get list patch update watch", "networking.k8s.io", "servicecidrs"),
    rule("patch update", "networking.k8s.io", "servicecidrs/finalizers"),
    rule("patch update", "networking.k8s.io", "servicecidrs/status"),
    rule(READ, "networking.k8s.io", "ipaddresses"),
    EVENTS,
  ],
  "service-controller": [rule(READ, "core", "services"), rule("patch update", "core", "services/status"), rule("list watch", "core", "nodes"), EVENTS],
  "statefulset-controller": [
    rule("list watch", "core", "pods"),
    rule(READ, "apps", "statefulsets"),
    rule("update", "apps", "statefulsets/status"),
    rule("update", "apps", "statefulsets/finalizers"),
    rule("create delete get patch update", "core", "pods"),
    rule("create delete get list patch update watch", "apps", "controllerrevisions"),
    rule("create get list watch", "core", "persistentvolumeclaims"),
    rule("delete update", "core", "persistentvolumeclaims"),
    rule("update", "core", "pods/finalizers"),
    EVENTS,
  ],
  "ttl-after-finished-controller": [rule("delete get list watch", "batch", "jobs"), EVENTS],
  "ttl-controller": [rule("list patch update watch", "core", "nodes"), EVENTS],
  "validatingadmissionpolicy-status-controller": [
    rule(READ, "admissionregistration.k8s.io", "validatingadmissionpolicies"),
    rule("get patch update", "admissionregistration.k8s.io", "validatingadmissionpolicies/status"),
    EVENTS,
  ],
  "volumeattributesclass-protection-controller": [
    rule(READ, "core", "persistentvolumeclaims"),
    rule(READ, "core", "persistentvolumes"),
    rule("get list update watch", "storage.k8s.io", "volumeattributesclasses"),
    EVENTS,
  ],
};

const CLUSTER_ROLE_BINDINGS: StoredObject[] = [
  clusterRoleBinding("cluster-admin", [group("system:masters")]),
  clusterRoleBinding("system:basic-user", [group("system:authenticated")]),
  clusterRoleBinding("system:discovery", [group("system:authenticated")]),
  clusterRoleBinding("system:kube-controller-manager", [user("system:kube-controller-manager")]),
  clusterRoleBinding("system:kube-dns", [serviceAccount("kube-system", "kube-dns")]),
  clusterRoleBinding("system:kube-scheduler", [user("system:kube-scheduler")]),
  clusterRoleBinding("system:monitoring", [group("system:monitoring")]),
  // Bound to nobody since 1.8: kubelets get these rules from the Node authorizer.
  clusterRoleBinding("system:node", []),
  clusterRoleBinding("system:node-proxier", [user("system:kube-proxy")]),
  clusterRoleBinding("system:public-info-viewer", [group("system:authenticated"), group("system:unauthenticated")]),
  clusterRoleBinding("system:service-account-issuer-discovery", [group("system:serviceaccounts")]),
  clusterRoleBinding("system:volume-scheduler", [user("system:kube-scheduler")]),
];

const NAMESPACED: StoredObject[] = [
  role("kube-public", "system:controller:bootstrap-signer", [rule(READ, "core", "configmaps"), rule("update", "core", "configmaps", "cluster-info"), EVENTS]),
  role("kube-system", "extension-apiserver-authentication-reader", [rule(READ, "core", "configmaps", "extension-apiserver-authentication")]),
  role("kube-system", "system::leader-locking-kube-controller-manager", [
    rule("create get list update watch", "coordination.k8s.io", "leases"),
    rule("create get list update watch", "coordination.k8s.io", "leasecandidates"),
  ]),
  role("kube-system", "system::leader-locking-kube-scheduler", [
    rule("create get list update watch", "coordination.k8s.io", "leases"),
    rule("create get list update watch", "coordination.k8s.io", "leasecandidates"),
  ]),
  role("kube-system", "system:controller:bootstrap-signer", [rule(READ, "core", "secrets")]),
  role("kube-system", "system:controller:cloud-provider", [rule("create get list watch", "core", "configmaps")]),
  role("kube-system", "system:controller:token-cleaner", [rule("delete get list watch", "core", "secrets"), EVENTS]),
  roleBinding("kube-public", "system:controller:bootstrap-signer", [serviceAccount("kube-system", "bootstrap-signer")]),
  roleBinding(
    "kube-system",
    "system::extension-apiserver-authentication-reader",
    [user("system:kube-controller-manager"), user("system:kube-scheduler")],
    "extension-apiserver-authentication-reader",
  ),
  roleBinding("kube-system", "system::leader-locking-kube-controller-manager", [
    user("system:kube-controller-manager"),
    serviceAccount("kube-system", "kube-controller-manager"),
    serviceAccount("kube-system", "leader-election-controller"),
  ]),
  roleBinding("kube-system", "system::leader-locking-kube-scheduler", [user("system:kube-scheduler"), serviceAccount("kube-system", "kube-scheduler")]),
  roleBinding("kube-system", "system:controller:bootstrap-signer", [serviceAccount("kube-system", "bootstrap-signer")]),
  roleBinding("kube-system", "system:controller:cloud-provider", [serviceAccount("kube-system", "cloud-provider")]),
  roleBinding("kube-system", "system:controller:token-cleaner", [serviceAccount("kube-system", "token-cleaner")]),
];

/**
 * EKS additions whose rules are known: the node bootstrapper role EKS binds to its node groups.
 * (EKS's other eks:* roles are internal to its control plane and are not reproduced.)
 */
const EKS: StoredObject[] = [
  {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "ClusterRole",
    metadata: { name: "eks:node-bootstrapper" },
    rules: [rule("create", "certificates.k8s.io", "certificatesigningrequests/selfnodeclient")],
  },
  {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name: "eks:node-bootstrapper" },
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: "eks:node-bootstrapper" },
    subjects: [group("system:bootstrappers"), group("system:nodes")],
  },
];

/** Every default object, cluster roles before the bindings that name them. */
export function bootstrapPolicy(): StoredObject[] {
  const controllers = Object.entries(CONTROLLER_ROLES);
  return structuredClone([
    ...CLUSTER_ROLES,
    ...controllers.map(([name, rules]) => clusterRole(`system:controller:${name}`, rules)),
    ...CLUSTER_ROLE_BINDINGS,
    ...controllers.map(([name]) => clusterRoleBinding(`system:controller:${name}`, [serviceAccount("kube-system", name)])),
    ...NAMESPACED,
    ...EKS,
  ]);
}
