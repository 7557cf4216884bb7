/**
 * The Amazon VPC CNI as EKS installs it (the aws-vpc-cni chart's manifest, aws/amazon-vpc-cni-k8s
 * config/master/aws-k8s-cni.yaml, with the values EKS sets: cluster name, VPC, endpoint): the
 * aws-node ServiceAccount, ClusterRole and binding, the amazon-vpc-cni ConfigMap and the aws-node
 * DaemonSet (init container aws-vpc-cni-init; containers aws-node and aws-eks-nodeagent, the
 * network policy agent).
 */
import type { AddonContext, AddonObject } from "./addon-object.js";

const LABELS = {
  "app.kubernetes.io/instance": "aws-vpc-cni",
  "app.kubernetes.io/name": "aws-node",
  "k8s-app": "aws-node",
};

const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: "v1", fieldPath } } });
const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: { path, ...(type ? { type } : {}) } });
const grpcProbe = (initialDelaySeconds: number) => ({
  exec: { command: ["/app/grpc-health-probe", "-addr=:50051", "-connect-timeout=5s", "-rpc-timeout=5s"] },
  initialDelaySeconds,
  timeoutSeconds: 10,
});

export function vpcCniObjects(ctx: AddonContext): AddonObject[] {
  const { registry, tags, record } = ctx;
  const version = tags.vpcCni.replace(/-eksbuild\.\d+$/, "");
  const env = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({ name, value }));
  return [
    { kind: "ServiceAccount", object: { metadata: { name: "aws-node", namespace: "kube-system", labels: LABELS } } },
    {
      kind: "ConfigMap",
      object: {
        metadata: { name: "amazon-vpc-cni", namespace: "kube-system", labels: LABELS },
        data: {
          "branch-eni-cooldown": "60",
          "enable-network-policy-controller": "false",
          "enable-windows-ipam": "false",
          "enable-windows-prefix-delegation": "false",
          "minimum-ip-target": "3",
          "warm-ip-target": "1",
          "warm-prefix-target": "0",
        },
      },
    },
    {
      kind: "ClusterRole",
      object: {
        metadata: { name: "aws-node", labels: LABELS },
        rules: [
          { apiGroups: ["crd.k8s.amazonaws.com"], resources: ["eniconfigs"], verbs: ["list", "watch", "get"] },
          { apiGroups: [""], resources: ["namespaces"], verbs: ["list", "watch", "get"] },
          { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch", "get"] },
          { apiGroups: [""], resources: ["nodes"], verbs: ["list", "watch", "get"] },
          { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch", "list"] },
          { apiGroups: ["networking.k8s.aws"], resources: ["policyendpoints", "clusterpolicyendpoints"], verbs: ["get", "list", "watch"] },
          { apiGroups: ["networking.k8s.aws"], resources: ["policyendpoints/status", "clusterpolicyendpoints/status"], verbs: ["get"] },
          { apiGroups: ["vpcresources.k8s.aws"], resources: ["cninodes"], verbs: ["get", "list", "watch", "patch"] },
          { nonResourceURLs: ["/apis/networking.k8s.aws", "/apis/networking.k8s.aws/*"], verbs: ["get"] },
        ],
      },
    },
    {
      kind: "ClusterRoleBinding",
      object: {
        metadata: { name: "aws-node", labels: LABELS },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "aws-node" },
        subjects: [{ kind: "ServiceAccount", name: "aws-node", namespace: "kube-system" }],
      },
    },
    {
      kind: "DaemonSet",
      object: {
        metadata: { name: "aws-node", namespace: "kube-system", labels: LABELS },
        spec: {
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
          selector: { matchLabels: { "k8s-app": "aws-node" } },
          template: {
            metadata: { labels: LABELS },
            spec: {
              priorityClassName: "system-node-critical",
              serviceAccountName: "aws-node",
              hostNetwork: true,
              initContainers: [
                {
                  name: "aws-vpc-cni-init",
                  image: `${registry}/amazon-k8s-cni-init:${tags.vpcCni}`,
                  imagePullPolicy: "IfNotPresent",
                  env: env({ DISABLE_TCP_EARLY_DEMUX: "false", ENABLE_IPv6: "false" }),
                  securityContext: { privileged: true },
                  resources: { requests: { cpu: "25m" } },
                  volumeMounts: [{ mountPath: "/host/opt/cni/bin", name: "cni-bin-dir" }],
                },
              ],
              terminationGracePeriodSeconds: 10,
              tolerations: [{ operator: "Exists" }],
              securityContext: {},
              containers: [
                {
                  name: "aws-node",
                  image: `${registry}/amazon-k8s-cni:${tags.vpcCni}`,
                  imagePullPolicy: "IfNotPresent",
                  ports: [{ containerPort: 61678, name: "metrics" }],
                  livenessProbe: grpcProbe(60),
                  readinessProbe: grpcProbe(1),
                  env: [
                    ...env({
                      ADDITIONAL_ENI_TAGS: "{}",
                      ANNOTATE_POD_IP: "false",
                      AWS_VPC_CNI_NODE_PORT_SUPPORT: "true",
                      AWS_VPC_ENI_MTU: "9001",
                      AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "false",
                      AWS_VPC_K8S_CNI_EXTERNALSNAT: "false",
                      AWS_VPC_K8S_CNI_LOGLEVEL: "DEBUG",
                      AWS_VPC_K8S_CNI_LOG_FILE: "/host/var/log/aws-routed-eni/ipamd.log",
                      AWS_VPC_K8S_CNI_RANDOMIZESNAT: "prng",
                      AWS_VPC_K8S_CNI_VETHPREFIX: "eni",
                      AWS_VPC_K8S_PLUGIN_LOG_FILE: "/var/log/aws-routed-eni/plugin.log",
                      AWS_VPC_K8S_PLUGIN_LOG_LEVEL: "DEBUG",
                      CLUSTER_ENDPOINT: ctx.endpoint,
                      CLUSTER_NAME: record.name,
                      DISABLE_INTROSPECTION: "false",
                      DISABLE_METRICS: "false",
                      DISABLE_NETWORK_RESOURCE_PROVISIONING: "false",
                      ENABLE_IMDS_ONLY_MODE: "false",
                      ENABLE_IPv4: "true",
                      ENABLE_IPv6: "false",
                      ENABLE_MULTI_NIC: "false",
                      ENABLE_POD_ENI: "false",
                      ENABLE_PREFIX_DELEGATION: "false",
                      ENABLE_SUBNET_DISCOVERY: "true",
                      NETWORK_POLICY_ENFORCING_MODE: "standard",
                      VPC_CNI_VERSION: version,
                      VPC_ID: record.resourcesVpcConfig.vpcId,
                      WARM_ENI_TARGET: "1",
                      WARM_PREFIX_TARGET: "1",
                    }),
                    fieldEnv("MY_NODE_NAME", "spec.nodeName"),
                    fieldEnv("MY_POD_NAME", "metadata.name"),
                  ],
                  resources: { requests: { cpu: "25m" } },
                  securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
                  volumeMounts: [
                    { mountPath: "/host/opt/cni/bin", name: "cni-bin-dir" },
                    { mountPath: "/host/etc/cni/net.d", name: "cni-net-dir" },
                    { mountPath: "/host/var/log/aws-routed-eni", name: "log-dir" },
                    { mountPath: "/var/run/aws-node", name: "run-dir" },
                    { mountPath: "/run/xtables.lock", name: "xtables-lock" },
                  ],
                },
                {
                  name: "aws-eks-nodeagent",
                  image: `${registry}/amazon/aws-network-policy-agent:${tags.networkPolicyAgent}`,
                  imagePullPolicy: "IfNotPresent",
                  ports: [{ containerPort: 8162, name: "agentmetrics" }],
                  env: [fieldEnv("MY_NODE_NAME", "spec.nodeName")],
                  args: [
                    "--enable-ipv6=false",
                    "--enable-network-policy=false",
                    "--enable-cloudwatch-logs=false",
                    "--enable-policy-event-logs=false",
                    "--log-file=/var/log/aws-routed-eni/network-policy-agent.log",
                    "--metrics-bind-addr=:8162",
                    "--health-probe-bind-addr=:8163",
                    "--conntrack-cache-cleanup-period=300",
                    "--log-level=debug",
                  ],
                  resources: { requests: { cpu: "25m" } },
                  securityContext: { capabilities: { add: ["NET_ADMIN"] }, privileged: true },
                  volumeMounts: [
                    { mountPath: "/host/opt/cni/bin", name: "cni-bin-dir" },
                    { mountPath: "/sys/fs/bpf", name: "bpf-pin-path" },
                    { mountPath: "/var/log/aws-routed-eni", name: "log-dir" },
                    { mountPath: "/var/run/aws-node", name: "run-dir" },
                  ],
                },
              ],
              volumes: [
                hostPath("bpf-pin-path", "/sys/fs/bpf"),
                hostPath("cni-bin-dir", "/opt/cni/bin"),
                hostPath("cni-net-dir", "/etc/cni/net.d"),
                hostPath("log-dir", "/var/log/aws-routed-eni", "DirectoryOrCreate"),
                hostPath("run-dir", "/var/run/aws-node", "DirectoryOrCreate"),
                hostPath("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
              ],
              affinity: {
                nodeAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                      {
                        matchExpressions: [
                          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                          { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
                          { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate", "hybrid", "auto"] },
                        ],
                      },
                    ],
                  },
                },
              },
            },
          },
        },
      },
    },
  ];
}
