import { z } from "zod";
import type {
  Cluster,
  CreateClusterResponse,
  DeleteClusterResponse,
  DescribeClusterResponse,
  DescribeClusterVersionsResponse,
  ListClustersResponse,
  ListTagsForResourceResponse,
} from "@aws-sdk/client-eks";
import { uuid } from "../../../shared/ids.js";
import { AwsError, operation, type AwsService, type Operation, type RequestContext } from "../../protocol/operation.js";
import type { Scope } from "../../records.js";
import { overlaps, parseCidr } from "../ec2/cidr.js";
import { availableIpCount, type Ec2State, type SubnetRecord } from "../ec2/ec2-state.js";
import { eniOwner, type ClusterReconciler } from "./cluster-reconciler.js";
import type { ClusterRecord } from "./cluster-record.js";
import { EKS_ROUTES } from "./routes.js";
import { DEFAULT_KUBERNETES_VERSION, describeVersion, findVersion, KUBERNETES_VERSIONS, versionStatus } from "./versions.js";
import { decodeNextToken, encodeNextToken } from "./pagination.js";
import { eksOidcIssuer } from "../../../kube/apiserver/auth/service-account-token.js";
import { clusterNotFound as notFound, invalid, ROLE_ARN, validateTags } from "./eks-validation.js";
import { nodegroupOperations } from "./nodegroup-operations.js";
import type { NodegroupReconciler } from "./nodegroup-reconciler.js";

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
/** EKS needs this many free addresses in each cluster subnet for its control-plane ENIs. */
const MIN_FREE_IPS_PER_SUBNET = 6;
/** Control-plane ENIs EKS places in the cluster subnets ("2–4"; minieks uses two). */
const CONTROL_PLANE_ENIS = 2;

const maxResults = z.coerce.number().int().min(1).max(100).optional();
const tagMap = z.record(z.string(), z.string()).optional();

/** Parameters whose behaviour minieks does not have yet: refused rather than ignored. */
const UNSUPPORTED_CREATE_PARAMETERS = [
  "encryptionConfig",
  "outpostConfig",
  "remoteNetworkConfig",
  "computeConfig",
  "storageConfig",
  "zonalShiftConfig",
  "upgradePolicy",
  "controlPlaneScalingConfig",
] as const;

const createClusterInput = z
  .object({
    name: z.string(),
    roleArn: z.string(),
    version: z.string().optional(),
    resourcesVpcConfig: z.object({
      subnetIds: z.array(z.string()).optional(),
      securityGroupIds: z.array(z.string()).optional(),
      endpointPublicAccess: z.boolean().optional(),
      endpointPrivateAccess: z.boolean().optional(),
      publicAccessCidrs: z.array(z.string()).optional(),
    }),
    kubernetesNetworkConfig: z
      .object({ serviceIpv4Cidr: z.string().optional(), ipFamily: z.enum(["ipv4", "ipv6"]).optional() })
      .optional(),
    accessConfig: z
      .object({
        bootstrapClusterCreatorAdminPermissions: z.boolean().optional(),
        authenticationMode: z.enum(["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"]).optional(),
      })
      .optional(),
    logging: z
      .object({ clusterLogging: z.array(z.object({ types: z.array(z.string()).optional(), enabled: z.boolean().optional() })).optional() })
      .optional(),
    bootstrapSelfManagedAddons: z.boolean().optional(),
    deletionProtection: z.boolean().optional(),
    clientRequestToken: z.string().optional(),
    tags: tagMap,
  })
  .passthrough();

function toCluster(record: ClusterRecord): Cluster {
  const serving = record.endpointPort !== undefined && record.status !== "CREATING";
  return {
    name: record.name,
    arn: record.arn,
    createdAt: new Date(record.createdAt),
    version: record.version,
    platformVersion: record.platformVersion,
    roleArn: record.roleArn,
    status: record.status,
    ...(serving
      ? {
          endpoint: `https://127.0.0.1:${record.endpointPort}`,
          certificateAuthority: { data: Buffer.from(record.caCertificatePem ?? "").toString("base64") },
          // The service-account token issuer the cluster's API server signs with (IRSA's OIDC provider URL).
          identity: { oidc: { issuer: eksOidcIssuer(record.region, record.id) } },
        }
      : { certificateAuthority: {} }),
    resourcesVpcConfig: record.resourcesVpcConfig,
    kubernetesNetworkConfig: record.kubernetesNetworkConfig,
    logging: { clusterLogging: [{ types: ["api", "audit", "authenticator", "controllerManager", "scheduler"], enabled: false }] },
    accessConfig: record.accessConfig,
    deletionProtection: record.deletionProtection,
    tags: record.tags,
    ...(record.clientRequestToken ? { clientRequestToken: record.clientRequestToken } : {}),
  };
}

