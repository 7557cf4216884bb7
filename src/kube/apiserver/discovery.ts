import { apiVersionOf, type ResourceDescriptor } from "../api/descriptor.js";

/** Groups and versions in the order discovery lists them (core first, then by group name). */
export function groupVersions(descriptors: ResourceDescriptor[]): { group: string; versions: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const d of descriptors) {
    if (!groups.has(d.group)) groups.set(d.group, new Set());
    groups.get(d.group)?.add(d.version);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)))
    .map(([group, versions]) => ({ group, versions: [...versions] }));
}

/** `GET /api` */
export const apiVersions = (serverAddress: string) => ({
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
});

/** `GET /apis` (legacy): every non-core group. */
export function apiGroupList(descriptors: ResourceDescriptor[]) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groupVersions(descriptors)
      .filter((g) => g.group !== "")
      .map((g) => ({
        name: g.group,
        versions: g.versions.map((version) => ({ groupVersion: `${g.group}/${version}`, version })),
        preferredVersion: { groupVersion: `${g.group}/${g.versions[0]}`, version: g.versions[0] },
      })),
  };
}

/** `GET /api/v1`, `GET /apis/<group>/<version>`: resources and their subresources. */
export function apiResourceList(descriptors: ResourceDescriptor[], group: string, version: string) {
  const inVersion = descriptors.filter((d) => d.group === group && d.version === version);
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group, version }),
    resources: inVersion.flatMap((d) => [
      {
        name: d.plural,
        singularName: d.singular,
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: d.verbs,
        ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
        ...(d.categories.length ? { categories: d.categories } : {}),
        storageVersionHash: storageVersionHash(d),
      },
      ...d.subresources.map((sub) => {
        const other = d.subresourceKinds?.[sub];
        return {
          name: `${d.plural}/${sub}`,
          singularName: "",
          namespaced: d.namespaced,
          // Named only when the subresource's kind lives in another group/version (eviction, token, scale).
          ...(other && (other.group !== d.group || other.version !== d.version) ? { group: other.group, version: other.version } : {}),
          kind: other?.kind ?? d.kind,
          verbs: subresourceVerbs(sub),
        };
      }),
    ]),
  };
}

/** Upstream's discovery verbs per subresource; the rest (status, scale, approval, ephemeralcontainers, resize) are get/patch/update. */
const SUBRESOURCE_VERBS: Record<string, string[]> = {
  finalize: ["update"],
  binding: ["create"],
  eviction: ["create"],
  token: ["create"],
  log: ["get"],
  // Connect subresources (rest.Connecter): the verbs of their HTTP methods.
  attach: ["create", "get"],
  exec: ["create", "get"],
  portforward: ["create", "get"],
  proxy: ["create", "delete", "get", "patch", "update"],
};

const subresourceVerbs = (sub: string): string[] => SUBRESOURCE_VERBS[sub] ?? ["get", "patch", "update"];

/** A short stable hash of the resource's storage identity, as discovery publishes. */
function storageVersionHash(d: ResourceDescriptor): string {
  let h = 0;
  for (const ch of `${d.group}/${d.version}/${d.kind}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return Buffer.from(h.toString(16).padStart(8, "0")).toString("base64").slice(0, 11) + "=";
}

export type AggregatedVersion = "v2" | "v2beta1";

/**
 * Which aggregated discovery format the Accept header asks for (kubectl 1.27–1.29 ask for
 * v2beta1, 1.30+ for v2 first); undefined means legacy discovery.
 */
export function wantsAggregated(accept: string): AggregatedVersion | undefined {
  for (const part of accept.split(",")) {
    const params = Object.fromEntries(
      part.split(";").slice(1).map((p) => p.trim().split("=") as [string, string]),
    );
    if (params.g === "apidiscovery.k8s.io" && params.as === "APIGroupDiscoveryList") {
      if (params.v === "v2" || params.v === "v2beta1") return params.v;
    }
  }
  return undefined;
}

export const aggregatedContentType = (v: AggregatedVersion): string =>
  `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

/** `GET /api` or `/apis` as an APIGroupDiscoveryList: one round trip for all resources. */
export function aggregatedDiscovery(descriptors: ResourceDescriptor[], core: boolean, version: AggregatedVersion) {
  const groups = groupVersions(descriptors).filter((g) => (core ? g.group === "" : g.group !== ""));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: "Current",
        resources: descriptors
          .filter((d) => d.group === g.group && d.version === v)
          .map((d) => ({
            resource: d.plural,
            responseKind: { group: d.group, version: d.version, kind: d.kind },
            scope: d.namespaced ? "Namespaced" : "Cluster",
            singularResource: d.singular,
            verbs: d.verbs,
            ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
            ...(d.categories.length ? { categories: d.categories } : {}),
            ...(d.subresources.length
              ? {
                  subresources: d.subresources.map((sub) => ({
                    subresource: sub,
                    responseKind: d.subresourceKinds?.[sub] ?? { group: d.group, version: d.version, kind: d.kind },
                    verbs: subresourceVerbs(sub),
                  })),
                }
              : {}),
          })),
      })),
    })),
  };
}
