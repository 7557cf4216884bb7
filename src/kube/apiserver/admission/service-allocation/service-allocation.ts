import type { Clock } from "../../../../shared/clock.js";
import { goQuote } from "../../../../shared/go-format.js";
import type { FieldCause } from "../../../api/descriptor.js";
import type { StoredObject } from "../../../api/types.js";
import type { ApiHandler } from "../../api-handler.js";
import { errors, StatusError } from "../../status.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.js";
import { AllocationState, holdingsOf } from "./allocation-state.js";
import { IpAddressMirror } from "./ip-address-mirror.js";
import {
  formatIpv4,
  inIpRange,
  inPortRange,
  looksLikeIpv6,
  NODE_PORT_RANGE,
  parseIpv4,
  pickFree,
  portRangeText,
  serviceIpRange,
  type ServiceIpRange,
} from "./ranges.js";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]).filter((x) => x !== null && typeof x === "object") : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : "")) : []);

const SERVICE = { resource: "services", group: "", kind: "Service" };
/** Go's %#v of a []string, as field errors print spec.clusterIPs. */
const goStrings = (values: string[]): string => `[]string{${values.map(goQuote).join(", ")}}`;

const needsClusterIP = (spec: Json): boolean => spec.type !== "ExternalName";
const needsNodePorts = (spec: Json): boolean => spec.type === "NodePort" || spec.type === "LoadBalancer";
const needsHealthCheck = (spec: Json): boolean => spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
const isHeadless = (spec: Json): boolean => spec.clusterIP === "None" || strings(spec.clusterIPs)[0] === "None";
const hasSelector = (spec: Json): boolean => Object.keys(rec(spec.selector)).length > 0;

/**
 * ClusterIP and NodePort allocation as kube-apiserver's service REST storage does it (alloc.go
 * with the IPAddress-based MetaAllocator of 1.33+): ClusterIPs from the cluster's service CIDR,
 * dynamic ones from the upper band first; static ones honoured or refused; node ports from
 * 30000-32767; IP family fields filled; allocations kept across updates and freed on delete or
 * type change. Runs as an admission plugin: the mutating phase assigns, the validating phase
 * (just before the write) re-checks and reserves.
 */
export class ServiceAllocator {
  private readonly state: AllocationState;
  private readonly range: ServiceIpRange;

  constructor(
    handler: ApiHandler,
    serviceCidr: string,
    clock: Clock,
    private readonly random: () => number = Math.random,
  ) {
    this.range = serviceIpRange(serviceCidr);
    const mirror = new IpAddressMirror(() => handler.store("networking.k8s.io", "v1", "ipaddresses"), () => undefined);
    this.state = new AllocationState(() => handler.store("", "v1", "services"), clock, mirror);
  }

  plugin(): AdmissionPlugin {
    return {
      name: "ServiceIPAllocation",
      admit: (attrs) => this.admit(attrs),
      validate: (attrs) => this.validate(attrs),
    };
  }

  close(): void {
    this.state.close();
  }

  private applies(attrs: AdmissionAttributes): boolean {
    const d = attrs.descriptor;
    return d.group === "" && d.plural === "services" && !attrs.subresource && attrs.operation !== "DELETE" && attrs.object !== undefined;
  }

  private async admit(attrs: AdmissionAttributes): Promise<void> {
    if (!this.applies(attrs)) return;
    const svc = attrs.object as StoredObject;
    await this.state.sync();
    const key = `${attrs.namespace ?? ""}/${svc.metadata.name ?? ""}`;
    const name = svc.metadata.name ?? "";
    const spec = rec(svc.spec);
    svc.spec = spec;
    spec.type ??= "ClusterIP";
    defaultTrafficFields(spec);
    const old = attrs.oldObject ? rec(attrs.oldObject.spec) : undefined;
    if (old) {
      dropTypeDependentFields(spec, old);
      patchAllocatedValues(spec, old);
      const changed = changedClusterIPs(spec, old);
      if (changed) throw errors.invalid(SERVICE, name, [changed]);
    }
    const forbidden = list(spec.ports).findIndex((p) => spec.type === "ClusterIP" && typeof p.nodePort === "number" && p.nodePort !== 0);
    if (forbidden >= 0) {
      throw errors.invalid(SERVICE, name, [{ field: `spec.ports[${forbidden}].nodePort`, reason: "FieldValueForbidden", message: "Forbidden: may not be used when `type` is 'ClusterIP'" }]);
    }
    if (needsClusterIP(spec)) {
      this.initIpFamilies(spec, name, old);
      if (!old || !needsClusterIP(old) || strings(old.clusterIPs).length === 0) this.allocateClusterIPs(spec, name, key, attrs.dryRun);
    }
    if (needsNodePorts(spec) || list(spec.ports).some((p) => typeof p.nodePort === "number" && p.nodePort > 0)) {
      this.allocateNodePorts(spec, name, key, old, attrs.dryRun);
    }
    if (needsHealthCheck(spec)) this.allocateHealthCheckPort(spec, key, old, attrs.dryRun);
  }

