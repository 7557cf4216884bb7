/**
 * networking.k8s.io/v1: ingressclasses, ingresses, ipaddresses, networkpolicies, servicecidrs.
 * Discovery facts are kube-apiserver 1.34's; printer columns and cells follow printers.go
 * (printIngress, printIngressClass, printNetworkPolicy, printIPAddress, printServiceCIDR).
 * The cluster's default ServiceCIDR ("kubernetes") is created elsewhere.
 */
import type { ResourceDescriptor } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { formatSelectorCell } from "./workload-printing.js";
import { ageOf, nameOf, rec, recs, str, strs } from "./object-fields.js";
import { ingressClassStrategy, ingressStrategy, ipAddressNameErrors, ipAddressStrategy, networkPolicyStrategy, serviceCidrStrategy } from "./networking-v1-lifecycle.js";

/** printers.go formatHosts: up to three hosts, "*" when no rule names one. */
function formatHosts(rules: unknown): string {
  const all = recs(rules);
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of all) {
    if (list.length === max) more = true;
    if (!more && str(rule.host)) list.push(str(rule.host));
  }
  if (list.length === 0) return "*";
  return more ? `${list.join(",")} + ${all.length - max} more...` : list.join(",");
}

/** ingressLoadBalancerStatusStringer (wide): sorted unique IPs or hostnames. */
function ingressAddress(o: StoredObject): string {
  const set = new Set<string>();
  for (const ing of recs(rec(rec(o.status).loadBalancer).ingress)) {
    if (str(ing.ip)) set.add(str(ing.ip));
    else if (str(ing.hostname)) set.add(str(ing.hostname));
  }
  return [...set].sort().join(",");
}

function ingressCells(o: StoredObject, now: Date): unknown[] {
  const spec = rec(o.spec);
  const className = typeof spec.ingressClassName === "string" ? spec.ingressClassName : "<none>";
  return [nameOf(o), className, formatHosts(spec.rules), ingressAddress(o), recs(spec.tls).length > 0 ? "80, 443" : "80", ageOf(o, now)];
}

function ingressClassCells(o: StoredObject, now: Date): unknown[] {
  const spec = rec(o.spec);
  let parameters = "<none>";
  if (spec.parameters !== undefined && spec.parameters !== null) {
    const p = rec(spec.parameters);
    parameters = `${str(p.kind)}${typeof p.apiGroup === "string" ? `.${p.apiGroup}` : ""}/${str(p.name)}`;
  }
  return [nameOf(o), str(spec.controller), parameters, ageOf(o, now)];
}

/** printers.go printIPAddress: `resource.group[/namespace]/name` of the parent. */
function ipAddressCells(o: StoredObject): unknown[] {
  const ref = rec(rec(o.spec).parentRef);
  if (rec(o.spec).parentRef === undefined || rec(o.spec).parentRef === null) return [nameOf(o), "<none>"];
  const gr = str(ref.group) ? `${str(ref.resource)}.${str(ref.group)}` : str(ref.resource);
  const ns = str(ref.namespace) ? `/${str(ref.namespace)}` : "";
  return [nameOf(o), `${gr.toLowerCase()}${ns}/${str(ref.name)}`];
}

const networking = (
  d: Omit<ResourceDescriptor, "group" | "version" | "verbs" | "categories" | "nameIsDnsLabel" | "fieldSelectors" | "shortNames" | "subresources"> &
    Partial<Pick<ResourceDescriptor, "shortNames" | "subresources">>,
): ResourceDescriptor => ({
  group: "networking.k8s.io",
  version: "v1",
  verbs: [...ALL_VERBS],
  categories: [],
  shortNames: [],
  subresources: [],
  nameIsDnsLabel: false,
  fieldSelectors: {},
  ...d,
});

export const NETWORKING_V1: ResourceDescriptor[] = [
  networking({
    kind: "IngressClass",
    plural: "ingressclasses",
    singular: "ingressclass",
    namespaced: false,
    hasSpec: false,
    topLevelFields: ["spec"],
    columns: [
      nameCol(),
      col("Controller", "Controller that is responsible for handling this class"),
      col("Parameters", "A reference to a resource with additional parameters"),
      ageCol(),
    ],
    cells: ingressClassCells,
    strategy: ingressClassStrategy,
  }),
  networking({
    kind: "Ingress",
    plural: "ingresses",
    singular: "ingress",
    namespaced: true,
    shortNames: ["ing"],
    subresources: ["status"],
    hasSpec: true,
    topLevelFields: ["spec", "status"],
    columns: [
      nameCol(),
      col("Class", "The name of the IngressClass resource that should be used for additional configuration"),
      col("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
      col("Address", "Address is a list containing ingress points for the load-balancer"),
      col("Ports", "Ports of TLS configurations that open"),
      ageCol(),
    ],
    cells: ingressCells,
    strategy: ingressStrategy,
  }),
  networking({
    kind: "IPAddress",
    plural: "ipaddresses",
    singular: "ipaddress",
    namespaced: false,
    shortNames: ["ip"],
    hasSpec: false,
    topLevelFields: ["spec"],
    // Upstream defines two columns (its printer also emits an age cell kubectl never shows).
    columns: [nameCol(), col("ParentRef", "ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object.")],
    cells: ipAddressCells,
    validateName: ipAddressNameErrors,
    strategy: ipAddressStrategy,
  }),
  networking({
    kind: "NetworkPolicy",
    plural: "networkpolicies",
    singular: "networkpolicy",
    namespaced: true,
    shortNames: ["netpol"],
    hasSpec: true,
    topLevelFields: ["spec"],
    columns: [
      nameCol(),
      col(
        "Pod-Selector",
        "Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.",
      ),
      ageCol(),
    ],
    cells: (o, now) => [nameOf(o), formatSelectorCell(rec(o.spec).podSelector ?? {}), ageOf(o, now)],
    strategy: networkPolicyStrategy,
  }),
  networking({
    kind: "ServiceCIDR",
    plural: "servicecidrs",
    singular: "servicecidr",
    namespaced: false,
    subresources: ["status"],
    hasSpec: false,
    topLevelFields: ["spec", "status"],
    columns: [
      nameCol(),
      col(
        "CIDRs",
        'CIDRs defines the IP blocks in CIDR notation (e.g. "192.168.0.0/24" or "2001:db8::/64") from which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable.',
      ),
      ageCol(),
    ],
    cells: (o, now) => [nameOf(o), strs(rec(o.spec).cidrs).join(","), ageOf(o, now)],
    strategy: serviceCidrStrategy,
  }),
];
