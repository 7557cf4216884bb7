/**
 * The HPA's normalization of a metric-derived replica count (horizontal.go): stabilization over
 * recent recommendations (scale-down by default waits 300 s for the highest recent one), the
 * scale rate policies of spec.behavior (or the legacy rule without it), and min/max — with the
 * AbleToScale and ScalingLimited reasons upstream sets on the way.
 */

export interface ScalingPolicy {
  type: "Pods" | "Percent";
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: "Max" | "Min" | "Disabled";
  policies: ScalingPolicy[];
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** --horizontal-pod-autoscaler-downscale-stabilization, and the v2 default scale-down window. */
export const DOWNSCALE_STABILIZATION_SECONDS = 300;

export const DEFAULT_SCALE_UP: ScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
};
export const DEFAULT_SCALE_DOWN: ScalingRules = {
  stabilizationWindowSeconds: DOWNSCALE_STABILIZATION_SECONDS,
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
};

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

function rulesOf(raw: unknown, defaults: ScalingRules): ScalingRules {
  const r = rec(raw);
  const policies = Array.isArray(r.policies)
    ? r.policies.map(rec).map((p) => ({ type: p.type === "Pods" ? ("Pods" as const) : ("Percent" as const), value: Number(p.value ?? 0), periodSeconds: Number(p.periodSeconds ?? 15) }))
    : defaults.policies;
  const select = r.selectPolicy === "Min" || r.selectPolicy === "Disabled" ? r.selectPolicy : "Max";
  return {
    stabilizationWindowSeconds: typeof r.stabilizationWindowSeconds === "number" ? r.stabilizationWindowSeconds : defaults.stabilizationWindowSeconds,
    selectPolicy: r.selectPolicy === undefined ? defaults.selectPolicy : select,
    policies,
  };
}

/** spec.behavior with the API's defaults, or undefined when the HPA has none (the legacy path). */
export function behaviorOf(spec: Json): Behavior | undefined {
  if (spec.behavior === undefined || spec.behavior === null) return undefined;
  const b = rec(spec.behavior);
  return { scaleUp: rulesOf(b.scaleUp, DEFAULT_SCALE_UP), scaleDown: rulesOf(b.scaleDown, DEFAULT_SCALE_DOWN) };
}

interface Recommendation {
  replicas: number;
  at: number;
}

interface ScaleEvent {
  change: number;
  at: number;
}

/** What the controller remembers per HPA between syncs (in memory, as upstream). */
export class HpaMemory {
  recommendations: Recommendation[] | undefined;
  scaleUps: ScaleEvent[] = [];
  scaleDowns: ScaleEvent[] = [];
}

export interface Normalized {
  replicas: number;
  ableToScale: { reason: string; message: string };
  limited: { status: "True" | "False"; reason: string; message: string };
}

const changeInPeriod = (events: ScaleEvent[], periodSeconds: number, now: number) =>
  events.filter((e) => e.at > now - periodSeconds * 1000).reduce((sum, e) => sum + e.change, 0);

function scaleUpLimit(current: number, memory: HpaMemory, rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === "Disabled") return current;
  let result = rules.selectPolicy === "Min" ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(memory.scaleUps, p.periodSeconds, now) + changeInPeriod(memory.scaleDowns, p.periodSeconds, now);
    const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = rules.selectPolicy === "Min" ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