  /** Just before the write: what the Service will hold must still be free; then it is reserved until the write shows up. */
  private async validate(attrs: AdmissionAttributes): Promise<void> {
    if (!this.applies(attrs) || attrs.dryRun) return;
    const svc = attrs.object as StoredObject;
    await this.state.sync();
    const key = `${attrs.namespace ?? ""}/${svc.metadata.name ?? ""}`;
    const holdings = holdingsOf(svc);
    const taken = holdings.ips.find((ip) => !this.state.ipFree(ip, key));
    if (taken) throw ipAllocationError(svc, taken, "provided IP is already allocated");
    const spec = rec(svc.spec);
    const ports = list(spec.ports);
    const takenPort = holdings.ports.find((p) => !this.state.portFree(p, key));
    if (takenPort !== undefined) {
      const index = ports.findIndex((p) => p.nodePort === takenPort);
      if (index < 0) throw errors.internal(`failed to allocate requested HealthCheck NodePort ${takenPort}: provided port is already allocated`);
      throw errors.invalid(SERVICE, svc.metadata.name ?? "", [portCause(index, takenPort, "provided port is already allocated")]);
    }
    this.state.reserve(key, holdings);
  }

  /** initIPFamilyFields for a single-stack IPv4 cluster. */
  private initIpFamilies(spec: Json, name: string, old: Json | undefined): void {
    let clusterIPs = strings(spec.clusterIPs);
    const clusterIP = typeof spec.clusterIP === "string" ? spec.clusterIP : "";
    if (clusterIPs.length === 0 && clusterIP) clusterIPs = [clusterIP];
    if (clusterIPs.length > 0) spec.clusterIPs = clusterIPs;
    if (!clusterIP && clusterIPs[0]) spec.clusterIP = clusterIPs[0];
    const headless = isHeadless(spec);
    const selectorless = !hasSelector(spec);
    spec.ipFamilyPolicy ??= old?.ipFamilyPolicy ?? (headless && selectorless ? "RequireDualStack" : "SingleStack");
    const policy = String(spec.ipFamilyPolicy);
    const causes: FieldCause[] = [];
    clusterIPs.forEach((ip, i) => {
      if (ip === "None" && i === 0) return;
      if (ip === "" && i === 0) return;
      if (looksLikeIpv6(ip)) causes.push(invalidCause(`spec.clusterIPs[${i}]`, goStrings(clusterIPs), "IPv6 is not configured on this cluster"));
      else if (parseIpv4(ip) === undefined) causes.push(invalidCause(`spec.clusterIPs[${i}]`, goQuote(ip), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    });
    const families = strings(spec.ipFamilies);
    if (policy === "SingleStack" && families.length === 2) {
      causes.push(invalidCause("spec.ipFamilyPolicy", goQuote(policy), "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
    if (!["SingleStack", "PreferDualStack", "RequireDualStack"].includes(policy)) {
      causes.push({ field: "spec.ipFamilyPolicy", reason: "FieldValueNotSupported", message: `Unsupported value: ${goQuote(policy)}: supported values: "PreferDualStack", "RequireDualStack", "SingleStack"` });
    }
    if (causes.length > 0) throw errors.invalid(SERVICE, name, causes);
    // Headless without a selector may name both families even on a single-stack cluster.
    if (headless && selectorless) {
      if (families.length === 0) families.push("IPv4");
      if (families.length < 2 && policy !== "SingleStack") families.push(families[0] === "IPv4" ? "IPv6" : "IPv4");
      spec.ipFamilies = families;
      return;
    }
    if (policy === "RequireDualStack") causes.push(invalidCause("spec.ipFamilyPolicy", goQuote(policy), "this cluster is not configured for dual-stack services"));
    families.forEach((family, i) => {
      if (family !== "IPv4") causes.push(invalidCause(`spec.ipFamilies[${i}]`, goQuote(family), "not configured on this cluster"));
    });
    if (causes.length > 0) throw errors.invalid(SERVICE, name, causes);
    spec.ipFamilies = ["IPv4"];
  }

  private allocateClusterIPs(spec: Json, name: string, key: string, dryRun: boolean): void {
    if (isHeadless(spec)) {
      spec.clusterIP = "None";
      spec.clusterIPs = ["None"];
      return;
    }
    const requested = strings(spec.clusterIPs)[0] ?? "";
    if (!requested) {
      // A dry run answers the network address rather than racing for a real one, as upstream does.
      const ip = dryRun ? formatIpv4(this.range.first - 1) : this.nextIp(key);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      return;
    }
    const address = parseIpv4(requested) ?? -1;
    if (dryRun) {
      if (!inIpRange(this.range, address)) {
        throw ipAllocationError({ metadata: { name }, spec }, requested, `the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.range.cidr}`);
      }
      return;
    }
    // The MetaAllocator finds no ServiceCIDR for an address outside the range (or its network/broadcast address).
    if (!inIpRange(this.range, address)) throw ipAllocationError({ metadata: { name }, spec }, requested, "the provided network does not match the current range");
    if (!this.state.ipFree(requested, key)) throw ipAllocationError({ metadata: { name }, spec }, requested, "provided IP is already allocated");
  }

  private nextIp(key: string): string {
    const { first, last, staticBand } = this.range;
    const picked = pickFree(first, last, staticBand, (n) => this.state.ipFree(formatIpv4(n), key), this.random);
    if (picked === undefined) throw errors.internal("failed to allocate a serviceIP: range is full");
    return formatIpv4(picked);
  }

  /** initNodePorts: requested ports are honoured or refused; missing ones allocated (one per distinct service port). */
  private allocateNodePorts(spec: Json, name: string, key: string, old: Json | undefined, dryRun: boolean): void {
    const ports = list(spec.ports);
    const allocate = needsNodePorts(spec) && !(spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts === false);
    const previouslyHeld = new Set(old ? holdingsOf({ metadata: {}, spec: old }).ports : []);
    const byServicePort = new Map<number, number>();
    const usedHere = new Set<number>();
    const free = (port: number) => !usedHere.has(port) && (previouslyHeld.has(port) || this.state.portFree(port, key));
    ports.forEach((port, i) => {
      const requested = typeof port.nodePort === "number" ? port.nodePort : 0;
      if (requested === 0) {
        if (!allocate) return;
        const shared = byServicePort.get(Number(port.port));
        if (shared !== undefined) {
          port.nodePort = shared;
          return;
        }
        const picked = dryRun ? 0 : this.nextPort(free);
        if (picked) {
          port.nodePort = picked;
          usedHere.add(picked);
          byServicePort.set(Number(port.port), picked);
        }
        return;
      }
      if (byServicePort.get(Number(port.port)) === requested) return;
      if (!inPortRange(NODE_PORT_RANGE, requested)) {
        throw errors.invalid(SERVICE, name, [portCause(i, requested, `provided port is not in the valid range. The range of valid ports is ${portRangeText(NODE_PORT_RANGE)}`)]);
      }
      if (!dryRun && !free(requested)) throw errors.invalid(SERVICE, name, [portCause(i, requested, "provided port is already allocated")]);
      usedHere.add(requested);
      byServicePort.set(Number(port.port), requested);
    });
  }

  private allocateHealthCheckPort(spec: Json, key: string, old: Json | undefined, dryRun: boolean): void {
    const requested = typeof spec.healthCheckNodePort === "number" ? spec.healthCheckNodePort : 0;
    const inUse = new Set(list(spec.ports).map((p) => Number(p.nodePort)));
    const previouslyHeld = old?.healthCheckNodePort === requested && requested > 0;
    if (requested > 0) {
      if (previouslyHeld || dryRun) return;
      const problem = !inPortRange(NODE_PORT_RANGE, requested)
        ? `provided port is not in the valid range. The range of valid ports is ${portRangeText(NODE_PORT_RANGE)}`
        : inUse.has(requested) || !this.state.portFree(requested, key)
          ? "provided port is already allocated"
          : undefined;
      if (problem) throw errors.internal(`failed to allocate requested HealthCheck NodePort ${requested}: ${problem}`);
      return;
    }
    if (dryRun) return;
    spec.healthCheckNodePort = this.nextPort((p) => !inUse.has(p) && this.state.portFree(p, key));
  }

  private nextPort(free: (port: number) => boolean): number {
    const { base, size, staticBand } = NODE_PORT_RANGE;
    const picked = pickFree(base, base + size - 1, staticBand, free, this.random);
    if (picked === undefined) throw errors.internal("failed to allocate a nodePort: range is full");
    return picked;
  }
}

/** SetDefaults_Service's traffic fields, which depend on the type. */
function defaultTrafficFields(spec: Json): void {
  if (spec.type !== "ExternalName") spec.internalTrafficPolicy ??= "Cluster";
  if (needsNodePorts(spec)) spec.externalTrafficPolicy ??= "Cluster";
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
}

/** Fields the old type needed and the new one does not go away, unless the client changed them (dropTypeDependentFields). */
function dropTypeDependentFields(spec: Json, old: Json): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (spec.clusterIP === undefined || spec.clusterIP === old.clusterIP) delete spec.clusterIP;
    if (spec.clusterIPs === undefined || JSON.stringify(spec.clusterIPs) === JSON.stringify(old.clusterIPs)) delete spec.clusterIPs;
    if (spec.ipFamilies === undefined || JSON.stringify(spec.ipFamilies) === JSON.stringify(old.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === old.ipFamilyPolicy) delete spec.ipFamilyPolicy;
    delete spec.internalTrafficPolicy;
  }
  if (needsNodePorts(old) && !needsNodePorts(spec)) {
    const oldPorts = new Map(list(old.ports).map((p) => [String(p.name ?? ""), p.nodePort]));
    for (const port of list(spec.ports)) if (port.nodePort === oldPorts.get(String(port.name ?? ""))) delete port.nodePort;
    delete spec.externalTrafficPolicy;
  }
  if (needsHealthCheck(old) && !needsHealthCheck(spec) && spec.healthCheckNodePort === old.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (old.type === "LoadBalancer" && spec.type !== "LoadBalancer" && spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) {
    delete spec.allocateLoadBalancerNodePorts;
  }
}

/** An update that leaves allocated values out keeps them (patchAllocatedValues). */
function patchAllocatedValues(spec: Json, old: Json): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (strings(spec.clusterIPs).length === 0 && Array.isArray(old.clusterIPs)) {
      spec.clusterIPs = spec.clusterIP === old.clusterIP ? [...strings(old.clusterIPs)] : [spec.clusterIP];
    }
    if (spec.ipFamilies === undefined && Array.isArray(old.ipFamilies)) spec.ipFamilies = [...strings(old.ipFamilies)];
  }
  if (needsNodePorts(old) && needsNodePorts(spec)) {
    const used = (s: Json) => new Set(list(s.ports).map((p) => Number(p.nodePort ?? 0)).filter((p) => p > 0));
    const newUsed = used(spec);
    const oldByName = new Map(list(old.ports).map((p) => [String(p.name ?? ""), Number(p.nodePort ?? 0)]));
    for (const port of list(spec.ports)) {
      if (port.nodePort !== undefined && port.nodePort !== 0) continue;
      const oldValue = oldByName.get(String(port.name ?? "")) ?? 0;
      if (oldValue > 0 && !newUsed.has(oldValue)) port.nodePort = oldValue;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(spec) && !spec.healthCheckNodePort) spec.healthCheckNodePort = old.healthCheckNodePort;
}

/** ClusterIPs cannot change once set, except to or from ExternalName (validateUpgradeDowngradeClusterIPs). */
function changedClusterIPs(spec: Json, old: Json): FieldCause | undefined {
  if (!needsClusterIP(old) || !needsClusterIP(spec)) return undefined;
  const before = strings(old.clusterIPs);
  const after = strings(spec.clusterIPs).length > 0 ? strings(spec.clusterIPs) : spec.clusterIP ? [String(spec.clusterIP)] : [];
  for (let i = 0; i < before.length; i++) {
    if (after.length > i && after[i] !== before[i]) return invalidCause(`spec.clusterIPs[${i}]`, goStrings(after), "may not change once set");
  }
  return undefined;
}

const invalidCause = (field: string, value: string, detail: string): FieldCause => ({ field, reason: "FieldValueInvalid", message: `Invalid value: ${value}: ${detail}` });

const portCause = (index: number, port: number, detail: string): FieldCause => invalidCause(`spec.ports[${index}].nodePort`, String(port), detail);

function ipAllocationError(svc: { metadata: { name?: string }; spec?: unknown }, ip: string, detail: string): StatusError {
  const clusterIPs = strings(rec(svc.spec).clusterIPs);
  return errors.invalid(SERVICE, svc.metadata.name ?? "", [invalidCause("spec.clusterIPs", goStrings(clusterIPs.length ? clusterIPs : [ip]), `failed to allocate IP ${ip}: ${detail}`)]);
}
