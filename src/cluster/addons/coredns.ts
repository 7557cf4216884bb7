/**
 * CoreDNS as EKS installs it: the coredns ServiceAccount, the system:coredns ClusterRole and
 * binding, the Corefile ConfigMap, a Deployment of 2 replicas (system-cluster-critical, spread by
 * hostname and zone, tolerating CriticalAddonsOnly and the control-plane taint), the kube-dns
 * Service on the tenth address of the service CIDR, and a PodDisruptionBudget of maxUnavailable 1.
 */
import { formatIpv4, serviceIpRange } from "../../kube/apiserver/admission/service-allocation/ranges.js";
import type { AddonContext, AddonObject } from "./addon-object.js";

const LABELS = { "eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns" };
const RBAC_LABELS = { ...LABELS, "kubernetes.io/bootstrapping": "rbac-defaults" };

export const COREFILE = `.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

/** The kube-dns Service's address: the tenth of the service CIDR (10.100.0.10, 172.20.0.10). */
export const dnsClusterIP = (serviceCidr: string): string => formatIpv4(serviceIpRange(serviceCidr).first + 9);

export function corednsObjects(ctx: AddonContext): AddonObject[] {
  const clusterIP = dnsClusterIP(ctx.record.kubernetesNetworkConfig.serviceIpv4Cidr);
  return [
    { kind: "ServiceAccount", object: { metadata: { name: "coredns", namespace: "kube-system", labels: LABELS } } },
    {
      kind: "ClusterRole",
      object: {
        metadata: { name: "system:coredns", labels: RBAC_LABELS },
        rules: [
          { apiGroups: [""], resources: ["endpoints", "services", "pods", "namespaces"], verbs: ["list", "watch"] },
          { apiGroups: [""], resources: ["nodes"], verbs: ["get"] },
          { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
        ],
      },
    },
    {
      kind: "ClusterRoleBinding",
      object: {
        metadata: { name: "system:coredns", labels: RBAC_LABELS, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:coredns" },
        subjects: [{ kind: "ServiceAccount", name: "coredns", namespace: "kube-system" }],
      },
    },
    { kind: "ConfigMap", object: { metadata: { name: "coredns", namespace: "kube-system", labels: LABELS }, data: { Corefile: COREFILE } } },
    {
      kind: "Service",
      object: {
        metadata: {
          name: "kube-dns",
          namespace: "kube-system",
          labels: { "eks.amazonaws.com/component": "kube-dns", "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
          annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
        },
        spec: {
          clusterIP,
          selector: { "k8s-app": "kube-dns" },
          ports: [
            { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
            { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
            { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
          ],
        },
      },
    },
    {
      kind: "Deployment",
      object: {
        metadata: { name: "coredns", namespace: "kube-system", labels: { ...LABELS, "kubernetes.io/name": "CoreDNS" } },
        spec: {
          replicas: 2,
          selector: { matchLabels: LABELS },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels: LABELS },
            spec: {
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                      {
                        matchExpressions: [
                          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                          { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
                        ],
                      },
                    ],
                  },
                },
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      podAffinityTerm: {
                        labelSelector: { matchExpressions: [{ key: "k8s-app", operator: "In", values: ["kube-dns"] }] },
                        topologyKey: "kubernetes.io/hostname",
                      },
                      weight: 100,
                    },
                  ],
                },
              },
              containers: [
                {
                  name: "coredns",
                  image: `${ctx.registry}/eks/coredns:${ctx.tags.coredns}`,
                  imagePullPolicy: "IfNotPresent",
                  args: ["-conf", "/etc/coredns/Corefile"],
                  ports: [
                    { containerPort: 53, name: "dns", protocol: "UDP" },
                    { containerPort: 53, name: "dns-tcp", protocol: "TCP" },
                    { containerPort: 9153, name: "metrics", protocol: "TCP" },
                  ],
                  livenessProbe: {
                    httpGet: { path: "/health", port: 8080, scheme: "HTTP" },
                    initialDelaySeconds: 60,
                    timeoutSeconds: 5,
                    successThreshold: 1,
                    failureThreshold: 5,
                  },
                  readinessProbe: { httpGet: { path: "/ready", port: 8181, scheme: "HTTP" } },
                  resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] }, readOnlyRootFilesystem: true },
                  volumeMounts: [{ mountPath: "/etc/coredns", name: "config-volume", readOnly: true }],
                },
              ],
              dnsPolicy: "Default",
              priorityClassName: "system-cluster-critical",
              serviceAccountName: "coredns",
              tolerations: [
                { key: "CriticalAddonsOnly", operator: "Exists" },
                { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
              ],
              topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
              ],
              volumes: [{ name: "config-volume", configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] } }],
            },
          },
        },
      },
    },
    {
      kind: "PodDisruptionBudget",
      object: { metadata: { name: "coredns", namespace: "kube-system", labels: LABELS }, spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } } },
    },
  ];
}
