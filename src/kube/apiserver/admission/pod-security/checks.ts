/**
 * The Pod Security Standards checks (k8s.io/pod-security-admission/policy), with upstream's
 * reasons and details. Baseline checks run first, then restricted ones, each group sorted by
 * check ID (the registry's order, which is the order of reasons in messages); a restricted check
 * replaces the baseline check it overrides.
 */

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const recs = (v: unknown): Json[] => (Array.isArray(v) ? v.map(rec) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export type Level = "privileged" | "baseline" | "restricted";

export interface CheckResult {
  reason: string;
  detail: string;
}

interface Check {
  id: string;
  level: "baseline" | "restricted";
  /** The first minor version (1.x) the check applies to; older policy versions skip it. */
  minMinor?: number;
  overrides?: string;
  run(meta: Json, spec: Json): CheckResult | undefined;
}

const pluralize = (one: string, many: string, n: number) => (n === 1 ? one : many);
const joinQuote = (items: string[]) => items.map((i) => JSON.stringify(i)).join(", ");
const sortedUnique = (items: Iterable<string>) => [...new Set(items)].sort();
const containersPhrase = (names: string[]) => `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;

/** visitContainers: init containers, containers, then ephemeral containers. */
function containers(spec: Json): Json[] {
  return [...recs(spec.initContainers), ...recs(spec.containers), ...recs(spec.ephemeralContainers)];
}
const sc = (c: Json) => rec(c.securityContext);
const podSc = (spec: Json) => rec(spec.securityContext);
const isWindows = (spec: Json) => rec(spec.os).name === "windows";

const ALLOWED_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const SYSCTLS = new Set([
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
]);
const ALLOWED_VOLUME_SOURCES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "image"];
const RESTRICTED_VOLUME_TYPES = [
  "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder",
  "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "portworxVolume", "photonPersistentDisk", "scaleIO", "storageos",
];
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

const validSeccomp = (t: string) => t === "RuntimeDefault" || t === "Localhost";

const CHECKS: Check[] = [
  {
    id: "appArmorProfile",
    level: "baseline",
    run(meta, spec) {
      const setters: string[] = [];
      const values = new Set<string>();
      const okType = (t: string) => t === "RuntimeDefault" || t === "Localhost";
      const pod = rec(podSc(spec).appArmorProfile);
      if (Object.keys(pod).length && !okType(str(pod.type))) {
        setters.push("pod");
        values.add(str(pod.type));
      }
      const bad = containers(spec).filter((c) => {
        const p = rec(sc(c).appArmorProfile);
        if (!Object.keys(p).length || okType(str(p.type))) return false;
        values.add(str(p.type));
        return true;
      });
      if (bad.length) setters.push(containersPhrase(bad.map((c) => str(c.name))));
      const annotations = Object.entries(rec(meta.annotations))
        .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION) && !(v === "runtime/default" || str(v).startsWith("localhost/")))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .sort();
      const list = [...[...values].sort(), ...annotations];
      if (annotations.length) setters.push(pluralize("annotation", "annotations", annotations.length));
      if (!setters.length) return undefined;
      return {
        reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", list.length),
        detail: `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(list)}`,
      };
    },
  },
  {
    id: "capabilities_baseline",
    level: "baseline",
    run(_meta, spec) {
      const bad: string[] = [];
      const caps = new Set<string>();
      for (const c of containers(spec)) {
        const added = (rec(sc(c).capabilities).add as unknown[] | undefined) ?? [];
        const forbidden = (Array.isArray(added) ? added : []).map(String).filter((x) => !ALLOWED_CAPABILITIES.has(x));
        forbidden.forEach((x) => caps.add(x));
        if (forbidden.length) bad.push(str(c.name));
      }
      if (!bad.length) return undefined;
      return { reason: "non-default capabilities", detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add` };
    },
  },
  {
    id: "hostNamespaces",
    level: "baseline",
    run(_meta, spec) {
      const found = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => spec[k] === true).map((k) => `${k}=true`);
      return found.length ? { reason: "host namespaces", detail: found.join(", ") } : undefined;
    },
  },
  {
    id: "hostPathVolumes",
    level: "baseline",
    run(_meta, spec) {
      const names = recs(spec.volumes).filter((v) => v.hostPath !== undefined && v.hostPath !== null).map((v) => str(v.name));
      return names.length ? { reason: "hostPath volumes", detail: `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)}` } : undefined;
    },
  },
  {
    id: "hostPorts",
    level: "baseline",
    run(_meta, spec) {
      const bad: string[] = [];
      const ports = new Set<string>();
      for (const c of containers(spec)) {
        const used = recs(c.ports).filter((p) => typeof p.hostPort === "number" && p.hostPort !== 0);
        used.forEach((p) => ports.add(String(p.hostPort)));
        if (used.length) bad.push(str(c.name));
      }
      if (!bad.length) return undefined;
      return {
        reason: "hostPort",
        detail: `${containersPhrase(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", ports.size)} ${sortedUnique(ports).join(", ")}`,
      };
    },
  },
  {
    id: "privileged",
    level: "baseline",
    run(_meta, spec) {
      const bad = containers(spec).filter((c) => sc(c).privileged === true).map((c) => str(c.name));
      return bad.length ? { reason: "privileged", detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
    },
  },
  {
    id: "procMount",
    level: "baseline",
    run(_meta, spec) {
      const bad: string[] = [];
      const types = new Set<string>();
      for (const c of containers(spec)) {
        const pm = sc(c).procMount;
        if (typeof pm === "string" && pm !== "Default") {
          bad.push(str(c.name));
          types.add(pm);
        }
      }
      return bad.length ? { reason: "procMount", detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}` } : undefined;
    },
  },
  {
    id: "seLinuxOptions",
    level: "baseline",
    run(_meta, spec) {
      const setters: string[] = [];
      const types = new Set<string>();
      let user = false;
      let role = false;
      const valid = (o: Json) => {
        let ok = true;
        if (!SELINUX_TYPES.has(str(o.type))) {
          ok = false;
          types.add(str(o.type));
        }
        if (str(o.user)) {
          ok = false;
          user = true;
        }
        if (str(o.role)) {
          ok = false;
          role = true;
        }
        return ok;
      };
      const pod = podSc(spec).seLinuxOptions;
      if (pod && typeof pod === "object" && !valid(rec(pod))) setters.push("pod");
      const bad = containers(spec).filter((c) => {
        const o = sc(c).seLinuxOptions;
        return o && typeof o === "object" && !valid(rec(o));
      });
      if (bad.length) setters.push(containersPhrase(bad.map((c) => str(c.name))));
      if (!setters.length) return undefined;
      const data: string[] = [];
      if (types.size) data.push(`${pluralize("type", "types", types.size)} ${joinQuote(sortedUnique(types))}`);
      if (user) data.push("user may not be set");
      if (role) data.push("role may not be set");
      return { reason: "seLinuxOptions", detail: `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}` };
    },
  },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    run(_meta, spec) {
      const setters: string[] = [];
      const values = new Set<string>();
      if (str(rec(podSc(spec).seccompProfile).type) === "Unconfined") {
        setters.push("pod");
        values.add("Unconfined");
      }
      const bad = containers(spec).filter((c) => str(rec(sc(c).seccompProfile).type) === "Unconfined").map((c) => str(c.name));
      if (bad.length) {
        setters.push(containersPhrase(bad));
        values.add("Unconfined");
      }
      return setters.length ? { reason: "seccompProfile", detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}` } : undefined;
    },
  },
  {
    id: "sysctls",
    level: "baseline",
    run(_meta, spec) {
      const bad = recs(podSc(spec).sysctls).map((s) => str(s.name)).filter((n) => !SYSCTLS.has(n));
      return bad.length ? { reason: "forbidden sysctls", detail: bad.join(", ") } : undefined;
    },
  },
  {
    id: "windowsHostProcess",
    level: "baseline",
    run(_meta, spec) {
      const setters: string[] = [];
      if (rec(podSc(spec).windowsOptions).hostProcess === true) setters.push("pod");
      const bad = containers(spec).filter((c) => rec(sc(c).windowsOptions).hostProcess === true).map((c) => str(c.name));
      if (bad.length) setters.push(containersPhrase(bad));
      return setters.length ? { reason: "hostProcess", detail: `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
    },
  },
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    run(_meta, spec) {
      if (isWindows(spec)) return undefined;
      const bad = containers(spec).filter((c) => sc(c).allowPrivilegeEscalation !== false).map((c) => str(c.name));
      return bad.length ? { reason: "allowPrivilegeEscalation != false", detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
    },
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    minMinor: 22,
    overrides: "capabilities_baseline",
    run(_meta, spec) {
      if (isWindows(spec)) return undefined;
      const missingDrop: string[] = [];
      const adding: string[] = [];
      const caps = new Set<string>();
      for (const c of containers(spec)) {
        const capabilities = sc(c).capabilities;
        if (!capabilities || typeof capabilities !== "object") {
          missingDrop.push(str(c.name));
          continue;
        }
        const drop = rec(capabilities).drop;
        if (!(Array.isArray(drop) && drop.includes("ALL"))) missingDrop.push(str(c.name));
        const add = rec(capabilities).add;
        const forbidden = (Array.isArray(add) ? add : []).map(String).filter((x) => x !== "NET_BIND_SERVICE");
        forbidden.forEach((x) => caps.add(x));
        if (forbidden.length) adding.push(str(c.name));
      }
      const details: string[] = [];
      if (missingDrop.length) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (adding.length) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add`);
      return details.length ? { reason: "unrestricted capabilities", detail: details.join("; ") } : undefined;
    },
  },
  {
    id: "restrictedVolumes",
    level: "restricted",
    overrides: "hostPathVolumes",
    run(_meta, spec) {
      const bad: string[] = [];
      const types = new Set<string>();
      for (const v of recs(spec.volumes)) {
        if (ALLOWED_VOLUME_SOURCES.some((k) => v[k] !== undefined && v[k] !== null)) continue;
        bad.push(str(v.name));
        types.add(RESTRICTED_VOLUME_TYPES.find((k) => v[k] !== undefined && v[k] !== null) ?? "unknown");
      }
      if (!bad.length) return undefined;
      return {
        reason: "restricted volume types",
        detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("restricted volume type", "restricted volume types", types.size)} ${joinQuote(sortedUnique(types))}`,
      };
    },
  },
  {
    id: "runAsNonRoot",
    level: "restricted",
    run(_meta, spec) {
      const setters: string[] = [];
      const podValue = podSc(spec).runAsNonRoot;
      if (podValue === false) setters.push("pod");
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const c of containers(spec)) {
        const v = sc(c).runAsNonRoot;
        if (typeof v === "boolean") {
          if (!v) explicit.push(str(c.name));
        } else if (podValue !== true) implicit.push(str(c.name));
      }
      if (explicit.length) setters.push(containersPhrase(explicit));
      if (setters.length) return { reason: "runAsNonRoot != true", detail: `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false` };
      if (implicit.length) return { reason: "runAsNonRoot != true", detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true` };
      return undefined;
    },
  },
  {
    id: "runAsUser",
    level: "restricted",
    minMinor: 23,
    run(_meta, spec) {
      const setters: string[] = [];
      if (podSc(spec).runAsUser === 0) setters.push("pod");
      const bad = containers(spec).filter((c) => sc(c).runAsUser === 0).map((c) => str(c.name));
      if (bad.length) setters.push(containersPhrase(bad));
      return setters.length ? { reason: "runAsUser=0", detail: `${setters.join(" and ")} must not set runAsUser=0` } : undefined;
    },
  },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    overrides: "seccompProfile_baseline",
    run(_meta, spec) {
      if (isWindows(spec)) return undefined;
      const setters: string[] = [];
      const values = new Set<string>();
      let podSet = false;
      const podProfile = podSc(spec).seccompProfile;
      if (podProfile && typeof podProfile === "object") {
        const t = str(rec(podProfile).type);
        if (!validSeccomp(t)) {
          setters.push("pod");
          values.add(t);
        } else podSet = true;
      }
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const c of containers(spec)) {
        const p = sc(c).seccompProfile;
        if (p && typeof p === "object") {
          const t = str(rec(p).type);
          if (!validSeccomp(t)) {
            explicit.push(str(c.name));
            values.add(t);
          }
        } else if (!podSet) implicit.push(str(c.name));
      }
      if (explicit.length) setters.push(containersPhrase(explicit));
      if (setters.length) return { reason: "seccompProfile", detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}` };
      if (implicit.length) {
        return { reason: "seccompProfile", detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
      }
      return undefined;
    },
  },
];

const byId = (a: Check, b: Check) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORDERED = [...CHECKS.filter((c) => c.level === "baseline").sort(byId), ...CHECKS.filter((c) => c.level === "restricted").sort(byId)];

/**
 * The failed checks of a pod (metadata and spec) at a level and policy version (minor of 1.x;
 * `latest` is Infinity). Privileged allows everything.
 */
export function evaluatePod(level: Level, minor: number, meta: Json, spec: Json): CheckResult[] {
  if (level === "privileged") return [];
  const active = ORDERED.filter((c) => (level === "restricted" || c.level === "baseline") && (c.minMinor ?? 0) <= minor);
  const overridden = new Set(active.filter((c) => level === "restricted" && c.overrides).map((c) => c.overrides));
  const out: CheckResult[] = [];
  for (const check of active) {
    if (overridden.has(check.id)) continue;
    const result = check.run(meta, spec);
    if (result) out.push(result);
  }
  return out;
}

/** AggregateCheckResult.ForbiddenDetail: `reason (detail), …`. */
export const forbiddenDetail = (results: CheckResult[]): string => results.map((r) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(", ");
/** AggregateCheckResult.ForbiddenReason: the reasons alone. */
export const forbiddenReason = (results: CheckResult[]): string => results.map((r) => r.reason).join(", ");