function scaleDownLimit(current: number, memory: HpaMemory, rules: ScalingRules, now: number): number {
  if (rules.selectPolicy === "Disabled") return current;
  let result = rules.selectPolicy === "Min" ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(memory.scaleUps, p.periodSeconds, now) + changeInPeriod(memory.scaleDowns, p.periodSeconds, now);
    const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = rules.selectPolicy === "Min" ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

const STABILIZED_UP = { reason: "ScaleUpStabilized", message: "recent recommendations were lower than current one, applying the lowest recent recommendation" };
const STABILIZED_DOWN = { reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" };
const READY = { reason: "ReadyForNewScale", message: "recommended size matches current size" };
const WITHIN = { reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };

/** Records the recommendation, replacing one older than every window (as upstream reuses a slot). */
function record(memory: HpaMemory, replicas: number, now: number, isOld: (r: Recommendation) => boolean): void {
  const list = (memory.recommendations ??= []);
  const old = list.findIndex(isOld);
  if (old >= 0) list[old] = { replicas, at: now };
  else list.push({ replicas, at: now });
}

/** normalizeDesiredReplicasWithBehaviors, or normalizeDesiredReplicas when the HPA has no behavior. */
export function normalize(args: {
  memory: HpaMemory;
  behavior: Behavior | undefined;
  current: number;
  desired: number;
  min: number;
  max: number;
  now: number;
}): Normalized {
  const { memory, behavior, current, desired, min, max, now } = args;
  if (!behavior) {
    const cutoff = now - DOWNSCALE_STABILIZATION_SECONDS * 1000;
    let stabilized = desired;
    for (const r of memory.recommendations ?? []) if (r.at > cutoff && r.replicas > stabilized) stabilized = r.replicas;
    record(memory, desired, now, (r) => r.at < cutoff);
    const ableToScale = stabilized !== desired ? STABILIZED_DOWN : READY;
    // convertDesiredReplicasWithRules: at most double (or 4) per sync.
    const upLimit = Math.max(2 * current, 4);
    let limit = { reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" };
    let maxAllowed = max;
    if (max > upLimit) {
      maxAllowed = upLimit;
      limit = { reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" };
    }
    let replicas = stabilized;
    let why = WITHIN;
    if (stabilized < min) {
      replicas = min;
      why = { reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
    } else if (stabilized > maxAllowed) {
      replicas = maxAllowed;
      why = limit;
    }
    return { replicas, ableToScale, limited: { status: replicas === stabilized ? "False" : "True", ...why } };
  }

  // maybeInitScaleDownStabilizationWindow: a new HPA starts with the current count as its first recommendation.
  if (!memory.recommendations && behavior.scaleDown.stabilizationWindowSeconds > 0) memory.recommendations = [{ replicas: current, at: now }];
  const upCutoff = now - behavior.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = now - behavior.scaleDown.stabilizationWindowSeconds * 1000;
  let up = desired;
  let down = desired;
  for (const r of memory.recommendations ?? []) {
    if (r.at > upCutoff) up = Math.min(up, r.replicas);
    if (r.at > downCutoff) down = Math.max(down, r.replicas);
  }
  let stabilized = current;
  if (stabilized < up) stabilized = up;
  if (stabilized > down) stabilized = down;
  record(memory, desired, now, (r) => r.at < upCutoff && r.at < downCutoff);
  const ableToScale = stabilized !== desired ? (desired >= current ? STABILIZED_UP : STABILIZED_DOWN) : READY;

  let replicas = stabilized;
  let why = WITHIN;
  if (stabilized > current) {
    let limit = Math.max(scaleUpLimit(current, memory, behavior.scaleUp, now), current);
    let reason = { reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" };
    if (max > limit) reason = { reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" };
    else limit = max;
    if (stabilized > limit) {
      replicas = limit;
      why = reason;
    }
  } else if (stabilized < current) {
    let limit = Math.min(scaleDownLimit(current, memory, behavior.scaleDown, now), current);
    let reason = { reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
    if (min < limit) reason = { reason: "ScaleDownLimit", message: "the desired replica count is decreasing faster than the maximum scale rate" };
    else limit = min;
    if (stabilized < limit) {
      replicas = limit;
      why = reason;
    }
  }
  return { replicas, ableToScale, limited: { status: replicas === stabilized ? "False" : "True", ...why } };
}

/** storeScaleEvent: rate policies look back at the changes made within their periods. */
export function recordScale(memory: HpaMemory, behavior: Behavior | undefined, previous: number, next: number, now: number): void {
  if (!behavior) return;
  const longest = (rules: ScalingRules) => Math.max(0, ...rules.policies.map((p) => p.periodSeconds)) * 1000;
  if (next > previous) {
    memory.scaleUps = memory.scaleUps.filter((e) => e.at > now - longest(behavior.scaleUp));
    memory.scaleUps.push({ change: next - previous, at: now });
  } else if (next < previous) {
    memory.scaleDowns = memory.scaleDowns.filter((e) => e.at > now - longest(behavior.scaleDown));
    memory.scaleDowns.push({ change: previous - next, at: now });
  }
}
