/**
 * discovery.k8s.io/v1 EndpointSlice (pkg/apis/discovery/validation; v1 defaults; printers.go
 * printEndpointSlice). Slices of a Service carry the label kubernetes.io/service-name, so
 * `-l kubernetes.io/service-name=<svc>` finds them (upstream has no extra field selectors).
 */
import { isIP } from "node:net";
import type { FieldCause, ResourceDescriptor, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { ageCol, ALL_VERBS, col, nameCol } from "./core-v1.js";
import { duplicate, immutable, invalid, notSupported, required, tooMany } from "./field-errors.js";
import { PROTOCOLS } from "./core-v1-more-lifecycle.js";
import { ageOf, isSet, nameOf, recs, str, strs } from "./object-fields.js";
import { validateDnsLabel, validateDnsSubdomain } from "./names.js";
import { qualifiedNameErrors } from "../apiserver/selectors.js";

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

/** ValidateNonSpecialIP. */
function specialIpErrors(ip: string, field: string): FieldCause[] {
  const v4 = isIP(ip) === 4;
  if (ip === "0.0.0.0" || ip === "::") return [invalid(field, ip, "may not be unspecified (0.0.0.0, ::)")];
  if ((v4 && ip.startsWith("127.")) || ip === "::1") return [invalid(field, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)")];
  if ((v4 && ip.startsWith("169.254.")) || /^fe[89ab]/i.test(ip)) return [invalid(field, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")];
  if ((v4 && ip.startsWith("224.0.0.")) || /^ff02:/i.test(ip)) return [invalid(field, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")];
  return [];
}

function addressErrors(address: string, type: string, field: string): FieldCause[] {
  switch (type) {
    case "IPv4":
      return isIP(address) === 4 ? specialIpErrors(address, field) : [invalid(field, address, "must be a valid IPv4 address")];
    case "IPv6":
      return isIP(address) === 6 ? specialIpErrors(address, field) : [invalid(field, address, "must be a valid IPv6 address")];
    case "FQDN":
      if (!address.includes(".")) return [invalid(field, address, "should be a domain with at least two segments separated by dots")];
      return validateDnsSubdomain(address, field);
    default:
      return [];
  }
}

export function validateEndpointSlice(o: StoredObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const type = str(o.addressType);
  if (!type) causes.push(required("addressType"));
  else if (!ADDRESS_TYPES.includes(type)) causes.push(notSupported("addressType", type, ADDRESS_TYPES));
  const endpoints = recs(o.endpoints);
  if (endpoints.length > MAX_ENDPOINTS) causes.push(tooMany("endpoints", endpoints.length, MAX_ENDPOINTS));
  else {
    endpoints.forEach((e, i) => {
      const at = `endpoints[${i}].addresses`;
      const addresses = strs(e.addresses);
      if (addresses.length === 0) causes.push(required(at, "must contain at least 1 address"));
      else if (addresses.length > MAX_ADDRESSES) causes.push(tooMany(at, addresses.length, MAX_ADDRESSES));
      addresses.forEach((a, j) => causes.push(...addressErrors(a, type, `${at}[${j}]`)));
      if (isSet(e.nodeName)) causes.push(...validateDnsSubdomain(str(e.nodeName), `endpoints[${i}].nodeName`));
    });
  }
  const ports = recs(o.ports);
  if (ports.length > MAX_PORTS) causes.push(tooMany("ports", ports.length, MAX_PORTS));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const name = str(p.name);
    if (name) causes.push(...validateDnsLabel(name, `ports[${i}].name`));
    if (names.has(name)) causes.push(duplicate(`ports[${i}].name`, name));
    names.add(name);
    if (!isSet(p.protocol)) causes.push(required(`ports[${i}].protocol`));
    else if (!PROTOCOLS.includes(str(p.protocol))) causes.push(notSupported(`ports[${i}].protocol`, str(p.protocol), PROTOCOLS));
    if (isSet(p.appProtocol)) causes.push(...qualifiedNameErrors(str(p.appProtocol)).map((msg) => invalid(`ports[${i}].appProtocol`, str(p.appProtocol), msg)));
  });
  return causes;
}

/** SetDefaults_EndpointPort: an unnamed TCP port. */
function defaultPorts(o: StoredObject): void {
  for (const p of recs(o.ports)) {
    p.name ??= "";
    p.protocol ??= "TCP";
  }
}

const endpointSliceStrategy: Strategy = {
  prepareForCreate: defaultPorts,
  prepareForUpdate: (o) => defaultPorts(o),
  validate: validateEndpointSlice,
  validateUpdate: (o, old) => (str(o.addressType) === str(old.addressType) ? [] : [immutable("addressType", str(o.addressType))]),
};

/** printers.go formatDiscoveryPorts / formatDiscoveryEndpoints: three items, then "+ N more...", "<unset>" when none. */
function listWithMore(items: string[]): string {
  const max = 3;
  if (items.length === 0) return "<unset>";
  return items.length > max ? `${items.slice(0, max).join(",")} + ${items.length - max} more...` : items.join(",");
}

export const DISCOVERY_V1: ResourceDescriptor[] = [
  {
    group: "discovery.k8s.io",
    version: "v1",
    kind: "EndpointSlice",
    plural: "endpointslices",
    singular: "endpointslice",
    namespaced: true,
    verbs: [...ALL_VERBS],
    shortNames: [],
    categories: [],
    subresources: [],
    hasSpec: false,
    topLevelFields: ["addressType", "endpoints", "ports"],
    nameIsDnsLabel: false,
    columns: [
      nameCol(),
      col("AddressType", "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name. (Deprecated) The EndpointSlice controller only generates, and kube-proxy only processes, slices of addressType \"IPv4\" and \"IPv6\". No semantics are defined for the \"FQDN\" type."),
      col("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. Each slice may include a maximum of 100 ports. Services always have at least 1 port, so EndpointSlices generated by the EndpointSlice controller will likewise always have at least 1 port. EndpointSlices used for other purposes may have an empty ports list."),
      col("Endpoints", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."),
      ageCol(),
    ],
    cells: (o, now) => [
      nameOf(o),
      str(o.addressType),
      listWithMore(recs(o.ports).map((p) => (typeof p.port === "number" ? String(p.port) : typeof p.name === "string" ? p.name : "*"))),
      listWithMore(recs(o.endpoints).flatMap((e) => strs(e.addresses))),
      ageOf(o, now),
    ],
    fieldSelectors: {},
    strategy: endpointSliceStrategy,
  },
];
