import type { StoredObject } from "../api/types.js";
import type { ApiResponder } from "./api-handler.js";
import { errors, StatusError } from "./status.js";

/**
 * `GET …/pods/<name>/log` (kubectl logs). The API server validates the PodLogOptions and picks the
 * container as upstream's LogLocation does; the lines come from whoever runs the pod's node (the
 * simulated kubelets register a provider), and the server applies since/tail/timestamps/limitBytes.
 */

export interface PodLogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
  limitBytes?: number;
}

export interface LogLine {
  time: Date;
  text: string;
}

export interface PodLogs {
  lines: LogLine[];
  /** With follow: streams later lines until the container stops (then `onEnd`); returns a cancel function. */
  follow?(onLine: (line: LogLine) => void, onEnd: () => void): () => void;
}

/**
 * The kubelet side: the lines of one container of a pod bound to a node, or undefined when no
 * kubelet serves that node. Throws StatusError for the kubelet's own refusals (container waiting…).
 */
export type PodLogProvider = (pod: StoredObject, options: PodLogOptions) => Promise<PodLogs | undefined>;

const TEXT = "text/plain";

type Json = Record<string, unknown>;
const names = (list: unknown): string[] => (Array.isArray(list) ? list.map((c) => String((c as Json)?.name ?? "")) : []);

/** RFC3339Nano with a fixed nine-digit fraction, as the kubelet prefixes lines. */
export const logTimestamp = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");

function parseOptions(podName: string, query: URLSearchParams): Omit<PodLogOptions, "container"> & { container?: string } {
  const bool = (key: string): boolean => {
    const v = query.get(key);
    if (v === null || v === "") return false;
    if (["true", "1", "True", "TRUE", "t", "T"].includes(v)) return true;
    if (["false", "0", "False", "FALSE", "f", "F"].includes(v)) return false;
    throw errors.badRequest(`${key}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
  };
  const int = (key: string): number | undefined => {
    const v = query.get(key);
    if (v === null || v === "") return undefined;
    if (!/^-?\d+$/.test(v)) throw errors.badRequest(`${key}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  };
  const tailLines = int("tailLines");
  const limitBytes = int("limitBytes");
  const sinceSeconds = int("sinceSeconds");
  const sinceText = query.get("sinceTime");
  let sinceTime: Date | undefined;
  if (sinceText) {
    sinceTime = new Date(sinceText);
    if (Number.isNaN(sinceTime.getTime())) throw errors.badRequest(`sinceTime: parsing time ${JSON.stringify(sinceText)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  // ValidatePodLogOptions, word for word.
  const causes: { field: string; reason: string; message: string }[] = [];
  if (tailLines !== undefined && tailLines < 0) causes.push({ field: "tailLines", reason: "FieldValueInvalid", message: `Invalid value: ${tailLines}: must be greater than or equal to 0` });
  if (limitBytes !== undefined && limitBytes < 1) causes.push({ field: "limitBytes", reason: "FieldValueInvalid", message: `Invalid value: ${limitBytes}: must be greater than 0` });
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    causes.push({ field: "", reason: "FieldValueForbidden", message: "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified" });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    causes.push({ field: "sinceSeconds", reason: "FieldValueInvalid", message: `Invalid value: ${sinceSeconds}: must be greater than 0` });
  }
  if (causes.length > 0) throw errors.invalid({ resource: "pods", group: "", kind: "PodLogOptions" }, podName, causes);
  return {
    container: query.get("container") || undefined,
    follow: bool("follow"),
    previous: bool("previous"),
    timestamps: bool("timestamps"),
    tailLines,
    limitBytes,
    sinceSeconds,
    sinceTime,
  };
}

/** upstream validateContainer: the named container must exist; without a name the pod must have exactly one. */
function chooseContainer(pod: StoredObject, container: string | undefined): string {
  const spec = (pod.spec ?? {}) as Json;
  const name = pod.metadata.name ?? "";
  const containers = names(spec.containers);
  if (!container) {
    if (containers.length === 1) return containers[0] ?? "";
    if (containers.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
    const all = [...names(spec.initContainers), ...containers, ...names(spec.ephemeralContainers)];
    throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(" ")}]`);
  }
  const all = [...containers, ...names(spec.initContainers), ...names(spec.ephemeralContainers)];
  if (!all.includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

export async function servePodLog(pod: StoredObject, query: URLSearchParams, provider: PodLogProvider | undefined, now: Date, res: ApiResponder): Promise<void> {
  const parsed = parseOptions(pod.metadata.name ?? "", query);
  const options: PodLogOptions = { ...parsed, container: chooseContainer(pod, parsed.container) };
  const nodeName = String(((pod.spec ?? {}) as Json).nodeName ?? "");
  // An unscheduled pod has no log location: upstream answers an empty body.
  if (!nodeName) return res.send(200, TEXT, "");
  const logs = provider ? await provider(pod, options) : undefined;
  if (!logs) {
    // What kube-apiserver answers when nothing listens for the node (a Node object without a kubelet).
    const url = `https://${nodeName}:10250/containerLogs/${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}/${options.container}`;
    throw new StatusError(500, "", `Get ${JSON.stringify(url)}: dial tcp: lookup ${nodeName}: no such host`);
  }

  const since = options.sinceTime ?? (options.sinceSeconds !== undefined ? new Date(now.getTime() - options.sinceSeconds * 1000) : undefined);
  const keep = (line: LogLine) => !since || line.time.getTime() >= since.getTime();
  const format = (line: LogLine) => `${options.timestamps ? `${logTimestamp(line.time)} ` : ""}${line.text}\n`;
  let lines = logs.lines.filter(keep);
  if (options.tailLines !== undefined) lines = options.tailLines === 0 ? [] : lines.slice(-options.tailLines);
  let budget = options.limitBytes ?? Number.POSITIVE_INFINITY;
  const clip = (text: string): string => {
    if (budget === Number.POSITIVE_INFINITY) return text;
    const bytes = Buffer.from(text);
    const out = bytes.subarray(0, Math.max(0, budget)).toString("utf8");
    budget -= Math.min(bytes.length, budget);
    return out;
  };
  const initial = clip(lines.map(format).join(""));
  if (!options.follow || !logs.follow || budget <= 0) return res.send(200, TEXT, initial);

  const stream = res.stream(200, TEXT);
  if (initial) stream.write(initial);
  const following: { cancel?: () => void; done: boolean } = { done: false };
  const finish = () => {
    if (following.done) return;
    following.done = true;
    following.cancel?.();
    stream.end();
  };
  stream.onClose(finish);
  following.cancel = logs.follow(
    (line) => {
      if (following.done || !keep(line)) return;
      const text = clip(format(line));
      if (text) stream.write(text);
      if (budget <= 0) finish();
    },
    finish,
  );
  // The container may already have stopped while the stream was set up.
  if (following.done) following.cancel();
}
