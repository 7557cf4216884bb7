import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterRecord } from "../../aws/services/eks/cluster-record.js";
import { silentLogger } from "../../shared/logger.js";
import type { StoredObject } from "../../kube/api/types.js";
import { ServiceAllocator } from "../../kube/apiserver/admission/service-allocation/service-allocation.js";
import { testCluster } from "../../kube/controllers/endpoints/test-cluster.case.js";
import { installDefaultAddons } from "./addon-installer.js";

const record = (overrides: Partial<ClusterRecord> = {}): ClusterRecord => ({
  id: "c-1",
  name: "myeks",
  arn: "arn:aws:eks:ap-northeast-2:000000000000:cluster/myeks",
  accountId: "000000000000",
  region: "ap-northeast-2",
  createdAt: "2026-01-01T00:00:00Z",
  version: "1.34",
  platformVersion: "eks.8",
  roleArn: "arn:aws:iam::000000000000:role/eks",
  status: "CREATING",
  resourcesVpcConfig: {
    subnetIds: ["subnet-1", "subnet-2"],
    securityGroupIds: [],
    clusterSecurityGroupId: "sg-1",
    vpcId: "vpc-0abc",
    endpointPublicAccess: true,
    endpointPrivateAccess: false,
    publicAccessCidrs: ["0.0.0.0/0"],
  },
  kubernetesNetworkConfig: { serviceIpv4Cidr: "10.100.0.0/16", ipFamily: "ipv4" },
  accessConfig: { bootstrapClusterCreatorAdminPermissions: true, authenticationMode: "API_AND_CONFIG_MAP" },
  bootstrapSelfManagedAddons: true,
  deletionProtection: false,
  tags: {},
  creator: {} as ClusterRecord["creator"],
  ...overrides,
});

async function cluster() {
  let allocator: ServiceAllocator | undefined;
  const c = await testCluster((h, clock) => [(allocator = new ServiceAllocator(h, "10.100.0.0/16", clock)).plugin()]);
  return { ...c, close: () => allocator?.close() };
}

const ks = (plural: string, group = "", version = "v1") => ({ group, version, plural, namespace: "kube-system" });
type PodSpec = { containers: { name: string; image: string }[]; initContainers?: { name: string }[]; hostNetwork?: boolean; priorityClassName?: string; tolerations?: unknown[]; affinity?: Record<string, unknown> };
const podSpec = (workload: StoredObject) => (workload.spec as { template: { spec: PodSpec } }).template.spec;

test("a new cluster gets aws-node, kube-proxy and coredns in kube-system, as EKS installs them", async () => {
  const c = await cluster();
  const result = await installDefaultAddons(c.admin, record(), c.descriptors, "https://127.0.0.1:40001", silentLogger);
  assert.deepEqual(result.skipped, []);

  const awsNode = await c.get({ ...ks("daemonsets", "apps"), name: "aws-node" });
  const node = podSpec(awsNode);
  assert.deepEqual(node.containers.map((x) => x.name), ["aws-node", "aws-eks-nodeagent"]);
  assert.equal(node.containers[0]?.image, "602401143452.dkr.ecr.ap-northeast-2.amazonaws.com/amazon-k8s-cni:v1.20.4-eksbuild.1");
  assert.deepEqual(node.initContainers?.map((x) => x.name), ["aws-vpc-cni-init"]);
  assert.deepEqual([node.hostNetwork, node.priorityClassName, node.tolerations], [true, "system-node-critical", [{ operator: "Exists" }]]);
  const env = (node.containers[0] as unknown as { env: { name: string; value?: string }[] }).env;
  assert.equal(env.find((e) => e.name === "WARM_ENI_TARGET")?.value, "1");
  assert.equal(env.find((e) => e.name === "CLUSTER_NAME")?.value, "myeks");

  const proxy = podSpec(await c.get({ ...ks("daemonsets", "apps"), name: "kube-proxy" }));
  assert.equal(proxy.containers[0]?.image, "602401143452.dkr.ecr.ap-northeast-2.amazonaws.com/eks/kube-proxy:v1.34.0-minimal-eksbuild.2");
  assert.equal(proxy.hostNetwork, true);

  const coredns = await c.get({ ...ks("deployments", "apps"), name: "coredns" });
  assert.equal((coredns.spec as { replicas: number }).replicas, 2);
  assert.equal(coredns.metadata.labels?.["eks.amazonaws.com/component"], "coredns");
  const dns = podSpec(coredns);
  assert.equal(dns.containers[0]?.image, "602401143452.dkr.ecr.ap-northeast-2.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2");
  assert.equal(dns.priorityClassName, "system-cluster-critical");
  assert.deepEqual(dns.tolerations, [{ key: "CriticalAddonsOnly", operator: "Exists" }, { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]);
  assert.ok(JSON.stringify(dns.affinity).includes('"topologyKey":"kubernetes.io/hostname"'));

  const kubeDns = await c.get({ ...ks("services"), name: "kube-dns" });
  const spec = kubeDns.spec as { clusterIP: string; ports: { name: string; port: number; protocol: string }[] };
  assert.equal(spec.clusterIP, "10.100.0.10");
  assert.deepEqual(spec.ports.map((p) => `${p.name} ${p.port}/${p.protocol}`), ["dns 53/UDP", "dns-tcp 53/TCP", "metrics 9153/TCP"]);
  assert.match(String((await c.get({ ...ks("configmaps"), name: "coredns" })).data && ((await c.get({ ...ks("configmaps"), name: "coredns" })).data as { Corefile: string }).Corefile), /kubernetes cluster\.local in-addr\.arpa ip6\.arpa/);
  const pdb = await c.get({ ...ks("poddisruptionbudgets", "policy"), name: "coredns" });
  assert.deepEqual(pdb.spec, { maxUnavailable: 1, selector: { matchLabels: { "eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns" } } });
  for (const name of ["aws-node", "kube-proxy", "coredns"]) await c.get({ ...ks("serviceaccounts"), name });
  await c.get({ group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", name: "system:coredns" });
  await c.get({ group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", name: "eks:kube-proxy" });

  const again = await installDefaultAddons(c.admin, record(), c.descriptors, "https://127.0.0.1:40001", silentLogger);
  assert.equal(again.created.length, 0, "a second run finds everything in place");
  assert.equal(again.existing.length, result.created.length);
  c.close();
});

test("bootstrapSelfManagedAddons=false and a restart of an ACTIVE cluster install nothing", async () => {
  const c = await cluster();
  const off = await installDefaultAddons(c.admin, record({ bootstrapSelfManagedAddons: false }), c.descriptors, "https://127.0.0.1:40001", silentLogger);
  const restarted = await installDefaultAddons(c.admin, record({ status: "ACTIVE" }), c.descriptors, "https://127.0.0.1:40001", silentLogger);
  assert.deepEqual([off.created, restarted.created], [[], []]);
  assert.equal((await c.list(ks("daemonsets", "apps"))).length, 0);
  assert.equal((await c.list(ks("deployments", "apps"))).length, 0);
  c.close();
});
