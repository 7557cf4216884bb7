import { silentLogger } from "../../../shared/logger.js";
import { call, ec2Fixture } from "../ec2/ec2-fixture.case.js";
import { ClusterReconciler } from "./cluster-reconciler.js";
import type { ClusterRecord } from "./cluster-record.js";
import type { ControlPlaneHost } from "./control-plane-host.js";
import { createEksService } from "./eks-service.js";
import { NodegroupReconciler } from "./nodegroup-reconciler.js";

const noHost: ControlPlaneHost = {
  start: async () => ({ port: 40001, caCertificatePem: "PEM" }),
  stop: async () => undefined,
  destroy: async () => undefined,
};

/** EKS over EC2 on memory storage and a fake clock, with cluster `myeks` ACTIVE in the default VPC. */
export async function eksFixture(timeScale = 1) {
  const f = await ec2Fixture(timeScale);
  const clusters = new ClusterReconciler(f.storage, f.state, noHost, f.clock, timeScale, silentLogger);
  const nodegroups = new NodegroupReconciler(f.storage, f.state, f.instances, f.clock, timeScale, silentLogger);
  const service = createEksService({ ec2: f.state, reconciler: clusters, nodegroups });
  const vpcId = f.subnets[0]?.vpcId ?? "";
  const cluster: ClusterRecord = {
    id: "0d6c1f0e-0000-4000-8000-000000000001",
    name: "myeks",
    arn: `arn:aws:eks:${f.scope.region}:${f.scope.accountId}:cluster/myeks`,
    accountId: f.scope.accountId,
    region: f.scope.region,
    createdAt: f.clock.now().toISOString(),
    version: "1.34",
    platformVersion: "eks.8",
    roleArn: "arn:aws:iam::000000000000:role/eks",
    status: "ACTIVE",
    resourcesVpcConfig: {
      subnetIds: f.subnets.slice(0, 2).map((s) => s.subnetId),
      securityGroupIds: [],
      clusterSecurityGroupId: "sg-0123456789abcdef0",
      vpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ["0.0.0.0/0"],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: "10.100.0.0/16", ipFamily: "ipv4" },
    accessConfig: { bootstrapClusterCreatorAdminPermissions: true, authenticationMode: "CONFIG_MAP" },
    bootstrapSelfManagedAddons: true,
    deletionProtection: false,
    tags: {},
    creator: f.ctx.principal,
    endpointPort: 40001,
  };
  await clusters.clusters.create(f.scope, cluster.name, cluster);
  /** Calls an EKS operation with the fixture clock's current time. */
  const op = (name: string, raw: Record<string, unknown>) => call(service.operations, name, raw, { ...f.ctx, now: f.clock.now() });
  const createInput = (overrides: Record<string, unknown> = {}) => ({
    name: "myeks",
    nodegroupName: "ng1",
    nodeRole: "arn:aws:iam::000000000000:role/node",
    subnets: f.subnets.slice(0, 3).map((s) => s.subnetId),
    scalingConfig: { minSize: 2, maxSize: 5, desiredSize: 3 },
    ...overrides,
  });
  return { ...f, clusters, nodegroups, service, cluster, op, createInput };
}
