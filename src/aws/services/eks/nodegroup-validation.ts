import type { InstanceTypeFacts } from "../../../kube/kubelet/node-source.js";
import { labelValueErrors, qualifiedNameErrors } from "../../../kube/apiserver/selectors.js";
import { AwsError } from "../../protocol/operation.js";
import { findInstanceType } from "../ec2/instance-types.js";
import { invalid } from "./eks-validation.js";
import type { EksTaint, ScalingConfig, UpdateConfig } from "./nodegroup-record.js";

/**
 * EKS's rules for node-group requests. Messages follow the ones EKS returns where they are
 * known (size checks, instance type vs AMI type); Kubernetes label and taint rules use the
 * apimachinery texts the API server would answer.
 */

export const NODEGROUP_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
/** EKS's quota of taints per node group. */
const MAX_TAINTS = 50;
const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;
export const AMI_TYPES = [
  "AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64", "CUSTOM",
  "BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64_FIPS", "BOTTLEROCKET_x86_64_FIPS",
  "BOTTLEROCKET_ARM_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA",
  "WINDOWS_CORE_2019_x86_64", "WINDOWS_FULL_2019_x86_64", "WINDOWS_CORE_2022_x86_64", "WINDOWS_FULL_2022_x86_64",
  "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NEURON", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA",
] as const;
const ACCELERATED = /GPU|NVIDIA|NEURON/;

/** AWS's wording for a value outside a member's enum. */
export const enumError = (value: string, path: string, allowed: readonly string[]) =>
  invalid(`1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`);

export function validateNodegroupName(name: string): void {
  if (name.length < 1 || name.length > 63 || !NODEGROUP_NAME.test(name)) {
    throw invalid(`The nodegroup name '${name}' is invalid: use 1 to 63 letters, digits, hyphens and underscores, starting with a letter or digit.`);
  }
}

/** CreateNodegroup: all three sizes or none (EKS then uses 1/2/2). */
export function validateCreateScaling(given: Partial<ScalingConfig> | undefined): ScalingConfig {
  if (!given || (given.minSize === undefined && given.maxSize === undefined && given.desiredSize === undefined)) {
    return { minSize: 1, maxSize: 2, desiredSize: 2 };
  }
  const { minSize, maxSize, desiredSize } = given;
  if (minSize === undefined || maxSize === undefined || desiredSize === undefined) {
    throw invalid("When creating a node group, specify all of minSize, maxSize and desiredSize in scalingConfig, or none of them.");
  }
  return checkSizes({ minSize, maxSize, desiredSize }, "create");
}

/** UpdateNodegroupConfig: any of the three, merged onto the current sizes. */
export function validateUpdateScaling(current: ScalingConfig, given: Partial<ScalingConfig>): ScalingConfig {
  if (given.minSize === undefined && given.maxSize === undefined && given.desiredSize === undefined) {
    throw invalid("Either all or at least one of minSize, maxSize, desiredSize must be provided");
  }
  return checkSizes({ ...current, ...stripUndefined(given) }, "update");
}

function checkSizes(sizes: ScalingConfig, action: "create" | "update"): ScalingConfig {
  const { minSize, maxSize, desiredSize } = sizes;
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0) throw invalid(`${name} must be a whole number of nodes, 0 or more; got ${value}`);
  }
  if (maxSize < 1) throw invalid("maxSize must be at least 1");
  if (minSize > desiredSize) {
    throw invalid(action === "create" ? "minSize can't be greater than desiredSize" : `Minimum capacity ${minSize} can't be greater than desired size ${desiredSize}`);
  }
  if (desiredSize > maxSize) throw invalid("desiredSize can't be greater than maxSize");
  return sizes;
}

export function validateUpdateConfig(config: Omit<UpdateConfig, "updateStrategy"> & { updateStrategy?: string }, maxSize: number): UpdateConfig {
  const { maxUnavailable, maxUnavailablePercentage, updateStrategy } = config;
  if (maxUnavailable !== undefined && maxUnavailablePercentage !== undefined) {
    throw invalid("Specify either maxUnavailable or maxUnavailablePercentage in updateConfig, not both");
  }
  if (maxUnavailable === undefined && maxUnavailablePercentage === undefined) {
    throw invalid("updateConfig needs maxUnavailable or maxUnavailablePercentage");
  }
  if (maxUnavailable !== undefined && (!Number.isInteger(maxUnavailable) || maxUnavailable < 1 || maxUnavailable > Math.min(100, maxSize))) {
    throw invalid("max-unavailable must be within the range 1 and max size of the node group");
  }
  if (maxUnavailablePercentage !== undefined && (!Number.isInteger(maxUnavailablePercentage) || maxUnavailablePercentage < 1 || maxUnavailablePercentage > 100)) {
    throw invalid("max-unavailable-percentage must be within the range 1 and 100");
  }
  if (updateStrategy !== undefined && updateStrategy !== "DEFAULT" && updateStrategy !== "MINIMAL") {
    throw enumError(updateStrategy, "updateConfig.updateStrategy", ["DEFAULT", "MINIMAL"]);
  }
  return stripUndefined(config) as UpdateConfig;
}

