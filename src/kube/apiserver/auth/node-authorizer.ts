/**
 * The Node authorizer (plugin/pkg/auth/authorizer/node), which EKS runs before RBAC: a kubelet
 * (user `system:node:<name>` in group `system:nodes`) may read its own Node and the pods bound to
 * it, list/watch pods only with `spec.nodeName=<itself>`, use only its own Lease in
 * kube-node-lease, read the secrets, config maps and claims its pods use and request tokens for
 * their service accounts; for every other resource it has the system:node role's rules.
 *
 * Upstream answers the relationship questions from a graph kept in memory; here they are asked of
 * the API when a kubelet makes such a request (pods of the namespace bound to the node). Persistent
 * volumes, volume attachments and resource claims are only reachable through claims: a kubelet may
 * read a PersistentVolume or VolumeAttachment only when the RBAC rules allow it.
 */
import type { StoredObject, UserInfo } from "../../api/types.js";
import type { AuthorizationAttributes, Authorizer, Decision, RuleResolver, SubjectRules } from "./authorizer.js";
import { NODE_RULES } from "./bootstrap-policy.js";
import { ruleAllows } from "./rbac-rules.js";

/** What the authorizer needs to know about pods. */
export interface NodePodLookup {
  pod(namespace: string, name: string): Promise<StoredObject | undefined>;
  /** Pods of the namespace whose spec.nodeName is `nodeName`. */
  podsOnNode(namespace: string, nodeName: string): Promise<StoredObject[]>;
}

export const NODES_GROUP = "system:nodes";
const NODE_USER_PREFIX = "system:node:";

/** nodeidentifier.NodeIdentity: the node name of a kubelet's user, or undefined for other users. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.username.startsWith(NODE_USER_PREFIX) || !user.groups.includes(NODES_GROUP)) return undefined;
  return user.username.slice(NODE_USER_PREFIX.length);
}

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const list = (v: unknown): J[] => (Array.isArray(v) ? v.map(rec) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** What a pod uses: secrets, config maps, claims and its service account (the graph's edges). */
export function podReferences(pod: StoredObject): { secrets: Set<string>; configMaps: Set<string>; claims: Set<string>; serviceAccount: string } {
  const spec = rec(pod.spec);
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const claims = new Set<string>();
  for (const s of list(spec.imagePullSecrets)) secrets.add(str(s.name));
  for (const v of list(spec.volumes)) {
    if (v.secret) secrets.add(str(rec(v.secret).secretName));
    if (v.configMap) configMaps.add(str(rec(v.configMap).name));
    if (v.persistentVolumeClaim) claims.add(str(rec(v.persistentVolumeClaim).claimName));
    if (v.ephemeral) claims.add(`${pod.metadata.name ?? ""}-${str(v.name)}`);
    for (const source of list(rec(v.projected).sources)) {
      if (source.secret) secrets.add(str(rec(source.secret).name));
      if (source.configMap) configMaps.add(str(rec(source.configMap).name));
    }
    for (const key of ["azureFile", "cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos", "csi"]) {
      const ref = rec(rec(v[key]).secretRef ?? rec(v[key]).nodePublishSecretRef);
      if (str(ref.name)) secrets.add(str(ref.name));
      if (key === "azureFile" && str(rec(v[key]).secretName)) secrets.add(str(rec(v[key]).secretName));
    }
  }
  for (const c of [...list(spec.containers), ...list(spec.initContainers), ...list(spec.ephemeralContainers)]) {
    for (const from of list(c.envFrom)) {
      if (from.secretRef) secrets.add(str(rec(from.secretRef).name));
      if (from.configMapRef) configMaps.add(str(rec(from.configMapRef).name));
    }
    for (const env of list(c.env)) {
      const valueFrom = rec(env.valueFrom);
      if (valueFrom.secretKeyRef) secrets.add(str(rec(valueFrom.secretKeyRef).name));
      if (valueFrom.configMapKeyRef) configMaps.add(str(rec(valueFrom.configMapKeyRef).name));
    }
  }
  return { secrets, configMaps, claims, serviceAccount: str(spec.serviceAccountName) || "default" };
}

const noOpinion = (reason?: string): Decision => (reason ? { allowed: false, reason } : { allowed: false });
const ALLOW: Decision = { allowed: true };

/** Whether a raw field selector requires `field` to equal `value` (`f=v` or `f==v` among its terms). */
function selectsField(selector: string | undefined, field: string, value: string): boolean {
  return (selector ?? "").split(",").some((term) => {
    const m = /^\s*([^!=\s]+)\s*==?\s*(.*?)\s*$/.exec(term);
    return m !== null && m[1] === field && m[2] === value;
  });
}

type Kind = "secret" | "configmap" | "pvc" | "pod" | "serviceaccount";

export class NodeAuthorizer implements Authorizer, RuleResolver {
  constructor(private readonly pods: NodePodLookup) {}

