/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is, "N%" of `total` rounded up or down.
 * @throws Error for a string that is not a percentage (validation keeps those out).
 */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number") return Math.trunc(value);
  const text = String(value);
  const match = /^(-?\d+)%$/.exec(text);
  if (!match) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * deploymentutil.ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both resolving to
 * zero makes maxUnavailable 1 (surge has priority, so the rollout can always progress).
 */
export function resolveFenceposts(maxSurge: unknown, maxUnavailable: unknown, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}
