/**
 * pods/exec, pods/attach, pods/portforward and pods/proxy: upstream's connect subresources, which the API
 * server answers by opening a stream to the pod's kubelet (pkg/registry/core/pod/rest/subresources.go and
 * pkg/registry/core/pod/strategy.go streamLocation / PortForwardLocation / ResourceLocation). minieks
 * simulates containers, so there is no process to connect to: after upstream's own checks (the pod, its
 * container, its node) the request gets an honest 400 saying so. An HTTP upgrade request (SPDY from
 * kubectl ≤ 1.29, WebSocket from 1.30+) is answered with this plain response too; both clients read the
 * Status from a non-101 answer and report its message.
 */
import type { StoredObject } from "../api/types.js";
import { errors, StatusError } from "./status.js";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const names = (list: unknown): string[] => (Array.isArray(list) ? list.map((c) => String(rec(c).name ?? "")) : []);

export const CONNECT_SUBRESOURCES = ["attach", "exec", "portforward", "proxy"] as const;
export type ConnectSubresource = (typeof CONNECT_SUBRESOURCES)[number];

export const isConnectSubresource = (sub: string | undefined): sub is ConnectSubresource =>
  (CONNECT_SUBRESOURCES as readonly string[]).includes(sub ?? "");

/** The HTTP methods each connect subresource serves (upstream's ConnectMethods). */
export const CONNECT_METHODS: Record<ConnectSubresource, string[]> = {
  attach: ["GET", "POST"],
  exec: ["GET", "POST"],
  portforward: ["GET", "POST"],
  proxy: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
};

/** The authorization verb of a connect request (RequestInfo: GET→get, POST→create, PUT→update …). */
export function connectVerb(method: string): string {
  switch (method) {
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return "delete";
    default:
      return "get";
  }
}

/**
 * streamLocation's choice of container: the named one must exist (regular, init or ephemeral); without a
 * name the pod must have exactly one container.
 */
function chooseContainer(pod: StoredObject, requested: string): string {
  const spec = rec(pod.spec);
  const name = pod.metadata.name ?? "";
  if (!requested) {
    const containers = names(spec.containers);
    if (containers.length === 1) return containers[0] ?? "";
    if (containers.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
    const init = names(spec.initContainers);
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]`;
    if (init.length > 0) message += ` or one of the init containers: [${init.join(" ")}]`;
    throw errors.badRequest(message);
  }
  const all = [...names(spec.containers), ...names(spec.initContainers), ...names(spec.ephemeralContainers)];
  if (!all.includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/**
 * Answers a connect request for `pod`: upstream's refusals first (bad container, unscheduled pod), then
 * minieks's own, since no process backs a simulated container. Always throws.
 */
export function refuseConnect(sub: ConnectSubresource, pod: StoredObject, query: URLSearchParams): never {
  const name = pod.metadata.name ?? "";
  const container = sub === "exec" || sub === "attach" ? chooseContainer(pod, query.get("container") ?? "") : "";
  if (!String(rec(pod.spec).nodeName ?? "")) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const where = `container ${JSON.stringify(container)} of pod ${JSON.stringify(name)}`;
  const why = "minieks simulates containers: no container runtime runs them";
  switch (sub) {
    case "exec":
      throw errors.badRequest(`${why}, so ${where} has no process to exec into (pods/exec is not supported)`);
    case "attach":
      throw errors.badRequest(`${why}, so ${where} has no process to attach to (pods/attach is not supported)`);
    case "portforward":
      throw errors.badRequest(`${why}, so pod ${JSON.stringify(name)} has no ports to forward to (pods/portforward is not supported)`);
    case "proxy":
      throw errors.badRequest(`${why}, so pod ${JSON.stringify(name)} has no server to proxy to (pods/proxy is not supported)`);
  }
  throw new StatusError(500, "InternalError", `unknown connect subresource ${String(sub)}`);
}
