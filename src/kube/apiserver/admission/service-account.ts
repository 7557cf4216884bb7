/**
 * The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount): a new pod runs as
 * `default` unless it names a service account, which must exist; unless automounting is off (pod
 * first, then service account), every container mounts the projected `kube-api-access-<5>` volume
 * (a bound token refreshed by the kubelet, the cluster CA, the namespace) at
 * /var/run/secrets/kubernetes.io/serviceaccount; the service account's imagePullSecrets are
 * copied to a pod that has none. Mirror pods may not use any of it.
 */
import { generateNameSuffix } from "../../api/names.js";
import type { StoredObject } from "../../api/types.js";
import type { ResourceStore } from "../registry/resource-store.js";
import { StatusError } from "../status.js";
import { goQuote } from "../../../shared/go-format.js";
import type { AdmissionAttributes, AdmissionPlugin } from "./admission.js";

export const DEFAULT_SERVICE_ACCOUNT = "default";
export const SERVICE_ACCOUNT_VOLUME_PREFIX = "kube-api-access-";
export const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
/** WarnOnlyBoundTokenExpirationSeconds: the kubelet refreshes it; the API server extends it. */
const TOKEN_EXPIRATION_SECONDS = 3607;

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const list = (v: unknown): J[] => (Array.isArray(v) ? v.map(rec) : []);

/** TokenVolumeSource(): the projected volume every automounting pod gets. */
export const tokenVolumeSource = () => ({
  defaultMode: 0o644,
  sources: [
    { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: "token" } },
    { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
    { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
  ],
});

/** admission.NewForbidden: `pods "p" is forbidden: <why>`. */
function forbidden(attrs: AdmissionAttributes, why: string): StatusError {
  const name = attrs.name || attrs.object?.metadata.name || "";
  return new StatusError(403, "Forbidden", name ? `pods ${goQuote(name)} is forbidden: ${why}` : `pods is forbidden: ${why}`, {
    ...(name ? { name } : {}),
    kind: "pods",
  });
}

function hasSecretReferences(spec: J): boolean {
  if (list(spec.imagePullSecrets).length > 0) return true;
  for (const v of list(spec.volumes)) {
    if (v.secret) return true;
    if (list(rec(v.projected).sources).some((s) => s.secret)) return true;
  }
  return [...list(spec.containers), ...list(spec.initContainers), ...list(spec.ephemeralContainers)].some(
    (c) => list(c.envFrom).some((f) => f.secretRef) || list(c.env).some((e) => rec(e.valueFrom).secretKeyRef),
  );
}

export function serviceAccountAdmission(serviceAccounts: () => ResourceStore | undefined, random: () => number = Math.random): AdmissionPlugin {
  const applies = (attrs: AdmissionAttributes) =>
    attrs.operation === "CREATE" && !attrs.subresource && attrs.descriptor.group === "" && attrs.descriptor.plural === "pods" && attrs.object !== undefined;

  async function lookup(attrs: AdmissionAttributes, name: string): Promise<StoredObject> {
    const ns = attrs.namespace ?? "";
    try {
      const store = serviceAccounts();
      if (!store) throw new Error("serviceaccounts are not served");
      return await store.get(ns, name);
    } catch (error) {
      const detail = error instanceof StatusError && error.code === 404 ? `serviceaccount ${goQuote(name)} not found` : (error as Error).message;
      throw forbidden(attrs, `error looking up service account ${ns}/${name}: ${detail}`);
    }
  }

  function validateMirrorPod(attrs: AdmissionAttributes, spec: J): void {
    if (spec.serviceAccountName) throw forbidden(attrs, "a mirror pod may not reference service accounts");
    if (hasSecretReferences(spec)) throw forbidden(attrs, "a mirror pod may not reference secrets");
    if (list(spec.volumes).some((v) => list(rec(v.projected).sources).some((s) => s.serviceAccountToken))) {
      throw forbidden(attrs, "a mirror pod may not use ServiceAccountToken volume projections");
    }
  }

  function mountToken(spec: J): void {
    // A malformed spec is left as it is, for validation to refuse.
    const malformed = (v: unknown) => v !== undefined && v !== null && !Array.isArray(v);
    if (malformed(spec.volumes) || malformed(spec.containers) || malformed(spec.initContainers)) return;
    const volumes = list(spec.volumes);
    const existing = volumes.find((v) => typeof v.name === "string" && v.name.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
    const volumeName = typeof existing?.name === "string" ? existing.name : SERVICE_ACCOUNT_VOLUME_PREFIX + generateNameSuffix(random);
    let needsVolume = false;
    for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
      const mounts = list(c.volumeMounts);
      if (mounts.some((m) => m.mountPath === TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      needsVolume = true;
    }
    if (!existing && needsVolume) spec.volumes = [...volumes, { name: volumeName, projected: tokenVolumeSource() }];
  }

  return {
    name: "ServiceAccount",
    async admit(attrs) {
      if (!applies(attrs)) return;
      const pod = attrs.object as StoredObject;
      if (pod.spec === null || typeof pod.spec !== "object" || Array.isArray(pod.spec)) return;
      const spec = pod.spec as J;
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return validateMirrorPod(attrs, spec);
      // The deprecated serviceAccount field is the v1 alias of serviceAccountName.
      const name = (typeof spec.serviceAccountName === "string" && spec.serviceAccountName) || (typeof spec.serviceAccount === "string" && spec.serviceAccount) || DEFAULT_SERVICE_ACCOUNT;
      spec.serviceAccountName = name;
      spec.serviceAccount = name;
      const sa = await lookup(attrs, name);
      const automount = typeof spec.automountServiceAccountToken === "boolean" ? spec.automountServiceAccountToken : sa.automountServiceAccountToken !== false;
      if (automount) mountToken(spec);
      if (list(spec.imagePullSecrets).length === 0 && list(sa.imagePullSecrets).length > 0) {
        spec.imagePullSecrets = list(sa.imagePullSecrets).map((s) => ({ name: s.name }));
      }
    },
    async validate(attrs) {
      if (!applies(attrs)) return;
      const pod = attrs.object as StoredObject;
      const spec = rec(pod.spec);
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return validateMirrorPod(attrs, spec);
      const name = typeof spec.serviceAccountName === "string" ? spec.serviceAccountName : "";
      if (!name) throw forbidden(attrs, `no service account specified for pod ${attrs.namespace ?? ""}/${pod.metadata.name ?? ""}`);
      await lookup(attrs, name);
    },
  };
}
