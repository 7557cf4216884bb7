/**
 * Strategies of networking.k8s.io/v1: NetworkPolicy defaults (policyTypes, TCP), status cleared
 * on create, and the checks of pkg/apis/networking/validation users hit most, with upstream's
 * field paths and messages.
 */
import { isIP } from "node:net";
import type { FieldCause, Strategy } from "./descriptor.js";
import type { StoredObject } from "./types.js";
import { forbidden, GoLiteral, immutable, invalid, notSupported, required, sameJson, tooLong, tooMany } from "./field-errors.js";
import { child, isSet, rec, recs, str, strs } from "./object-fields.js";
import { PROTOCOLS } from "./core-v1-more-lifecycle.js";
import { validateDnsSubdomain } from "./names.js";
import { labelSelectorFromObject, type LabelSelectorObject } from "../apiserver/selectors.js";

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const POLICY_TYPES = ["Egress", "Ingress"];
const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];
const CIDR_EXAMPLE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/** A label selector field that does not convert (bad operator, key or value). */
export function labelSelectorErrors(selector: unknown, field: string): FieldCause[] {
  if (!isSet(selector)) return [];
  try {
    labelSelectorFromObject(rec(selector) as LabelSelectorObject);
    return [];
  } catch (error) {
    return [invalid(field, new GoLiteral(JSON.stringify(selector)), (error as Error).message)];
  }
}

/** validation.IsValidPortName. */
export function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(name)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(name)) errs.push("must contain at least one letter (a-z)");
  if (name.startsWith("-") || name.endsWith("-")) errs.push("must not begin or end with a hyphen");
  if (name.includes("--")) errs.push("must not contain consecutive hyphens");
  return errs;
}

