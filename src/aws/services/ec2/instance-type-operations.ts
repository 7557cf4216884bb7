import { z } from "zod";
import type { InstanceTypeFacts } from "../../../kube/kubelet/node-source.js";
import { AwsError, operation, type Operation } from "../../protocol/operation.js";
import { ec2Page, filterList, matchesFilters } from "./filters.js";
import { ec2Architecture, INSTANCE_TYPES, isBurstable } from "./instance-types.js";

/** One instance type as DescribeInstanceTypes writes it: the facts minieks keeps and what all Nitro types share. */
export function instanceTypeWire(t: InstanceTypeFacts) {
  const arm = t.architecture === "arm64";
  const cores = arm ? t.vCpus : Math.max(1, t.vCpus / 2);
  return {
    instanceType: t.name,
    currentGeneration: true,
    freeTierEligible: t.name === "t3.micro",
    supportedUsageClasses: ["on-demand", "spot"],
    supportedRootDeviceTypes: ["ebs"],
    supportedVirtualizationTypes: ["hvm"],
    bareMetal: false,
    hypervisor: "nitro",
    processorInfo: { supportedArchitectures: [ec2Architecture(t)], manufacturer: arm ? "AWS" : t.name.includes("a.") ? "AMD" : "Intel" },
    vCpuInfo: { defaultVCpus: t.vCpus, defaultCores: cores, defaultThreadsPerCore: arm ? 1 : 2 },
    memoryInfo: { sizeInMiB: t.memoryMiB },
    instanceStorageSupported: false,
    ebsInfo: { ebsOptimizedSupport: "default", encryptionSupport: "supported", nvmeSupport: "required" },
    networkInfo: {
      maximumNetworkInterfaces: t.maxEnis,
      maximumNetworkCards: 1,
      defaultNetworkCardIndex: 0,
      networkCards: [{ networkCardIndex: 0, maximumNetworkInterfaces: t.maxEnis }],
      ipv4AddressesPerInterface: t.ipv4PerEni,
      ipv6AddressesPerInterface: t.ipv4PerEni,
      ipv6Supported: true,
      enaSupport: "required",
      efaSupported: false,
    },
    hibernationSupported: false,
    burstablePerformanceSupported: isBurstable(t),
    autoRecoverySupported: true,
    supportedBootModes: arm ? ["uefi"] : ["legacy-bios", "uefi"],
  };
}

/** Filter values are matched as strings (`*` wildcards work on numbers too, as on EC2). */
const typeFilters: Record<string, (t: { facts: InstanceTypeFacts }) => string[]> = {
  "instance-type": ({ facts }) => [facts.name],
  "current-generation": () => ["true"],
  "processor-info.supported-architecture": ({ facts }) => [ec2Architecture(facts)],
  "vcpu-info.default-vcpus": ({ facts }) => [String(facts.vCpus)],
  "memory-info.size-in-mib": ({ facts }) => [String(facts.memoryMiB)],
  "network-info.maximum-network-interfaces": ({ facts }) => [String(facts.maxEnis)],
  "network-info.ipv4-addresses-per-interface": ({ facts }) => [String(facts.ipv4PerEni)],
  "burstable-performance-supported": ({ facts }) => [String(isBurstable(facts))],
  "hypervisor": () => ["nitro"],
  "bare-metal": () => ["false"],
};

/** DescribeInstanceTypes for the types minieks knows. */
export function instanceTypeOperations(): Operation<never, unknown>[] {
  return [
    operation({
      name: "DescribeInstanceTypes",
      input: z.object({
        InstanceType: z.array(z.string()).optional(),
        Filter: filterList,
        MaxResults: z.coerce.number().int().min(5).max(100).optional(),
        NextToken: z.string().optional(),
      }),
      handler: (input) => {
        const unknown = (input.InstanceType ?? []).filter((name) => !INSTANCE_TYPES.has(name));
        if (unknown.length > 0) {
          throw new AwsError("InvalidInstanceType", `The following supplied instance types do not exist: [${unknown.join(", ")}]`);
        }
        const matching = [...INSTANCE_TYPES.values()]
          .filter((t) => !input.InstanceType || input.InstanceType.includes(t.name))
          .filter((facts) => matchesFilters({ facts, tags: {} }, input.Filter, typeFilters));
        const { page, nextToken } = ec2Page(matching, input.NextToken, input.MaxResults ?? 100);
        return { instanceTypeSet: page.map(instanceTypeWire), ...(nextToken ? { nextToken } : {}) };
      },
    }),
  ];
}
