import { invalid } from "../../../api/field-errors.js";
import type { StoredObject } from "../../../api/types.js";
import type { ResourceStore } from "../../registry/resource-store.js";
import { errors, StatusError } from "../../status.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.js";
import { evaluatePod, forbiddenDetail, forbiddenReason } from "./checks.js";
import { compareLevels, levelVersionText, minorOf, policyOf, type LevelVersion } from "./policy.js";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

/** Where the pod template sits in each workload kind (warn and audit only: upstream enforces on pods). */
const TEMPLATES: Record<string, (o: Json) => unknown> = {
  "apps/deployments": (o) => rec(o.spec).template,
  "apps/replicasets": (o) => rec(o.spec).template,
  "apps/statefulsets": (o) => rec(o.spec).template,
  "apps/daemonsets": (o) => rec(o.spec).template,
  "batch/jobs": (o) => rec(o.spec).template,
  "batch/cronjobs": (o) => rec(rec(rec(o.spec).jobTemplate).spec).template,
  "/replicationcontrollers": (o) => rec(o.spec).template,
  "/podtemplates": (o) => o.template,
};

/** upstream's namespaceMaxPodsToCheck. */
const MAX_PODS_TO_CHECK = 3000;

const evaluate = (lv: LevelVersion, meta: Json, spec: Json) => evaluatePod(lv.level, minorOf(lv), meta, spec);

/** isSignificantPodUpdate: only image and seccomp-annotation changes (or container count changes) are re-checked. */
function significantPodUpdate(pod: StoredObject, old: StoredObject): boolean {
  const seccomp = "seccomp.security.alpha.kubernetes.io/pod";
  const a = pod.metadata.annotations ?? {};
  const b = old.metadata.annotations ?? {};
  if (a[seccomp] !== b[seccomp]) return true;
  const spec = rec(pod.spec);
  const oldSpec = rec(old.spec);
  for (const key of ["containers", "initContainers"]) {
    const now = Array.isArray(spec[key]) ? (spec[key] as Json[]) : [];
    const before = Array.isArray(oldSpec[key]) ? (oldSpec[key] as Json[]) : [];
    if (now.length !== before.length) return true;
    for (let i = 0; i < now.length; i++) {
      const c = rec(now[i]);
      if (c.image !== rec(before[i]).image) return true;
      const key2 = `container.seccomp.security.alpha.kubernetes.io/${String(c.name)}`;
      if (a[key2] !== b[key2]) return true;
    }
  }
  return false;
}

/**
 * The PodSecurity admission plugin: each namespace's pod-security.kubernetes.io labels pick
 * the enforce, audit and warn levels (privileged, baseline, restricted). Pods violating the
 * enforce level are refused with upstream's message; warn-level violations of pods and of
 * workload pod templates come back as Warning headers ("would violate PodSecurity …"). Labels
 * that do not parse are refused on namespaces, and tightening a namespace's enforce level
 * warns about its existing pods. Audit annotations are not recorded (there is no audit log).
 */
export class PodSecurityAdmission {
  constructor(private readonly stores: { store(group: string, version: string, plural: string): ResourceStore | undefined }) {}

  plugin(): AdmissionPlugin {
    return { name: "PodSecurity", validate: (a) => this.validate(a) };
  }

  private async validate(attrs: AdmissionAttributes): Promise<void> {
    const { descriptor: d, subresource, object, operation } = attrs;
    if (!object || (operation !== "CREATE" && operation !== "UPDATE")) return;
    if (d.group === "" && d.plural === "namespaces" && !subresource) return this.validateNamespace(attrs);
    if (subresource || !attrs.namespace) return;
    if (d.group === "" && d.plural === "pods") return this.validatePod(attrs);
    const template = TEMPLATES[`${d.group}/${d.plural}`];
    if (template) return this.validateTemplate(attrs, template);
  }

  private async namespacePolicy(name: string) {
    const store = this.stores.store("", "v1", "namespaces");
    if (!store) return undefined;
    try {
      return policyOf((await store.get(undefined, name)).metadata.labels).policy;
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined;
      throw error;
    }
  }

