/**
 * Where EKS's default add-on images come from: the regional Amazon ECR registry of EKS (EKS User
 * Guide, "View Amazon container image registries for Amazon EKS add-ons") and the image tags EKS
 * installs for each Kubernetes version (User Guide version tables for 1.29–1.31; the later rows
 * follow the same pattern and are minieks's choice where AWS publishes no fixed default).
 */

/** Registry accounts that differ from the common 602401143452. */
const REGISTRY_ACCOUNTS: Record<string, string> = {
  "af-south-1": "877085696533",
  "ap-east-1": "800184023465",
  "ap-south-2": "900889452093",
  "ap-southeast-3": "296578399912",
  "ap-southeast-4": "491585149902",
  "ca-west-1": "761377655185",
  "cn-north-1": "918309763551",
  "cn-northwest-1": "961992271922",
  "eu-central-2": "900612956339",
  "eu-south-1": "590381155156",
  "eu-south-2": "455263428931",
  "il-central-1": "066635153087",
  "me-south-1": "558608220178",
  "me-central-1": "759879836304",
  "us-gov-east-1": "151742754352",
  "us-gov-west-1": "013241004608",
};

/** e.g. 602401143452.dkr.ecr.ap-northeast-2.amazonaws.com */
export function ecrRegistry(region: string): string {
  const account = REGISTRY_ACCOUNTS[region] ?? "602401143452";
  const domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${account}.dkr.ecr.${region}.${domain}`;
}

export interface AddonImageTags {
  vpcCni: string;
  networkPolicyAgent: string;
  kubeProxy: string;
  coredns: string;
}

const VPC_CNI = "v1.20.4-eksbuild.1";
const NETWORK_POLICY_AGENT = "v1.2.7-eksbuild.1";

const TAGS: Record<string, Omit<AddonImageTags, "vpcCni" | "networkPolicyAgent">> = {
  "1.29": { kubeProxy: "v1.29.10-minimal-eksbuild.3", coredns: "v1.11.3-eksbuild.2" },
  "1.30": { kubeProxy: "v1.30.6-minimal-eksbuild.3", coredns: "v1.11.3-eksbuild.2" },
  "1.31": { kubeProxy: "v1.31.2-minimal-eksbuild.3", coredns: "v1.11.3-eksbuild.2" },
  "1.32": { kubeProxy: "v1.32.0-minimal-eksbuild.2", coredns: "v1.11.4-eksbuild.2" },
  "1.33": { kubeProxy: "v1.33.0-minimal-eksbuild.2", coredns: "v1.11.4-eksbuild.2" },
  "1.34": { kubeProxy: "v1.34.0-minimal-eksbuild.2", coredns: "v1.11.4-eksbuild.2" },
  "1.35": { kubeProxy: "v1.35.0-minimal-eksbuild.2", coredns: "v1.11.4-eksbuild.2" },
};

export function addonImageTags(kubernetesVersion: string): AddonImageTags {
  const tags = TAGS[kubernetesVersion] ?? { kubeProxy: `v${kubernetesVersion}.0-minimal-eksbuild.1`, coredns: "v1.11.4-eksbuild.2" };
  return { vpcCni: VPC_CNI, networkPolicyAgent: NETWORK_POLICY_AGENT, ...tags };
}
