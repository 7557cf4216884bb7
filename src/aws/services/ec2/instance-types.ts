import type { InstanceTypeFacts } from "../../../kube/kubelet/node-source.js";

/**
 * Facts about the instance types minieks knows, from AWS's public documentation ("Amazon EC2
 * instance type specifications" for vCPUs and memory; "Maximum IP addresses per network interface"
 * for ENIs and IPv4 addresses per ENI). maxPods is the VPC CNI formula
 * ENIs × (IPv4 per ENI − 1) + 2: the first address of each ENI is the ENI's own, and the two
 * host-network pods (aws-node, kube-proxy) need none.
 */

export const maxPodsFor = (maxEnis: number, ipv4PerEni: number): number => maxEnis * (ipv4PerEni - 1) + 2;

/** [vCPUs, ENIs, IPv4 per ENI] of a Nitro size; memory follows from the family's GiB per vCPU. */
type SizeShape = readonly [vCpus: number, enis: number, ipv4PerEni: number];

/** Sizes of the current Nitro families share one ENI table (2 ENIs on medium, 15 from 16xlarge up). */
const NITRO_SIZES: Record<string, SizeShape> = {
  medium: [1, 2, 4],
  large: [2, 3, 10],
  xlarge: [4, 4, 15],
  "2xlarge": [8, 4, 15],
  "4xlarge": [16, 8, 30],
  "8xlarge": [32, 8, 30],
  "9xlarge": [36, 8, 30],
  "12xlarge": [48, 8, 30],
  "16xlarge": [64, 15, 50],
  "18xlarge": [72, 15, 50],
  "24xlarge": [96, 15, 50],
  "32xlarge": [128, 15, 50],
};

interface Family {
  name: string;
  architecture: "amd64" | "arm64";
  gibPerVCpu: number;
  sizes: string[];
}

const INTEL_M = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"];
const INTEL_M_32 = [...INTEL_M, "32xlarge"];
const GRAVITON = ["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const C5 = ["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge"];

const FAMILIES: Family[] = [
  { name: "m5", architecture: "amd64", gibPerVCpu: 4, sizes: INTEL_M },
  { name: "m5a", architecture: "amd64", gibPerVCpu: 4, sizes: INTEL_M },
  { name: "m6i", architecture: "amd64", gibPerVCpu: 4, sizes: INTEL_M_32 },
  { name: "m6a", architecture: "amd64", gibPerVCpu: 4, sizes: INTEL_M_32 },
  { name: "m7i", architecture: "amd64", gibPerVCpu: 4, sizes: INTEL_M },
  { name: "m6g", architecture: "arm64", gibPerVCpu: 4, sizes: GRAVITON },
  { name: "m7g", architecture: "arm64", gibPerVCpu: 4, sizes: GRAVITON },
  { name: "c5", architecture: "amd64", gibPerVCpu: 2, sizes: C5 },
  { name: "c6i", architecture: "amd64", gibPerVCpu: 2, sizes: INTEL_M_32 },
  { name: "c7i", architecture: "amd64", gibPerVCpu: 2, sizes: INTEL_M },
  { name: "c6g", architecture: "arm64", gibPerVCpu: 2, sizes: GRAVITON },
  { name: "c7g", architecture: "arm64", gibPerVCpu: 2, sizes: GRAVITON },
  { name: "r5", architecture: "amd64", gibPerVCpu: 8, sizes: INTEL_M },
  { name: "r6i", architecture: "amd64", gibPerVCpu: 8, sizes: INTEL_M_32 },
  { name: "r7i", architecture: "amd64", gibPerVCpu: 8, sizes: INTEL_M },
  { name: "r6g", architecture: "arm64", gibPerVCpu: 8, sizes: GRAVITON },
  { name: "r7g", architecture: "arm64", gibPerVCpu: 8, sizes: GRAVITON },
];

/** Burstable sizes: [vCPUs, memory MiB, ENIs, IPv4 per ENI] (t3a.small has one ENI fewer than t3.small). */
const BURSTABLE: Record<string, readonly [number, number, number, number]> = {
  nano: [2, 512, 2, 2],
  micro: [2, 1024, 2, 2],
  small: [2, 2048, 3, 4],
  medium: [2, 4096, 3, 6],
  large: [2, 8192, 3, 12],
  xlarge: [4, 16384, 4, 15],
  "2xlarge": [8, 32768, 4, 15],
};

const facts = (name: string, vCpus: number, memoryMiB: number, architecture: "amd64" | "arm64", maxEnis: number, ipv4PerEni: number): InstanceTypeFacts => ({
  name,
  vCpus,
  memoryMiB,
  architecture,
  maxEnis,
  ipv4PerEni,
  maxPods: maxPodsFor(maxEnis, ipv4PerEni),
});

function buildTable(): Map<string, InstanceTypeFacts> {
  const table = new Map<string, InstanceTypeFacts>();
  for (const [family, architecture] of [["t3", "amd64"], ["t3a", "amd64"], ["t4g", "arm64"]] as const) {
    for (const [size, [vCpus, memoryMiB, enis, ips]] of Object.entries(BURSTABLE)) {
      const name = `${family}.${size}`;
      const eniCount = name === "t3a.small" ? 2 : enis;
      table.set(name, facts(name, vCpus, memoryMiB, architecture, eniCount, ips));
    }
  }
  for (const family of FAMILIES) {
    for (const size of family.sizes) {
      const shape = NITRO_SIZES[size];
      if (!shape) throw new Error(`no size facts for ${size}`);
      const [vCpus, enis, ips] = shape;
      const name = `${family.name}.${size}`;
      table.set(name, facts(name, vCpus, vCpus * family.gibPerVCpu * 1024, family.architecture, enis, ips));
    }
  }
  return table;
}

/** Every instance type minieks knows, by name, in a stable order. */
export const INSTANCE_TYPES: ReadonlyMap<string, InstanceTypeFacts> = buildTable();

export const findInstanceType = (name: string): InstanceTypeFacts | undefined => INSTANCE_TYPES.get(name);

/** EC2's architecture names (DescribeInstances, DescribeInstanceTypes) for the Kubernetes ones. */
export const ec2Architecture = (t: InstanceTypeFacts): "x86_64" | "arm64" => (t.architecture === "amd64" ? "x86_64" : "arm64");

/** The t families accrue CPU credits; everything else here runs at full speed. */
export const isBurstable = (t: InstanceTypeFacts): boolean => /^t\d/.test(t.name);