  private async validatePod(attrs: AdmissionAttributes): Promise<void> {
    const pod = attrs.object as StoredObject;
    if (attrs.operation === "UPDATE" && attrs.oldObject && !significantPodUpdate(pod, attrs.oldObject)) return;
    const policy = await this.namespacePolicy(attrs.namespace ?? "");
    if (!policy) return;
    const meta = pod.metadata as Json;
    const spec = rec(pod.spec);
    const enforced = evaluate(policy.enforce, meta, spec);
    if (enforced.length) {
      // apierrors.NewForbidden with the request's name (empty for generateName: `pods is forbidden`).
      const name = attrs.name;
      const subject = name ? `pods "${name}"` : "pods";
      throw errors.forbidden(
        `${subject} is forbidden: violates PodSecurity "${levelVersionText(policy.enforce)}": ${forbiddenDetail(enforced)}`,
        { resource: "pods", group: "", kind: "Pod" },
        name || undefined,
      );
    }
    this.warn(attrs, policy.warn, meta, spec);
  }

  private async validateTemplate(attrs: AdmissionAttributes, templateOf: (o: Json) => unknown): Promise<void> {
    const template = rec(templateOf(attrs.object as Json));
    if (attrs.operation === "UPDATE" && attrs.oldObject && JSON.stringify(templateOf(attrs.oldObject as Json)) === JSON.stringify(templateOf(attrs.object as Json))) return;
    const policy = await this.namespacePolicy(attrs.namespace ?? "");
    if (!policy) return;
    this.warn(attrs, policy.warn, rec(template.metadata), rec(template.spec));
  }

  private warn(attrs: AdmissionAttributes, warn: LevelVersion, meta: Json, spec: Json): void {
    const failed = evaluate(warn, meta, spec);
    if (failed.length) attrs.warnings?.push(`would violate PodSecurity "${levelVersionText(warn)}": ${forbiddenDetail(failed)}`);
  }

  private async validateNamespace(attrs: AdmissionAttributes): Promise<void> {
    const ns = attrs.object as StoredObject;
    const fresh = policyOf(ns.metadata.labels);
    const refuse = () =>
      errors.invalid({ resource: "namespaces", group: "", kind: "Namespace" }, ns.metadata.name ?? "", fresh.errors.map((e) => invalid(`metadata.labels[${e.label}]`, e.value, e.message)));
    if (attrs.operation === "CREATE") {
      if (fresh.errors.length) throw refuse();
      return;
    }
    const old = policyOf(attrs.oldObject?.metadata.labels);
    if (fresh.errors.length && (old.errors.length === 0 || JSON.stringify(fresh.errors) !== JSON.stringify(old.errors))) throw refuse();
    const next = fresh.policy.enforce;
    const before = old.policy.enforce;
    if (next.level === before.level && next.version === before.version) return;
    if (next.level === "privileged") return;
    if (next.version === before.version && compareLevels(next.level, before.level) < 1) return;
    attrs.warnings?.push(...(await this.existingPodWarnings(ns.metadata.name ?? "", next)));
  }

  /** EvaluatePodsInNamespace: one warning per distinct set of reasons, naming the first pod and how many others share it. */
  private async existingPodWarnings(namespace: string, enforce: LevelVersion): Promise<string[]> {
    const store = this.stores.store("", "v1", "pods");
    if (!store) return [];
    let pods: StoredObject[];
    try {
      pods = (await store.list(namespace)).items;
    } catch {
      return ["failed to list pods while checking new PodSecurity enforce level"];
    }
    const warnings: string[] = [];
    const total = pods.length;
    const checked = pods.slice(0, MAX_PODS_TO_CHECK);
    const byReason = new Map<string, { podName: string; count: number }>();
    for (const pod of checked) {
      const failed = evaluate(enforce, pod.metadata as Json, rec(pod.spec));
      if (!failed.length) continue;
      const reason = forbiddenReason(failed);
      const name = pod.metadata.name ?? "";
      const seen = byReason.get(reason);
      if (!seen) byReason.set(reason, { podName: name, count: 1 });
      else {
        seen.count++;
        if (name < seen.podName) seen.podName = name;
      }
    }
    if (checked.length < total) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${total} existing pods`);
    if (byReason.size) warnings.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionText(enforce)}"`);
    const podWarnings = [...byReason].map(([reason, { podName, count }]) => {
      if (count === 1) return `${podName}: ${reason}`;
      if (count === 2) return `${podName} (and 1 other pod): ${reason}`;
      return `${podName} (and ${count - 1} other pods): ${reason}`;
    });
    return [...warnings, ...podWarnings.sort()];
  }
}

export const podSecurityAdmission = (stores: { store(group: string, version: string, plural: string): ResourceStore | undefined }): PodSecurityAdmission =>
  new PodSecurityAdmission(stores);
