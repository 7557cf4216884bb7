import type { Level } from "./checks.js";

/** A namespace's Pod Security policy from its pod-security.kubernetes.io labels (api.PolicyToEvaluate). */

export interface LevelVersion {
  level: Level;
  /** "latest" or "v1.N". */
  version: string;
}

export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export interface LabelError {
  label: string;
  value: string;
  message: string;
}

const PREFIX = "pod-security.kubernetes.io/";
const LEVELS: Level[] = ["privileged", "baseline", "restricted"];
const VERSION = /^v1\.(0|[1-9][0-9]*)$/;

export const levelVersionText = (lv: LevelVersion): string => `${lv.level}:${lv.version}`;
export const compareLevels = (a: Level, b: Level): number => LEVELS.indexOf(a) - LEVELS.indexOf(b);
/** The policy version's minor (latest = every check). */
export const minorOf = (lv: LevelVersion): number => (lv.version === "latest" ? Infinity : Number(VERSION.exec(lv.version)?.[1] ?? Infinity));

/** The cluster default (upstream's and EKS's AdmissionConfiguration): privileged:latest for all three modes. */
const DEFAULT: LevelVersion = { level: "privileged", version: "latest" };

export function policyOf(labels: Record<string, string> | undefined): { policy: Policy; errors: LabelError[] } {
  const errors: LabelError[] = [];
  const l = labels ?? {};
  const mode = (name: "enforce" | "audit" | "warn") => {
    const out: LevelVersion = { ...DEFAULT };
    let hasLevel = false;
    let hasVersion = false;
    const level = l[`${PREFIX}${name}`];
    if (level !== undefined) {
      if ((LEVELS as string[]).includes(level)) {
        out.level = level as Level;
        hasLevel = true;
      } else errors.push({ label: `${PREFIX}${name}`, value: level, message: `must be one of ${LEVELS.join(", ")}` });
    }
    const version = l[`${PREFIX}${name}-version`];
    if (version !== undefined) {
      if (version === "latest" || VERSION.test(version)) {
        out.version = version;
        hasVersion = true;
      } else errors.push({ label: `${PREFIX}${name}-version`, value: version, message: 'must be "latest" or "v1.x"' });
    }
    return { out, hasLevel, hasVersion };
  };
  const enforce = mode("enforce");
  const audit = mode("audit");
  const warn = mode("warn");
  // Warn and audit default to a stricter enforce level when they are not set themselves.
  for (const m of [audit, warn]) {
    if (!m.hasLevel && enforce.hasLevel && compareLevels(enforce.out.level, m.out.level) > 0) {
      m.out.level = enforce.out.level;
      if (!m.hasVersion) m.out.version = enforce.out.version;
    }
  }
  return { policy: { enforce: enforce.out, audit: audit.out, warn: warn.out }, errors };
}
