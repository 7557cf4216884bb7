import { qualifiedResource } from "../../api/descriptor.js";
import type { ResourceStore } from "../registry/resource-store.js";
import { errors } from "../status.js";
import type { AdmissionPlugin } from "./admission.js";

/** NamespaceLifecycle: no new objects in a namespace that is missing or terminating. */
export function namespaceLifecycle(namespaces: () => ResourceStore | undefined): AdmissionPlugin {
  return {
    name: "NamespaceLifecycle",
    // Upstream runs it in the mutating phase, first: a missing namespace is a 404 before validation.
    async admit({ operation, descriptor: d, namespace: ns, object, subresource }) {
      if (operation !== "CREATE" || subresource || !d.namespaced || !ns) return;
      const store = namespaces();
      if (!store) return;
      const namespace = await store.get(undefined, ns);
      if (namespace.metadata.deletionTimestamp) {
        throw errors.forbidden(
          `${qualifiedResource(d)} "${object?.metadata.name ?? object?.metadata.generateName ?? ""}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
          { resource: d.plural, group: d.group, kind: d.kind },
          object?.metadata.name,
        );
      }
    },
  };
}
