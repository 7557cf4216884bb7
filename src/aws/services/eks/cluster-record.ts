import type { Principal } from "../../gateway/credentials.js";

export type ClusterStatus = "CREATING" | "ACTIVE" | "DELETING" | "FAILED";

/** An EKS cluster as stored. The Kubernetes objects live under `/k8s/<id>/`. */
export interface ClusterRecord {
  /** Stable internal id: names the cluster's storage prefix and PKI. */
  id: string;
  name: string;
  arn: string;
  accountId: string;
  region: string;
  createdAt: string;
  version: string;
  platformVersion: string;
  roleArn: string;
  status: ClusterStatus;
  clientRequestToken?: string;
  resourcesVpcConfig: {
    subnetIds: string[];
    securityGroupIds: string[];
    clusterSecurityGroupId: string;
    vpcId: string;
    endpointPublicAccess: boolean;
    endpointPrivateAccess: boolean;
    publicAccessCidrs: string[];
  };
  kubernetesNetworkConfig: { serviceIpv4Cidr: string; ipFamily: "ipv4" };
  accessConfig: { bootstrapClusterCreatorAdminPermissions: boolean; authenticationMode: "API" | "API_AND_CONFIG_MAP" | "CONFIG_MAP" };
  bootstrapSelfManagedAddons: boolean;
  deletionProtection: boolean;
  tags: Record<string, string>;
  /** Who created it: EKS makes this principal cluster admin (when bootstrap permissions are on). */
  creator: Principal;
  /** Set once the API server serves: its loopback port and CA certificate (PEM). */
  endpointPort?: number;
  /** The control-plane ENIs' private addresses in the cluster subnets (the `kubernetes` endpoints). */
  controlPlaneAddresses?: string[];
  caCertificatePem?: string;
}