  async authorize(attrs: AuthorizationAttributes): Promise<Decision> {
    const node = nodeIdentity(attrs.user);
    if (node === undefined) return noOpinion();
    if (node === "") return noOpinion(`unknown node for user ${JSON.stringify(attrs.user.username)}`);
    if (attrs.nonResourcePath === undefined) {
      const key = `${attrs.group}/${attrs.resource}`;
      switch (key) {
        case "/secrets":
          return this.readNamespaced(node, "secret", attrs);
        case "/configmaps":
          return this.readNamespaced(node, "configmap", attrs);
        case "/persistentvolumeclaims":
          if (attrs.subresource === "status") {
            if (attrs.verb !== "update" && attrs.verb !== "patch") return noOpinion("can only get, update, or patch the status of persistentvolumeclaims");
            return this.related(node, "pvc", attrs);
          }
          return this.get(node, "pvc", attrs);
        case "/serviceaccounts":
          return this.createToken(node, attrs);
        case "coordination.k8s.io/leases":
          return this.lease(node, attrs);
        case "storage.k8s.io/csinodes":
          return this.csiNode(node, attrs);
        case "/nodes":
          return this.nodeObject(node, attrs);
        case "/pods":
          return this.pod(node, attrs);
      }
    }
    return NODE_RULES.some((r) => ruleAllows(attrs, r)) ? ALLOW : noOpinion();
  }

  /** Nodes do not have fully enumerated permissions (upstream's answer for rule reviews). */
  rulesFor(user: UserInfo): SubjectRules {
    if (nodeIdentity(user) === undefined) return { resourceRules: [], nonResourceRules: [], incomplete: false };
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: "node authorizer does not support user rule resolution" };
  }

  private readNamespaced(node: string, kind: Kind, attrs: AuthorizationAttributes): Promise<Decision> | Decision {
    if (!["get", "list", "watch"].includes(attrs.verb)) return noOpinion("can only read resources of this type");
    if (attrs.subresource) return noOpinion("cannot read subresource");
    if (!attrs.namespace) return noOpinion("can only read namespaced object of this type");
    return this.related(node, kind, attrs);
  }

  private get(node: string, kind: Kind, attrs: AuthorizationAttributes): Promise<Decision> | Decision {
    if (attrs.verb !== "get") return noOpinion("can only get individual resources of this type");
    if (attrs.subresource) return noOpinion("cannot get subresource");
    return this.related(node, kind, attrs);
  }

  private createToken(node: string, attrs: AuthorizationAttributes): Promise<Decision> | Decision {
    if (attrs.verb !== "create" || !attrs.name) return noOpinion("can only create tokens for individual service accounts");
    if (attrs.subresource !== "token") return noOpinion("can only create token subresource of serviceaccount");
    return this.related(node, "serviceaccount", attrs);
  }

  private lease(node: string, attrs: AuthorizationAttributes): Decision {
    if (!["get", "create", "update", "patch", "delete"].includes(attrs.verb)) return noOpinion("can only get, create, update, patch, or delete a node lease");
    if (attrs.namespace !== "kube-node-lease") return noOpinion('can only access leases in the "kube-node-lease" system namespace');
    // The name of a lease being created is not known here (NodeRestriction admission checks it).
    if (attrs.verb !== "create" && attrs.name !== node) return noOpinion("can only access node lease with the same name as the requesting node");
    return ALLOW;
  }

  private csiNode(node: string, attrs: AuthorizationAttributes): Decision {
    if (!["get", "create", "update", "patch", "delete"].includes(attrs.verb)) return noOpinion("can only get, create, update, patch, or delete a CSINode");
    if (attrs.subresource) return noOpinion("cannot authorize CSINode subresources");
    if (attrs.verb !== "create" && attrs.name !== node) return noOpinion("can only access CSINode with the same name as the requesting node");
    return ALLOW;
  }

  /** AuthorizeNodeWithSelectors (on since 1.32): writes go to NodeRestriction, reads only of its own Node. */
  private nodeObject(node: string, attrs: AuthorizationAttributes): Decision {
    switch (attrs.verb) {
      case "create":
      case "update":
      case "patch":
        return ALLOW;
      case "get":
      case "list":
      case "watch":
        if (attrs.name === node) return ALLOW;
        if (!attrs.name) return noOpinion(`node '${node}' cannot read all nodes, only its own Node object`);
        return noOpinion(`node '${node}' cannot read '${attrs.name}', only its own Node object`);
    }
    return noOpinion();
  }

  private pod(node: string, attrs: AuthorizationAttributes): Promise<Decision> | Decision {
    switch (attrs.verb) {
      case "get":
        return this.related(node, "pod", attrs);
      case "list":
      case "watch":
        if (selectsField(attrs.fieldSelector, "spec.nodeName", node)) return ALLOW;
        if (attrs.name) return this.related(node, "pod", attrs);
        return noOpinion("can only list/watch pods with spec.nodeName field selector");
    }
    return NODE_RULES.some((r) => ruleAllows(attrs, r)) ? ALLOW : noOpinion();
  }

  /** hasPathFrom: whether the named object is related to the node through a pod bound to it. */
  private async related(node: string, kind: Kind, attrs: AuthorizationAttributes): Promise<Decision> {
    const name = attrs.name ?? "";
    if (!name) return noOpinion("No Object name found");
    const namespace = attrs.namespace ?? "";
    const unrelated = noOpinion(`no relationship found between node '${node}' and this object`);
    if (kind === "pod") {
      const pod = await this.pods.pod(namespace, name);
      return pod && str(rec(pod.spec).nodeName) === node ? ALLOW : unrelated;
    }
    for (const pod of await this.pods.podsOnNode(namespace, node)) {
      const refs = podReferences(pod);
      const uses =
        kind === "secret" ? refs.secrets.has(name) : kind === "configmap" ? refs.configMaps.has(name) : kind === "pvc" ? refs.claims.has(name) : refs.serviceAccount === name;
      if (uses) return ALLOW;
    }
    return unrelated;
  }
}