/** The canonical form of an IPv4 CIDR ("10.0.0.1/8" → "10.0.0.0/8"); undefined for IPv6 or invalid ones. */
function canonicalIpv4Cidr(cidr: string): string | undefined {
  const [ip = "", bits = ""] = cidr.split("/");
  if (isIP(ip) !== 4 || !/^\d+$/.test(bits)) return undefined;
  const n = ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join(".")}/${prefix}`;
}

/** validation.IsValidCIDR (and, where asked, the canonical-form rule of ServiceCIDR). */
export function cidrErrors(value: string, field: string, canonical = false): FieldCause[] {
  const [ip = "", bits, extra] = value.split("/");
  const family = isIP(ip);
  const max = family === 4 ? 32 : 128;
  if (family === 0 || bits === undefined || extra !== undefined || !/^\d+$/.test(bits) || Number(bits) > max) return [invalid(field, value, CIDR_EXAMPLE)];
  const expected = canonical ? canonicalIpv4Cidr(value) : undefined;
  if (expected !== undefined && expected !== value) return [invalid(field, value, `must be in canonical form (${JSON.stringify(expected)})`)];
  return [];
}

// --- NetworkPolicy -----------------------------------------------------------------------

/** SetDefaults_NetworkPolicySpec: Ingress always, Egress when egress rules exist; ports default to TCP. */
function defaultNetworkPolicy(o: StoredObject): void {
  const spec = child(o, "spec");
  if (strs(spec.policyTypes).length === 0) spec.policyTypes = recs(spec.egress).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  for (const direction of ["ingress", "egress"]) for (const rule of recs(spec[direction])) for (const p of recs(rule.ports)) p.protocol ??= "TCP";
}

function validatePeers(peers: unknown, at: string): FieldCause[] {
  const causes: FieldCause[] = [];
  recs(peers).forEach((peer, i) => {
    const p = `${at}[${i}]`;
    const selectors = ["podSelector", "namespaceSelector"].filter((k) => isSet(peer[k]));
    if (isSet(peer.ipBlock)) {
      if (selectors.length > 0) causes.push(forbidden(p, "may not specify both ipBlock and another peer"));
      const block = rec(peer.ipBlock);
      const cidr = str(block.cidr);
      if (!cidr) causes.push(required(`${p}.ipBlock.cidr`));
      else causes.push(...cidrErrors(cidr, `${p}.ipBlock.cidr`));
      strs(block.except).forEach((e, j) => causes.push(...cidrErrors(e, `${p}.ipBlock.except[${j}]`)));
    } else if (selectors.length === 0) {
      causes.push(required(p, "must specify a peer"));
    }
    for (const k of selectors) causes.push(...labelSelectorErrors(peer[k], `${p}.${k}`));
  });
  return causes;
}

function validatePolicyPorts(ports: unknown, at: string): FieldCause[] {
  const causes: FieldCause[] = [];
  recs(ports).forEach((port, i) => {
    const p = `${at}[${i}]`;
    if (isSet(port.protocol) && !PROTOCOLS.includes(str(port.protocol))) causes.push(notSupported(`${p}.protocol`, str(port.protocol), PROTOCOLS));
    if (typeof port.port === "number") {
      if (port.port < 1 || port.port > 65535) causes.push(invalid(`${p}.port`, port.port, "must be between 1 and 65535, inclusive"));
      if (isSet(port.endPort) && typeof port.endPort === "number" && port.endPort < port.port) {
        causes.push(invalid(`${p}.endPort`, port.endPort, "must be greater than or equal to `port`"));
      }
    } else if (typeof port.port === "string") {
      causes.push(...portNameErrors(port.port).map((msg) => invalid(`${p}.port`, port.port, msg)));
      if (isSet(port.endPort)) causes.push(invalid(`${p}.endPort`, port.endPort, "may not be specified when `port` is non-numeric"));
    } else if (isSet(port.endPort)) {
      causes.push(required(`${p}.endPort`, "may not be specified when `port` is not specified"));
    }
  });
  return causes;
}

export const networkPolicyStrategy: Strategy = {
  prepareForCreate: defaultNetworkPolicy,
  prepareForUpdate: (o) => defaultNetworkPolicy(o),
  validate(o) {
    const spec = rec(o.spec);
    const causes = labelSelectorErrors(spec.podSelector ?? {}, "spec.podSelector");
    recs(spec.ingress).forEach((rule, i) => {
      causes.push(...validatePolicyPorts(rule.ports, `spec.ingress[${i}].ports`), ...validatePeers(rule.from, `spec.ingress[${i}].from`));
    });
    recs(spec.egress).forEach((rule, i) => {
      causes.push(...validatePolicyPorts(rule.ports, `spec.egress[${i}].ports`), ...validatePeers(rule.to, `spec.egress[${i}].to`));
    });
    const types = strs(spec.policyTypes);
    types.forEach((t, i) => {
      if (!POLICY_TYPES.includes(t)) causes.push(notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
    });
    if (types.length > 2) causes.push(tooMany("spec.policyTypes", types.length, 2));
    return causes;
  },
};

// --- Ingress -----------------------------------------------------------------------------

function hostErrors(host: string, field: string): FieldCause[] {
  if (isIP(host)) return [invalid(field, host, "must be a DNS name, not an IP address")];
  if (host.includes("*")) {
    const rest = host.startsWith("*.") ? host.slice(2) : "";
    if (!rest || rest.includes("*") || validateDnsSubdomain(rest, field).length > 0) {
      return [
        invalid(
          field,
          host,
          "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
      ];
    }
    return [];
  }
  return validateDnsSubdomain(host, field);
}

function validateBackend(backend: unknown, at: string): FieldCause[] {
  const b = rec(backend);
  const hasService = isSet(b.service);
  const hasResource = isSet(b.resource);
  if (hasService && hasResource) return [invalid(at, "", "cannot set both resource and service backends")];
  if (hasResource) {
    const r = rec(b.resource);
    const causes: FieldCause[] = [];
    if (!str(r.kind)) causes.push(required(`${at}.resource.kind`));
    if (!str(r.name)) causes.push(required(`${at}.resource.name`));
    return causes;
  }
  if (!hasService) return [invalid(at, "", "resource or service backend is required")];
  const service = rec(b.service);
  const causes: FieldCause[] = [];
  const name = str(service.name);
  if (!name) causes.push(required(`${at}.service.name`));
  else if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    causes.push(
      invalid(
        `${at}.service.name`,
        name,
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ),
    );
  }
  const port = rec(service.port);
  const portName = str(port.name);
  const portNumber = typeof port.number === "number" ? port.number : 0;
  if (portName && portNumber) causes.push(invalid(at, "", "cannot set both port name & port number"));
  else if (portName) causes.push(...portNameErrors(portName).map((msg) => invalid(`${at}.service.port.name`, portName, msg)));
  else if (portNumber) {
    if (portNumber < 1 || portNumber > 65535) causes.push(invalid(`${at}.service.port.number`, portNumber, "must be between 1 and 65535, inclusive"));
  } else causes.push(required(at, "port name or number is required"));
  return causes;
}

function validatePath(path: Record<string, unknown>, at: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const value = str(path.path);
  if (!isSet(path.pathType)) return [required(`${at}.pathType`, "pathType must be specified")];
  const type = str(path.pathType);
  if (type === "Exact" || type === "Prefix") {
    if (!value.startsWith("/")) causes.push(invalid(`${at}.path`, value, "must be an absolute path"));
    if (value) {
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) causes.push(invalid(`${at}.path`, value, `must not contain '${seq}'`));
      for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) causes.push(invalid(`${at}.path`, value, `cannot end with '${suffix}'`));
    }
  } else if (type === "ImplementationSpecific") {
    if (value && !value.startsWith("/")) causes.push(invalid(`${at}.path`, value, "must be an absolute path"));
  } else {
    causes.push(notSupported(`${at}.pathType`, type, PATH_TYPES));
  }
  causes.push(...validateBackend(path.backend, `${at}.backend`));
  return causes;
}

export function validateIngress(o: StoredObject): FieldCause[] {
  const spec = rec(o.spec);
  const causes: FieldCause[] = [];
  const rules = recs(spec.rules);
  if (!isSet(spec.defaultBackend) && rules.length === 0) {
    causes.push(invalid("spec", new GoLiteral("[]networking.IngressRule(nil)"), "either `defaultBackend` or `rules` must be specified"));
  }
  if (isSet(spec.defaultBackend)) causes.push(...validateBackend(spec.defaultBackend, "spec.defaultBackend"));
  rules.forEach((rule, i) => {
    const host = str(rule.host);
    if (host) causes.push(...hostErrors(host, `spec.rules[${i}].host`));
    if (isSet(rule.http)) {
      const paths = recs(rec(rule.http).paths);
      if (paths.length === 0) causes.push(required(`spec.rules[${i}].http.paths`));
      paths.forEach((p, j) => causes.push(...validatePath(p, `spec.rules[${i}].http.paths[${j}]`)));
    }
  });
  recs(spec.tls).forEach((tls, i) => strs(tls.hosts).forEach((h, j) => causes.push(...hostErrors(h, `spec.tls[${i}].hosts[${j}]`))));
  if (isSet(spec.ingressClassName)) causes.push(...validateDnsSubdomain(str(spec.ingressClassName), "spec.ingressClassName"));
  return causes;
}

export const ingressStrategy: Strategy = {
  prepareForCreate(o) {
    o.status = { loadBalancer: {} };
  },
  validate: validateIngress,
};

// --- IngressClass ------------------------------------------------------------------------

export const ingressClassStrategy: Strategy = {
  validate(o) {
    const spec = rec(o.spec);
    const controller = str(spec.controller);
    const causes: FieldCause[] = [];
    if (!controller) causes.push(required("spec.controller"));
    else {
      if (controller.length > 250) causes.push(tooLong("spec.controller", 250));
      const slash = controller.indexOf("/");
      if (slash < 0) causes.push(invalid("spec.controller", controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
      else {
        causes.push(...validateDnsSubdomain(controller.slice(0, slash), "spec.controller"));
        if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(controller.slice(slash + 1))) causes.push(invalid("spec.controller", controller, "Invalid path"));
      }
    }
    if (isSet(spec.parameters)) {
      const p = rec(spec.parameters);
      if (!str(p.kind)) causes.push(required("spec.parameters.kind"));
      if (!str(p.name)) causes.push(required("spec.parameters.name"));
      const scope = isSet(p.scope) ? str(p.scope) : "Cluster";
      if (!["Cluster", "Namespace"].includes(scope)) causes.push(notSupported("spec.parameters.scope", scope, ["Cluster", "Namespace"]));
      if (scope === "Namespace" && !str(p.namespace)) causes.push(required("spec.parameters.namespace", "`parameters.scope` is set to 'Namespace'"));
      if (scope === "Cluster" && str(p.namespace)) causes.push(forbidden("spec.parameters.namespace", "`parameters.scope` is set to 'Cluster'"));
    }
    return causes;
  },
  validateUpdate: (o, old) => (str(rec(o.spec).controller) === str(rec(old.spec).controller) ? [] : [immutable("spec.controller", str(rec(o.spec).controller))]),
};

// --- IPAddress / ServiceCIDR -------------------------------------------------------------

/** ValidateIPAddressName: the name is the address itself (so IPv6 names hold ':'), in canonical form. */
export function ipAddressNameErrors(name: string, field: string): FieldCause[] {
  if (!isIP(name)) return [invalid(field, name, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")];
  const canonical = isIP(name) === 4 ? name.split(".").map((p) => String(Number(p))).join(".") : new URL(`http://[${name}]/`).hostname.slice(1, -1);
  return canonical === name ? [] : [invalid(field, name, `must be in canonical form (${JSON.stringify(canonical)})`)];
}

