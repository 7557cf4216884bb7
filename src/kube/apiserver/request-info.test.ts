import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseRequestPath } from "./request-info.js";

describe("parseRequestPath", () => {
  const cases: [string, ReturnType<typeof parseRequestPath>][] = [
    ["/api/v1/pods", { isResourceRequest: true, group: "", version: "v1", namespace: undefined, resource: "pods", name: undefined, subresource: undefined }],
    ["/api/v1/namespaces/demo/pods/web/status", { isResourceRequest: true, group: "", version: "v1", namespace: "demo", resource: "pods", name: "web", subresource: "status" }],
    ["/apis/apps/v1/namespaces/demo/deployments/web/scale", { isResourceRequest: true, group: "apps", version: "v1", namespace: "demo", resource: "deployments", name: "web", subresource: "scale" }],
    ["/api/v1/namespaces/demo", { isResourceRequest: true, group: "", version: "v1", namespace: undefined, resource: "namespaces", name: "demo", subresource: undefined }],
    ["/api/v1/namespaces/demo/finalize", { isResourceRequest: true, group: "", version: "v1", namespace: undefined, resource: "namespaces", name: "demo", subresource: "finalize" }],
    ["/api/v1/namespaces/demo/status", { isResourceRequest: true, group: "", version: "v1", namespace: undefined, resource: "namespaces", name: "demo", subresource: "status" }],
    ["/api/v1/namespaces/demo/configmaps", { isResourceRequest: true, group: "", version: "v1", namespace: "demo", resource: "configmaps", name: undefined, subresource: undefined }],
    ["/api/v1", { isResourceRequest: false, path: "/api/v1" }],
    ["/version", { isResourceRequest: false, path: "/version" }],
    ["/api/v1/namespaces/a/pods/b/c/d", { isResourceRequest: false, path: "/api/v1/namespaces/a/pods/b/c/d" }],
  ];
  for (const [path, expected] of cases) {
    it(path, () => assert.deepEqual(parseRequestPath(path), expected));
  }
});