/** EKS picks the service range that cannot collide with a 10.x VPC. */
const defaultServiceCidr = (vpcCidr: string): string =>
  vpcCidr.startsWith("10.") ? "172.20.0.0/16" : "10.100.0.0/16";

function validateServiceCidr(cidrText: string, vpcCidr: string): void {
  const cidr = parseCidr(cidrText);
  const rfc1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c));
  const inPrivateRange = cidr && rfc1918.some((r) => r && cidr.base >= r.base && cidr.prefix >= r.prefix && cidr.base < r.base + 2 ** (32 - r.prefix));
  if (!cidr || !inPrivateRange || cidr.prefix < 12 || cidr.prefix > 24) {
    throw invalid(`The service CIDR ${cidrText} must be a private (RFC 1918) block between /24 and /12.`);
  }
  const vpc = parseCidr(vpcCidr);
  if (vpc && overlaps(vpc, cidr)) throw invalid(`The service CIDR ${cidrText} overlaps the VPC CIDR ${vpcCidr}.`);
}

/** The EKS management API (rest-json). Clusters, node groups, updates, versions and tags; the rest answers "not implemented". */
export function createEksService(deps: { ec2: Ec2State; reconciler: ClusterReconciler; nodegroups: NodegroupReconciler }): AwsService {
  const { ec2, reconciler } = deps;
  const clusters = reconciler.clusters;

  const requireCluster = async (scope: Scope, name: string): Promise<ClusterRecord> => {
    const record = await clusters.get(scope, name);
    if (!record) throw notFound(name);
    return record;
  };

  async function resolveSubnets(ctx: RequestContext, subnetIds: string[]): Promise<SubnetRecord[]> {
    await ec2.ensureDefaultVpc(ctx);
    if (subnetIds.length < 2) throw invalid("Subnets specified must be in at least two different AZs");
    const subnets: SubnetRecord[] = [];
    for (const id of new Set(subnetIds)) {
      const subnet = await ec2.subnets.get(ctx, id);
      if (!subnet) {
        throw invalid(`The subnet ID '${id}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)`);
      }
      subnets.push(subnet);
    }
    const vpcs = new Set(subnets.map((s) => s.vpcId));
    if (vpcs.size > 1) throw invalid(`Subnets must all belong to the same VPC; these belong to ${[...vpcs].join(", ")}`);
    if (new Set(subnets.map((s) => s.availabilityZone)).size < 2) {
      throw invalid("Subnets specified must be in at least two different AZs");
    }
    for (const subnet of subnets) {
      const free = availableIpCount(subnet);
      if (free < MIN_FREE_IPS_PER_SUBNET) {
        throw invalid(`Subnet ${subnet.subnetId} has ${free} free IP addresses; EKS needs at least ${MIN_FREE_IPS_PER_SUBNET} free in each cluster subnet.`);
      }
    }
    return subnets;
  }

  /** Places the control-plane ENIs in two subnets of different zones, as EKS does. */
  /** The control-plane ENIs' addresses (the `kubernetes` Service's endpoints), one per zone. */
  async function placeControlPlaneEnis(ctx: RequestContext, record: ClusterRecord, subnets: SubnetRecord[]): Promise<string[]> {
    const zones = new Set<string>();
    const chosen = subnets.filter((s) => !zones.has(s.availabilityZone) && zones.add(s.availabilityZone)).slice(0, CONTROL_PLANE_ENIS);
    const addresses: string[] = [];
    for (const subnet of chosen) {
      addresses.push(await ec2.allocateIp(ctx, subnet.subnetId, eniOwner(record), `Amazon EKS ${record.name}`));
    }
    return addresses;
  }

  const implemented: Operation<never, unknown>[] = [
    operation({
      name: "CreateCluster",
      rest: EKS_ROUTES.CreateCluster,
      input: createClusterInput,
      handler: async (input, ctx): Promise<CreateClusterResponse> => {
        for (const param of UNSUPPORTED_CREATE_PARAMETERS) {
          if (input[param] !== undefined) throw new AwsError("NotImplemented", `minieks does not support ${param} in CreateCluster yet`, 501);
        }
        if (input.logging?.clusterLogging?.some((l) => l.enabled)) {
          throw new AwsError("NotImplemented", "minieks does not ship control-plane logs to CloudWatch Logs yet; leave logging disabled", 501);
        }
        if (input.name.length < 1 || input.name.length > 100 || !CLUSTER_NAME.test(input.name)) {
          throw invalid(`The cluster name '${input.name}' is invalid: use 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit.`);
        }
        if (!ROLE_ARN.test(input.roleArn)) throw invalid(`roleArn '${input.roleArn}' is not a valid IAM role ARN.`);
        const version = input.version ?? DEFAULT_KUBERNETES_VERSION;
        const facts = findVersion(version);
        if (!facts || versionStatus(facts, ctx.now) === "UNSUPPORTED") {
          throw invalid(`unsupported Kubernetes version ${version}`);
        }
        if (input.kubernetesNetworkConfig?.ipFamily === "ipv6") {
          throw new AwsError("NotImplemented", "minieks does not support IPv6 clusters yet", 501);
        }
        validateTags(input.tags, invalid);

        const existing = await clusters.get(ctx, input.name);
        if (existing) {
          if (input.clientRequestToken && existing.clientRequestToken === input.clientRequestToken) {
            return { cluster: toCluster(existing) };
          }
          throw new AwsError("ResourceInUseException", `Cluster already exists with name: ${input.name}`, 409, { clusterName: input.name });
        }

        const subnets = await resolveSubnets(ctx, input.resourcesVpcConfig.subnetIds ?? []);
        const vpc = await ec2.vpcs.get(ctx, subnets[0]?.vpcId ?? "");
        const vpcCidr = vpc?.cidrBlock ?? "";
        const serviceCidr = input.kubernetesNetworkConfig?.serviceIpv4Cidr ?? defaultServiceCidr(vpcCidr);
        if (input.kubernetesNetworkConfig?.serviceIpv4Cidr) validateServiceCidr(serviceCidr, vpcCidr);
        if (input.resourcesVpcConfig.endpointPublicAccess === false && input.resourcesVpcConfig.endpointPrivateAccess !== true) {
          throw invalid("Either public or private endpoint access must be enabled.");
        }

        const id = uuid();
        const record: ClusterRecord = {
          id,
          name: input.name,
          arn: `arn:aws:eks:${ctx.region}:${ctx.accountId}:cluster/${input.name}`,
          accountId: ctx.accountId,
          region: ctx.region,
          createdAt: ctx.now.toISOString(),
          version,
          platformVersion: facts.platformVersion,
          roleArn: input.roleArn,
          status: "CREATING",
          clientRequestToken: input.clientRequestToken,
          resourcesVpcConfig: {
            subnetIds: input.resourcesVpcConfig.subnetIds ?? [],
            securityGroupIds: input.resourcesVpcConfig.securityGroupIds ?? [],
            clusterSecurityGroupId: `sg-${id.replace(/-/g, "").slice(0, 17)}`,
            vpcId: vpc?.vpcId ?? "",
            endpointPublicAccess: input.resourcesVpcConfig.endpointPublicAccess ?? true,
            endpointPrivateAccess: input.resourcesVpcConfig.endpointPrivateAccess ?? false,
            publicAccessCidrs: input.resourcesVpcConfig.publicAccessCidrs ?? ["0.0.0.0/0"],
          },
          kubernetesNetworkConfig: { serviceIpv4Cidr: serviceCidr, ipFamily: "ipv4" },
          accessConfig: {
            bootstrapClusterCreatorAdminPermissions: input.accessConfig?.bootstrapClusterCreatorAdminPermissions ?? true,
            authenticationMode: input.accessConfig?.authenticationMode ?? "CONFIG_MAP",
          },
          bootstrapSelfManagedAddons: input.bootstrapSelfManagedAddons ?? true,
          deletionProtection: input.deletionProtection ?? false,
          tags: input.tags ?? {},
          creator: ctx.principal,
        };
        if (!(await clusters.create(ctx, record.name, record))) {
          throw new AwsError("ResourceInUseException", `Cluster already exists with name: ${input.name}`, 409, { clusterName: input.name });
        }
        try {
          const addresses = await placeControlPlaneEnis(ctx, record, subnets);
          await clusters.update(ctx, record.name, (c) => ({ ...c, controlPlaneAddresses: addresses }));
        } catch (error) {
          await ec2.releaseIps(ctx, eniOwner(record));
          await clusters.delete(ctx, record.name);
          if (error instanceof AwsError) throw invalid(error.message);
          throw error;
        }
        void reconciler.reconcile(ctx, record.name);
        return { cluster: toCluster(record) };
      },
    }),
    operation({
      name: "DescribeCluster",
      rest: EKS_ROUTES.DescribeCluster,
      input: z.object({ name: z.string() }),
      handler: async (input, ctx): Promise<DescribeClusterResponse> => ({ cluster: toCluster(await requireCluster(ctx, input.name)) }),
    }),
    operation({
      name: "ListClusters",
      rest: EKS_ROUTES.ListClusters,
      input: z.object({ maxResults, nextToken: z.string().optional(), include: z.array(z.string()).optional() }),
      handler: async (input, ctx): Promise<ListClustersResponse> => {
        const names = (await clusters.list(ctx)).map((c) => c.name).sort();
        const start = input.nextToken ? decodeNextToken(input.nextToken) : 0;
        const size = input.maxResults ?? 100;
        const page = names.slice(start, start + size);
        return { clusters: page, ...(start + size < names.length ? { nextToken: encodeNextToken(start + size) } : {}) };
      },
    }),
    operation({
      name: "DeleteCluster",
      rest: EKS_ROUTES.DeleteCluster,
      input: z.object({ name: z.string() }),
      handler: async (input, ctx): Promise<DeleteClusterResponse> => {
        await requireCluster(ctx, input.name);
        const [attached] = await deps.nodegroups.clusterNodegroups(ctx, input.name);
        if (attached) {
          throw new AwsError("ResourceInUseException", "Cluster has nodegroups attached", 409, { clusterName: input.name, nodegroupName: attached.nodegroupName });
        }
        const updated = await clusters.update(ctx, input.name, (current) => {
          if (current.deletionProtection) {
            throw new AwsError("InvalidRequestException", `Cluster ${input.name} has deletion protection enabled; disable it before deleting the cluster.`, 400, { clusterName: input.name });
          }
          if (current.status === "CREATING") {
            throw new AwsError("ResourceInUseException", `Cluster ${input.name} is currently being created and cannot be deleted until it is ACTIVE.`, 409, { clusterName: input.name });
          }
          return { ...current, status: "DELETING" };
        });
        if (!updated) throw notFound(input.name);
        void reconciler.reconcile(ctx, input.name);
        return { cluster: toCluster(updated) };
      },
    }),
    operation({
      name: "DescribeClusterVersions",
      rest: EKS_ROUTES.DescribeClusterVersions,
      input: z.object({
        maxResults,
        nextToken: z.string().optional(),
        clusterType: z.string().optional(),
        defaultOnly: z.enum(["true", "false"]).optional(),
        includeAll: z.enum(["true", "false"]).optional(),
        clusterVersions: z.array(z.string()).optional(),
        status: z.enum(["unsupported", "standard-support", "extended-support"]).optional(),
        versionStatus: z.enum(["UNSUPPORTED", "STANDARD_SUPPORT", "EXTENDED_SUPPORT"]).optional(),
      }),
      handler: (input, ctx): DescribeClusterVersionsResponse => {
        if (input.clusterType && input.clusterType !== "eks") throw invalid(`clusterType ${input.clusterType} is not supported; use eks`);
        const versions = KUBERNETES_VERSIONS.map((v) => describeVersion(v, ctx.now))
          .filter((v) => input.includeAll === "true" || input.clusterVersions || v.versionStatus !== "UNSUPPORTED")
          .filter((v) => input.defaultOnly !== "true" || v.defaultVersion)
          .filter((v) => !input.clusterVersions || input.clusterVersions.includes(v.clusterVersion ?? ""))
          .filter((v) => !input.status || v.status === input.status)
          .filter((v) => !input.versionStatus || v.versionStatus === input.versionStatus)
          .reverse();
        const start = input.nextToken ? decodeNextToken(input.nextToken) : 0;
        const size = input.maxResults ?? 100;
        return {
          clusterVersions: versions.slice(start, start + size),
          ...(start + size < versions.length ? { nextToken: encodeNextToken(start + size) } : {}),
        };
      },
    }),
    operation({
      name: "TagResource",
      rest: EKS_ROUTES.TagResource,
      input: z.object({ resourceArn: z.string(), tags: z.record(z.string(), z.string()) }),
      handler: async (input, ctx) => {
        const badRequest = (message: string) => new AwsError("BadRequestException", message, 400);
        const name = clusterNameFromArn(input.resourceArn, ctx);
        const current = await clusters.get(ctx, name);
        if (!current) throw new AwsError("NotFoundException", `Resource ${input.resourceArn} was not found`, 404);
        validateTags({ ...current.tags, ...input.tags }, badRequest);
        await clusters.update(ctx, name, (c) => ({ ...c, tags: { ...c.tags, ...input.tags } }));
        return {};
      },
    }),
    operation({
      name: "UntagResource",
      rest: EKS_ROUTES.UntagResource,
      input: z.object({ resourceArn: z.string(), tagKeys: z.array(z.string()).min(1) }),
      handler: async (input, ctx) => {
        const name = clusterNameFromArn(input.resourceArn, ctx);
        const updated = await clusters.update(ctx, name, (c) => ({
          ...c,
          tags: Object.fromEntries(Object.entries(c.tags).filter(([k]) => !input.tagKeys.includes(k))),
        }));
        if (!updated) throw new AwsError("NotFoundException", `Resource ${input.resourceArn} was not found`, 404);
        return {};
      },
    }),
    operation({
      name: "ListTagsForResource",
      rest: EKS_ROUTES.ListTagsForResource,
      input: z.object({ resourceArn: z.string() }),
      handler: async (input, ctx): Promise<ListTagsForResourceResponse> => {
        const record = await clusters.get(ctx, clusterNameFromArn(input.resourceArn, ctx));
        if (!record) throw new AwsError("NotFoundException", `Resource ${input.resourceArn} was not found`, 404);
        return { tags: record.tags };
      },
    }),
  ];

  implemented.push(...nodegroupOperations({ ec2, clusters, reconciler: deps.nodegroups }));
  const implementedNames = new Set(implemented.map((op) => op.name));
  const declaredOnly = Object.entries(EKS_ROUTES)
    .filter(([name]) => !implementedNames.has(name))
    .map(([name, rest]) => ({ name, rest }));

  return {
    signingName: "eks",
    protocol: "rest-json",
    validationErrorCode: "InvalidParameterException",
    unknownKeyErrorCode: "UnrecognizedClientException",
    operations: [...implemented, ...declaredOnly],
  };
}

/** Tags are supported on clusters; other EKS ARNs arrive with the features that create them. */
function clusterNameFromArn(arn: string, scope: Scope): string {
  const m = /^arn:aws(-cn|-us-gov)?:eks:([^:]+):(\d{12}):cluster\/([0-9A-Za-z][A-Za-z0-9\-_]*)$/.exec(arn);
  if (!m) {
    if (/^arn:aws[\w-]*:eks:/.test(arn)) throw new AwsError("NotFoundException", `Resource ${arn} was not found`, 404);
    throw new AwsError("BadRequestException", `${arn} is not a valid EKS resource ARN`, 400);
  }
  if (m[2] !== scope.region || m[3] !== scope.accountId) {
    throw new AwsError("NotFoundException", `Resource ${arn} was not found`, 404);
  }
  return m[4] ?? "";
}
