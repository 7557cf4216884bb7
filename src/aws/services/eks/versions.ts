import type { ClusterVersionInformation } from "@aws-sdk/client-eks";

/**
 * Kubernetes versions EKS has offered, with its support calendar (EKS User Guide,
 * "Kubernetes versions"). Support status is computed from the injected clock, so a version
 * moves from standard to extended support to unsupported as the dates pass.
 */
export interface KubernetesVersionFacts {
  version: string;
  /** The patch release minieks reports for this minor (/version and kubernetesPatchVersion). */
  patch: string;
  platformVersion: string;
  releaseDate: string;
  endOfStandardSupport: string;
  endOfExtendedSupport: string;
}

export const KUBERNETES_VERSIONS: KubernetesVersionFacts[] = [
  { version: "1.29", patch: "1.29.15", platformVersion: "eks.40", releaseDate: "2024-01-23", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
  { version: "1.30", patch: "1.30.14", platformVersion: "eks.33", releaseDate: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
  { version: "1.31", patch: "1.31.13", platformVersion: "eks.27", releaseDate: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  { version: "1.32", patch: "1.32.9", platformVersion: "eks.20", releaseDate: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  { version: "1.33", patch: "1.33.5", platformVersion: "eks.15", releaseDate: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  { version: "1.34", patch: "1.34.1", platformVersion: "eks.8", releaseDate: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  { version: "1.35", patch: "1.35.0", platformVersion: "eks.3", releaseDate: "2026-01-28", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
];

/** The version CreateCluster uses when none is given (EKS's default is not the newest). */
export const DEFAULT_KUBERNETES_VERSION = "1.34";

export type VersionStatus = "STANDARD_SUPPORT" | "EXTENDED_SUPPORT" | "UNSUPPORTED";

export function versionStatus(facts: KubernetesVersionFacts, now: Date): VersionStatus {
  const t = now.getTime();
  if (t < Date.parse(facts.endOfStandardSupport)) return "STANDARD_SUPPORT";
  if (t < Date.parse(facts.endOfExtendedSupport)) return "EXTENDED_SUPPORT";
  return "UNSUPPORTED";
}

export const findVersion = (version: string): KubernetesVersionFacts | undefined =>
  KUBERNETES_VERSIONS.find((v) => v.version === version);

export function describeVersion(facts: KubernetesVersionFacts, now: Date): ClusterVersionInformation {
  const status = versionStatus(facts, now);
  return {
    clusterVersion: facts.version,
    clusterType: "eks",
    defaultPlatformVersion: facts.platformVersion,
    defaultVersion: facts.version === DEFAULT_KUBERNETES_VERSION,
    releaseDate: new Date(facts.releaseDate),
    endOfStandardSupportDate: new Date(facts.endOfStandardSupport),
    endOfExtendedSupportDate: new Date(facts.endOfExtendedSupport),
    status: ({ STANDARD_SUPPORT: "standard-support", EXTENDED_SUPPORT: "extended-support", UNSUPPORTED: "unsupported" } as const)[status],
    versionStatus: status,
    kubernetesPatchVersion: facts.patch,
  };
}
