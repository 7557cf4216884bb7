/** Toleration matching (k8s.io/api/core/v1 Toleration.ToleratesTaint and the taint manager's helpers). */
import type { Taint } from "../node-lifecycle/node-health.js";

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  const operator = toleration.operator || "Equal";
  if (toleration.key !== taint.key && !(!toleration.key && operator === "Exists")) return false;
  if (operator === "Exists") return true;
  return (toleration.value ?? "") === (taint.value ?? "");
}

/** Whether every taint is tolerated, and the tolerations used (GetMatchingTolerations). */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => tolerates(t, taint));
    if (!match) return { all: false, used: [] };
    used.push(match);
  }
  return { all: true, used };
}

/** The shortest tolerationSeconds among `used` in ms; undefined when they tolerate forever (getMinTolerationTime). */
export function minToleration(used: Toleration[]): number | undefined {
  let min: number | undefined;
  for (const t of used) {
    if (typeof t.tolerationSeconds !== "number") continue;
    const ms = Math.max(0, t.tolerationSeconds) * 1000;
    if (min === undefined || ms < min) min = ms;
  }
  return min;
}
