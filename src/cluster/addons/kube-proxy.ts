/**
 * kube-proxy as EKS installs it: the kube-proxy ServiceAccount bound to system:node-proxier
 * (ClusterRoleBinding eks:kube-proxy), its kubeconfig and KubeProxyConfiguration ConfigMaps, and
 * the hostNetwork DaemonSet running the minimal EKS image for the cluster's version.
 */
import type { AddonContext, AddonObject } from "./addon-object.js";

const LABELS = { "eks.amazonaws.com/component": "kube-proxy", "k8s-app": "kube-proxy" };

const KUBE_PROXY_CONFIG = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
clientConnection:
  acceptContentTypes: ""
  burst: 10
  contentType: application/vnd.kubernetes.protobuf
  kubeconfig: /var/lib/kube-proxy/kubeconfig
  qps: 5
clusterCIDR: ""
configSyncPeriod: 15m0s
conntrack:
  maxPerCore: 32768
  min: 131072
  tcpCloseWaitTimeout: 1h0m0s
  tcpEstablishedTimeout: 24h0m0s
enableProfiling: false
healthzBindAddress: 0.0.0.0:10256
hostnameOverride: ""
iptables:
  masqueradeAll: false
  masqueradeBit: 14
  minSyncPeriod: 0s
  syncPeriod: 30s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  syncPeriod: 30s
kind: KubeProxyConfiguration
metricsBindAddress: 0.0.0.0:10249
mode: "iptables"
nodePortAddresses: null
oomScoreAdj: -998
portRange: ""
udpIdleTimeout: 250ms`;

const kubeconfig = (endpoint: string) => `kind: Config
apiVersion: v1
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: ${endpoint}
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token`;

export function kubeProxyObjects(ctx: AddonContext): AddonObject[] {
  return [
    { kind: "ServiceAccount", object: { metadata: { name: "kube-proxy", namespace: "kube-system", labels: LABELS } } },
    {
      kind: "ClusterRoleBinding",
      object: {
        metadata: { name: "eks:kube-proxy", labels: LABELS },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:node-proxier" },
        subjects: [{ kind: "ServiceAccount", name: "kube-proxy", namespace: "kube-system" }],
      },
    },
    { kind: "ConfigMap", object: { metadata: { name: "kube-proxy", namespace: "kube-system", labels: LABELS }, data: { kubeconfig: kubeconfig(ctx.endpoint) } } },
    { kind: "ConfigMap", object: { metadata: { name: "kube-proxy-config", namespace: "kube-system", labels: LABELS }, data: { config: KUBE_PROXY_CONFIG } } },
    {
      kind: "DaemonSet",
      object: {
        metadata: { name: "kube-proxy", namespace: "kube-system", labels: LABELS },
        spec: {
          selector: { matchLabels: { "k8s-app": "kube-proxy" } },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
          template: {
            metadata: { labels: { "k8s-app": "kube-proxy" } },
            spec: {
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                      {
                        matchExpressions: [
                          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                          { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
                          { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate", "auto"] },
                        ],
                      },
                    ],
                  },
                },
              },
              containers: [
                {
                  name: "kube-proxy",
                  image: `${ctx.registry}/eks/kube-proxy:${ctx.tags.kubeProxy}`,
                  imagePullPolicy: "IfNotPresent",
                  command: ["kube-proxy", "--v=2", "--config=/var/lib/kube-proxy-config/config", "--hostname-override=$(NODE_NAME)"],
                  env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } } }],
                  resources: { requests: { cpu: "100m" } },
                  securityContext: { privileged: true },
                  volumeMounts: [
                    { mountPath: "/var/log", name: "varlog" },
                    { mountPath: "/run/xtables.lock", name: "xtables-lock" },
                    { mountPath: "/lib/modules", name: "lib-modules", readOnly: true },
                    { mountPath: "/var/lib/kube-proxy/", name: "kubeconfig" },
                    { mountPath: "/var/lib/kube-proxy-config/", name: "config" },
                  ],
                },
              ],
              hostNetwork: true,
              priorityClassName: "system-node-critical",
              serviceAccountName: "kube-proxy",
              tolerations: [{ operator: "Exists" }],
              volumes: [
                { name: "varlog", hostPath: { path: "/var/log" } },
                { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
                { name: "lib-modules", hostPath: { path: "/lib/modules" } },
                { name: "kubeconfig", configMap: { name: "kube-proxy" } },
                { name: "config", configMap: { name: "kube-proxy-config" } },
              ],
            },
          },
        },
      },
    },
  ];
}