/** Kubernetes label rules (keys are qualified names, values label values), within EKS's 1–63 characters. */
export function validateLabels(labels: Record<string, string>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (key.length < 1 || key.length > 63) throw invalid(`Label key ${JSON.stringify(key)} must be 1 to 63 characters`);
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0) throw invalid(`Invalid value: ${JSON.stringify(key)}: ${keyErrors.join(", ")}`);
    if (value.length < 1 || value.length > 63) throw invalid(`The value of label ${JSON.stringify(key)} must be 1 to 63 characters`);
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) throw invalid(`Invalid value: ${JSON.stringify(value)}: ${valueErrors.join(", ")}`);
  }
}

export function validateTaints(taints: EksTaint[], path: string): void {
  if (taints.length > MAX_TAINTS) throw invalid(`A node group can have at most ${MAX_TAINTS} taints`);
  const seen = new Set<string>();
  for (const [i, taint] of taints.entries()) {
    if (!(TAINT_EFFECTS as readonly string[]).includes(taint.effect)) throw enumError(String(taint.effect), `${path}.${i + 1}.member.effect`, TAINT_EFFECTS);
    if (taint.key.length < 1 || taint.key.length > 63) throw invalid(`Taint key ${JSON.stringify(taint.key)} must be 1 to 63 characters`);
    const keyErrors = qualifiedNameErrors(taint.key);
    if (keyErrors.length > 0) throw invalid(`Invalid value: ${JSON.stringify(taint.key)}: ${keyErrors.join(", ")}`);
    const value = taint.value ?? "";
    if (value.length > 63) throw invalid(`The value of taint ${JSON.stringify(taint.key)} must be at most 63 characters`);
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) throw invalid(`Invalid value: ${JSON.stringify(value)}: ${valueErrors.join(", ")}`);
    const identity = `${taint.key}:${taint.effect}`;
    if (seen.has(identity)) throw invalid(`Duplicate taint: key ${JSON.stringify(taint.key)} with effect ${taint.effect} appears twice`);
    seen.add(identity);
  }
}

/** The instance types must be ones minieks knows and share one architecture. */
export function resolveInstanceTypes(names: string[] | undefined): InstanceTypeFacts[] {
  const wanted = names && names.length > 0 ? names : ["t3.medium"];
  if (wanted.length > 20) throw invalid("A node group can have at most 20 instance types");
  return wanted.map((name) => {
    const facts = findInstanceType(name);
    if (!facts) {
      throw invalid(`The specified instance type ${name} is not valid: minieks does not know it (aws ec2 describe-instance-types lists the ones it does)`);
    }
    return facts;
  });
}

const amiArchitecture = (amiType: string): "amd64" | "arm64" => (amiType.includes("ARM_64") ? "arm64" : "amd64");
const majorMinor = (version: string): number => {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major * 1000 + minor;
};

/** The AMI type: given, or AL2023 of the instance types' architecture. Checks it fits them and the version. */
export function resolveAmiType(given: string | undefined, types: InstanceTypeFacts[], version: string): string {
  const amiType = given ?? ((types[0]?.architecture ?? "amd64") === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD");
  if (!(AMI_TYPES as readonly string[]).includes(amiType)) throw enumError(amiType, "amiType", AMI_TYPES);
  if (amiType.startsWith("WINDOWS") || amiType === "CUSTOM" || amiType.endsWith("_FIPS")) {
    throw new AwsError("NotImplemented", `minieks does not simulate ${amiType} nodes yet; use an AL2023 or Bottlerocket AMI type`, 501);
  }
  if (amiType.startsWith("AL2_") && majorMinor(version) >= majorMinor("1.33")) {
    throw invalid(`AMI Type ${amiType} is only supported for kubernetes versions 1.32 or earlier`);
  }
  // minieks knows no GPU or Inferentia types, so an accelerated AMI type fits none of them.
  const misfits = types.filter((t) => ACCELERATED.test(amiType) || t.architecture !== amiArchitecture(amiType));
  if (misfits.length > 0) {
    throw invalid(`[${misfits.map((t) => t.name).join(", ")}] is not a valid instance type for requested amiType ${amiType}`);
  }
  return amiType;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
