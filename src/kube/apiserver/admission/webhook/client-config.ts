/**
 * Where a webhook is called (webhookutil.ClientManager.HookClient): clientConfig.url as given, or
 * clientConfig.service as `https://<name>.<namespace>.svc:<port><path>`, resolved to an endpoint
 * the way EKS's API server resolves it. minieks's pods are simulated and their addresses are data
 * (DESIGN.md rule 3), so a service-backed webhook is never reached: without ready endpoints it fails
 * with upstream's "no endpoints available for service", with endpoints it fails saying why; the
 * failurePolicy decides either way.
 */
import type { StoredObject } from "../../../api/types.js";
import { int, rec, recs, str } from "../../../api/object-fields.js";
import { parseIpv4, serviceIpRange } from "../service-allocation/ranges.js";
import type { WebhookClientConfig } from "./webhook-config.js";

export interface ResolvedTarget {
  /** The URL the POST names (before `?timeout=`). */
  url: string;
  caBundle?: string;
  /** Set when the connection cannot be made: the dial error, in Go's words where upstream has them. */
  dialError?: string;
}

export interface ServiceLookup {
  /** The Service, or undefined when it does not exist. */
  service(namespace: string, name: string): Promise<StoredObject | undefined>;
  endpoints(namespace: string, name: string): Promise<StoredObject | undefined>;
}

/** Explains why a host is a simulated address minieks never connects to, or undefined for a real one. */
export type SimulatedAddress = (host: string) => string | undefined;

export async function resolveClientConfig(cc: WebhookClientConfig, services: ServiceLookup, simulated: SimulatedAddress = () => undefined): Promise<ResolvedTarget> {
  const ca = cc.caBundle ? { caBundle: cc.caBundle } : {};
  if (cc.url !== undefined) {
    const url = cc.url;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { url, ...ca, dialError: `parse ${JSON.stringify(url)}: invalid URL` };
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    const port = parsed.port || "443";
    const why = simulated(host);
    return { url, ...ca, ...(why ? { dialError: `dial tcp ${host}:${port}: ${why}` } : {}) };
  }
  const svc = cc.service;
  if (!svc) return { url: "", ...ca, dialError: "neither clientConfig.url nor clientConfig.service is set" };
  const url = `https://${svc.name}.${svc.namespace}.svc:${svc.port}${svc.path ?? ""}`;
  return { url, ...ca, ...(await serviceDialError(svc, services)) };
}

/** proxy.ResolveEndpoint's refusals, then minieks's own: a simulated pod is not connected to. */
async function serviceDialError(svc: NonNullable<WebhookClientConfig["service"]>, services: ServiceLookup): Promise<{ dialError?: string }> {
  const service = await services.service(svc.namespace, svc.name);
  if (!service) return { dialError: `service ${JSON.stringify(svc.name)} not found` };
  const spec = rec(service.spec);
  const type = str(spec.type) || "ClusterIP";
  if (!["ClusterIP", "LoadBalancer", "NodePort"].includes(type)) return { dialError: `unsupported service type ${JSON.stringify(type)}` };
  const servicePort = recs(spec.ports).find((p) => int(p.port) === svc.port);
  if (!servicePort) return { dialError: `no service port ${svc.port} found for service ${JSON.stringify(svc.name)}` };
  const endpoints = await services.endpoints(svc.namespace, svc.name);
  if (!endpoints) return { dialError: `endpoints ${JSON.stringify(svc.name)} not found` };
  const portName = str(servicePort.name);
  for (const subset of recs(endpoints.subsets)) {
    const port = recs(subset.ports).find((p) => str(p.name) === portName);
    const address = recs(subset.addresses)[0];
    if (!port || !address) continue;
    return { dialError: `dial tcp ${str(address.ip)}:${int(port.port)}: minieks does not connect to simulated pod addresses; serve the webhook on a reachable address and set clientConfig.url` };
  }
  return { dialError: `no endpoints available for service ${JSON.stringify(svc.name)}` };
}

/** Addresses of a cluster's service CIDR are simulated ClusterIPs: a webhook URL naming one is not connected to. */
export function serviceRangeAddresses(serviceCidr: string): SimulatedAddress {
  const range = serviceIpRange(serviceCidr);
  return (host) => {
    const ip = parseIpv4(host);
    return ip !== undefined && ip >= range.first - 1 && ip <= range.last + 1
      ? `minieks does not connect to simulated cluster addresses (${host} is in the service range ${range.cidr}); serve the webhook on a reachable address`
      : undefined;
  };
}