export const ipAddressStrategy: Strategy = {
  validate(o) {
    const causes: FieldCause[] = [];
    const ref = rec(rec(o.spec).parentRef);
    if (!isSet(rec(o.spec).parentRef)) causes.push(required("spec.parentRef"));
    else {
      if (!str(ref.resource)) causes.push(required("spec.parentRef.resource"));
      if (!str(ref.name)) causes.push(required("spec.parentRef.name"));
    }
    return causes;
  },
  validateUpdate: (o, old) => (sameJson(o.spec, old.spec) ? [] : [immutable("spec", new GoLiteral(JSON.stringify(o.spec ?? {})))]),
};

export const serviceCidrStrategy: Strategy = {
  prepareForCreate(o) {
    o.status = {};
  },
  validate(o) {
    const cidrs = strs(rec(o.spec).cidrs);
    const causes: FieldCause[] = [];
    if (cidrs.length === 0) causes.push(required("spec.cidrs"));
    if (cidrs.length > 2) causes.push(tooMany("spec.cidrs", cidrs.length, 2));
    cidrs.forEach((c, i) => causes.push(...cidrErrors(c, `spec.cidrs[${i}]`, true)));
    if (cidrs.length === 2 && isIP(cidrs[0]?.split("/")[0] ?? "") === isIP(cidrs[1]?.split("/")[0] ?? "")) {
      causes.push(invalid("spec.cidrs", new GoLiteral(`[]string{${cidrs.map((c) => JSON.stringify(c)).join(", ")}}`), "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64"));
    }
    return causes;
  },
  validateUpdate(o, old) {
    const now = strs(rec(o.spec).cidrs);
    const before = strs(rec(old.spec).cidrs);
    // A single-family ServiceCIDR may gain its second family; nothing else changes.
    const grown = before.length === 1 && now.length === 2 && now[0] === before[0];
    return sameJson(now, before) || grown ? [] : [immutable("spec.cidrs", new GoLiteral(`[]string{${now.map((c) => JSON.stringify(c)).join(", ")}}`))];
  },
};
