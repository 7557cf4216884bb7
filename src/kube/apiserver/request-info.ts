/**
 * What a request path means (apiserver's RequestInfo): a resource request such as
 * `/apis/apps/v1/namespaces/ns/deployments/web/scale`, or a non-resource path (/version, /api, …).
 */
export interface ResourceRequestInfo {
  isResourceRequest: true;
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

export function parseRequestPath(path: string): RequestInfo {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1] ?? "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1] ?? "";
    version = parts[2] ?? "";
    rest = parts.slice(3);
  } else {
    return { isResourceRequest: false, path };
  }
  // `namespaces/<ns>/<resource>…` is namespaced; `namespaces[/<name>[/status|finalize]]` is the
  // namespace resource itself (upstream's namespaceSubresources).
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? "")) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = "", name, subresource] = rest;
  // Only a proxy subresource carries a path of its own (`pods/<name>/proxy/<path>`).
  if (rest.length > 3 && subresource !== "proxy") return { isResourceRequest: false, path };
  return { isResourceRequest: true, group, version, namespace, resource, name, subresource };
}
