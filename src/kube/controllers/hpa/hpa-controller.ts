import type { ResourceDescriptor } from "../../api/descriptor.js";
import { formatMilli, parseMilli } from "../../api/quantity-math.js";
import type { StoredObject } from "../../api/types.js";
import { matchesLabels, parseLabelSelector } from "../../apiserver/selectors.js";
import type { ResourceRef } from "../../client/in-process-client.js";
import { Informer, objectKey } from "../../client/informer.js";
import { WorkQueue } from "../../client/work-queue.js";
import { rec, recs } from "../../quota/pod-resources.js";
import { type ControllerContext, writeStatus } from "../common/controller-context.js";
import { ControllerEvents } from "../common/events.js";
import type { SharedInformer } from "../common/shared-informers.js";
import { behaviorOf, HpaMemory, normalize, recordScale } from "./normalization.js";
import { MetricError, rawResourceReplicas, resourceReplicas, type PodMetrics } from "./replica-calculator.js";

export const HPAS: ResourceRef = { group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers" };
const POD_METRICS: ResourceRef = { group: "metrics.k8s.io", version: "v1beta1", plural: "pods" };
/** --horizontal-pod-autoscaler-sync-period. */
export const HPA_SYNC_PERIOD_MS = 15_000;
const PODS_BY_NAMESPACE = "hpa:namespace";

type Json = Record<string, unknown>;

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

/** One metric's outcome: a proposal, or the ScalingActive condition and error that explain its failure. */
interface MetricOutcome {
  replicas?: number;
  name?: string;
  status: Json;
  failure?: { reason: string; message: string };
}

/**
 * kube-controller-manager's horizontal pod autoscaler controller (autoscaling/v2): every 15 s on
 * the clock, each HPA reads its target's scale subresource, the pods its selector picks and their
 * metrics from metrics.k8s.io, proposes a replica count per metric (the largest wins), normalizes
 * it (stabilization, rate policies, min/max) and writes it back through the scale subresource,
 * with upstream's conditions, status and SuccessfulRescale events. Metrics other than Resource
 * and ContainerResource need a custom or external metrics API, which minieks does not serve: they
 * fail as upstream's do when that API is missing.
 */
export class HorizontalPodAutoscalerController {
  private readonly hpas: Informer;
  private readonly pods: SharedInformer;
  private readonly queue: WorkQueue;
  private readonly events: ControllerEvents;
  private readonly memory = new Map<string, HpaMemory>();
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.events = new ControllerEvents(ctx.client, ctx.clock, "horizontal-pod-autoscaler");
    this.queue = new WorkQueue(ctx.clock, (key) => this.sync(key), {
      concurrency: 2,
      onError: (key, error) => ctx.logger.warn("horizontal pod autoscaler sync failed; retrying", { hpa: key, error: String(error) }),
    });
    this.pods = ctx.informers.informer({ version: "v1", plural: "pods" });
    this.pods.addIndex(PODS_BY_NAMESPACE, (pod) => [pod.metadata.namespace ?? ""]);
    this.hpas = new Informer(ctx.client, HPAS, ctx.clock, {
      onChange: (hpa, previous) => {
        // Status writes (ours) do not need a sync; new HPAs and spec changes do.
        if (previous && JSON.stringify(previous.spec) === JSON.stringify(hpa.spec)) return;
        this.queue.add(objectKey(hpa));
      },
      onDelete: (hpa) => this.memory.delete(objectKey(hpa)),
    });
  }

  start(): this {
    this.unsubscribe = this.pods.subscribe({});
    this.hpas.start();
    return this;
  }

  stop(): void {
    this.unsubscribe?.();
    this.hpas.stop();
    this.queue.stop();
  }

  private async sync(key: string): Promise<void> {
    await Promise.all([this.hpas.synced(), this.pods.synced()]);
    const cached = this.hpas.get(key);
    if (!cached) return;
    // The next resync, whatever happens now.
    this.queue.addAfter(key, HPA_SYNC_PERIOD_MS);
    const hpa = structuredClone(cached);
    await this.reconcile(key, hpa);
  }

  private async reconcile(key: string, hpa: StoredObject): Promise<void> {
    const now = this.ctx.clock.now();
    const spec = rec(hpa.spec);
    const status = rec(hpa.status);
    const conditions: Condition[] = recs(status.conditions).map((c) => ({ ...(c as unknown as Condition) }));
    const setCondition = (type: string, value: "True" | "False", reason: string, message: string) => {
      let c = conditions.find((x) => x.type === type);
      if (!c) conditions.push((c = { type, status: "", reason, message }));
      if (c.status !== value) c.lastTransitionTime = now.toISOString().replace(/\.\d{3}Z$/, "Z");
      Object.assign(c, { status: value, reason, message });
    };
    const metricSpecs = recs(spec.metrics);
    const writeHpaStatus = async (current: number, desired: number, metrics: Json[], rescaled: boolean) => {
      const next: Json = {
        ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
        ...(rescaled ? { lastScaleTime: now.toISOString().replace(/\.\d{3}Z$/, "Z") } : status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
        currentReplicas: current,
        desiredReplicas: desired,
        ...(metrics.length ? { currentMetrics: metrics } : {}),
        conditions,
      };
      await writeStatus(this.ctx.client, HPAS, hpa, next);
    };

    const target = rec(spec.scaleTargetRef);
    const scaleRef = this.scaleRefOf(target, hpa.metadata.namespace ?? "");
    let scale: StoredObject;
    try {
      if (typeof scaleRef === "string") throw new Error(scaleRef);
      scale = await this.ctx.client.get(scaleRef);
    } catch (error) {
      const message = (error as Error).message;
      this.events.warning(hpa, "FailedGetScale", message);
      setCondition("AbleToScale", "False", "FailedGetScale", `the HPA controller was unable to get the target's current scale: ${message}`);
      await writeHpaStatus(Number(status.currentReplicas ?? 0), Number(status.desiredReplicas ?? 0), recs(status.currentMetrics), false);
      return;
    }
    setCondition("AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale");

    const current = Number(rec(scale.spec).replicas ?? 0);
    const memory = this.memory.get(key) ?? new HpaMemory();
    this.memory.set(key, memory);
    // recordInitialRecommendation: scale-down waits for its window from the HPA's first sync.
    memory.recommendations ??= [{ replicas: current, at: now.getTime() }];
    const min = typeof spec.minReplicas === "number" ? spec.minReplicas : 1;
    const max = Number(spec.maxReplicas ?? 0);
    let desired = 0;
    let reason = "";
    let metricStatuses: Json[] = [];
    let rescale = true;

    if (current === 0 && min !== 0) {
      rescale = false;
      setCondition("ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
    } else if (current > max) {
      reason = "Current number of replicas above Spec.MaxReplicas";
      desired = max;
    } else if (current < min) {
      reason = "Current number of replicas below Spec.MinReplicas";
      desired = min;
    } else {
      const selectorText = String(rec(scale.status).selector ?? "");
      if (!selectorText) {
        this.events.warning(hpa, "SelectorRequired", "selector is required");
        setCondition("ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector");
        await writeHpaStatus(current, Number(status.desiredReplicas ?? current), recs(status.currentMetrics), false);
        return;
      }
      const outcomes = await this.computeMetrics(hpa, metricSpecs, current, selectorText, now.getTime());
      metricStatuses = outcomes.map((o) => o.status);
      const failures = outcomes.filter((o) => o.failure);
      let proposal = 0;
      let metricName = "";
      for (const o of outcomes) {
        if (o.replicas !== undefined && (proposal === 0 || o.replicas > proposal)) {
          proposal = o.replicas;
          metricName = o.name ?? "";
        }
      }
      if (failures.length >= outcomes.length || (failures.length > 0 && proposal < current)) {
        const first = failures[0]?.failure ?? { reason: "InvalidMetricSourceType", message: "the HPA was unable to compute the replica count: no metrics" };
        setCondition("ScalingActive", "False", first.reason, first.message);
        this.events.warning(hpa, "FailedComputeMetricsReplicas", `invalid metrics (${failures.length} invalid out of ${outcomes.length}), first error is: ${first.message.replace(/^the HPA was unable to compute the replica count: /, "")}`);
        await writeHpaStatus(current, Number(status.desiredReplicas ?? current), metricStatuses, false);
        return;
      }
      setCondition("ScalingActive", "True", "ValidMetricFound", `the HPA was able to successfully calculate a replica count from ${metricName}`);
      let rescaleMetric = "";
      if (proposal > desired) {
        desired = proposal;
        rescaleMetric = metricName;
      }
      if (desired > current) reason = `${rescaleMetric} above target`;
      if (desired < current) reason = "All metrics below target";
      const behavior = behaviorOf(spec);
      const normalized = normalize({ memory, behavior, current, desired, min, max, now: now.getTime() });
      setCondition("AbleToScale", "True", normalized.ableToScale.reason, normalized.ableToScale.message);
      setCondition("ScalingLimited", normalized.limited.status, normalized.limited.reason, normalized.limited.message);
      desired = normalized.replicas;
      rescale = desired !== current;
    }

    if (rescale && !(current === 0 && min !== 0)) {
      try {
        await this.ctx.client.update(scaleRef as ResourceRef, { ...scale, spec: { ...rec(scale.spec), replicas: desired } });
      } catch (error) {
        const message = (error as Error).message;
        this.events.warning(hpa, "FailedRescale", `New size: ${desired}; reason: ${reason}; error: ${message}`);
        setCondition("AbleToScale", "False", "FailedUpdateScale", `the HPA controller was unable to update the target scale: ${message}`);
        await writeHpaStatus(current, Number(status.desiredReplicas ?? current), metricStatuses, false);
        throw error;
      }
      setCondition("AbleToScale", "True", "SucceededRescale", `the HPA controller was able to update the target scale to ${desired}`);
      this.events.normal(hpa, "SuccessfulRescale", `New size: ${desired}; reason: ${reason}`);
      recordScale(memory, behaviorOf(spec), current, desired, now.getTime());
    } else {
      desired = current;
      rescale = false;
    }
    await writeHpaStatus(current, desired, metricStatuses, rescale);
  }

  /** The target's scale subresource, or why it cannot be named (a RESTMapper error). */
  private scaleRefOf(target: Json, namespace: string): ResourceRef | string {
    const apiVersion = String(target.apiVersion ?? "");
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const kind = String(target.kind ?? "");
    const d: ResourceDescriptor | undefined =
      this.ctx.descriptors.find((x) => x.group === group && x.version === version && x.kind === kind) ?? this.ctx.descriptors.find((x) => x.group === group && x.kind === kind);
    if (!d) return `unable to determine resource for scale target reference: no matches for kind "${kind}" in group "${group ?? ""}"`;
    if (!d.subresources.includes("scale")) return `${d.plural}.${d.group} "${String(target.name ?? "")}" does not support the scale subresource`;
    return { group: d.group || undefined, version: d.version, plural: d.plural, namespace, name: String(target.name ?? ""), subresource: "scale" };
  }

  private async computeMetrics(hpa: StoredObject, specs: Json[], current: number, selectorText: string, now: number): Promise<MetricOutcome[]> {
    const namespace = hpa.metadata.namespace ?? "";
    let selector: ReturnType<typeof parseLabelSelector>;
    try {
      selector = parseLabelSelector(selectorText);
    } catch (error) {
      const message = `couldn't convert selector into a corresponding internal selector object: ${(error as Error).message}`;
      this.events.warning(hpa, "InvalidSelector", message);
      return specs.map(() => ({ status: { type: "" }, failure: { reason: "InvalidSelector", message } }));
    }
    const pods = this.pods.byIndex(PODS_BY_NAMESPACE, namespace).filter((p) => matchesLabels(selector, p.metadata.labels));
    let metricItems: StoredObject[] | undefined;
    const podMetricItems = async () => (metricItems ??= (await this.ctx.client.list({ ...POD_METRICS, namespace }, { labelSelector: selectorText })).items);
    const out: MetricOutcome[] = [];
    for (const m of specs) {
      const type = String(m.type ?? "");
      if (type !== "Resource" && type !== "ContainerResource") {
        const api = type === "External" ? "external.metrics.k8s.io" : "custom.metrics.k8s.io";
        const reason = type === "Pods" ? "FailedGetPodsMetric" : type === "Object" ? "FailedGetObjectMetric" : type === "External" ? "FailedGetExternalMetric" : "InvalidMetricSourceType";
        const err = `failed to get ${type.toLowerCase()} metric value: unable to fetch metrics from the ${api} API: the server could not find the requested resource`;
        this.events.warning(hpa, reason, err);
        out.push({ status: { type: "" }, failure: { reason, message: `the HPA was unable to compute the replica count: ${err}` } });
        continue;
      }
      const source = rec(type === "Resource" ? m.resource : m.containerResource);
      const resource = String(source.name ?? "");
      const container = type === "ContainerResource" ? String(source.container ?? "") : undefined;
      const targetSpec = rec(source.target);
      try {
        const metrics = this.metricsOf(await podMetricItems(), resource, container);
        const statusKey = type === "Resource" ? "resource" : "containerResource";
        const identity = { name: resource, ...(container !== undefined ? { container } : {}) };
        const averageValue = parseMilli(targetSpec.averageValue);
        if (averageValue) {
          const r = rawResourceReplicas({ current, targetAverage: Number(averageValue.milli), resource, pods, metrics, now });
          out.push({
            replicas: r.replicas,
            name: `${resource} ${container !== undefined ? "container " : ""}resource`,
            status: { type, [statusKey]: { ...identity, current: { averageValue: formatMilli({ milli: BigInt(r.average), binary: false }) } } },
          });
          continue;
        }
        if (typeof targetSpec.averageUtilization !== "number") {
          throw new MetricError("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
        }
        const r = resourceReplicas({ current, targetUtilization: targetSpec.averageUtilization, resource, container, pods, metrics, now });
        out.push({
          replicas: r.replicas,
          name: `${resource} ${container !== undefined ? "container " : ""}resource utilization (percentage of request)`,
          status: { type, [statusKey]: { ...identity, current: { averageUtilization: r.utilization, averageValue: formatMilli({ milli: BigInt(r.rawAverage), binary: false }) } } },
        });
      } catch (error) {
        const what = typeof targetSpec.averageUtilization === "number" ? "utilization" : "usage";
        const inner = `failed to get ${resource} ${what}: ${(error as Error).message}`;
        const err = `failed to get ${resource} ${type === "Resource" ? "resource" : "container resource"} metric value: ${inner}`;
        const reason = type === "Resource" ? "FailedGetResourceMetric" : "FailedGetContainerResourceMetric";
        this.events.warning(hpa, reason, inner);
        out.push({ status: { type: "" }, failure: { reason, message: `the HPA was unable to compute the replica count: ${err}` } });
      }
    }
    return out;
  }

  /** GetResourceMetric: per pod, the sum of its containers' usage (or one container's), in milli-units. */
  private metricsOf(items: StoredObject[], resource: string, container: string | undefined): PodMetrics {
    if (items.length === 0) throw new MetricError("unable to get metrics for resource " + resource + ": no metrics returned from resource metrics API");
    const out: PodMetrics = new Map();
    for (const item of items) {
      const containers = recs((item as Json).containers);
      let total = 0;
      let found = container === undefined;
      for (const c of containers) {
        if (container !== undefined && c.name !== container) continue;
        found = true;
        total += Number(parseMilli(rec(c.usage)[resource])?.milli ?? 0n);
      }
      if (!found) {
        throw new MetricError(`unable to get metrics for resource ${resource}: failed to get container metrics: container ${container ?? ""} not present in metrics for pod ${item.metadata.namespace ?? ""}/${item.metadata.name ?? ""}`);
      }
      const timestamp = Date.parse(String((item as Json).timestamp ?? ""));
      const windowSeconds = parseFloat(String((item as Json).window ?? "0"));
      out.set(item.metadata.name ?? "", { value: total, timestamp, windowMs: windowSeconds * 1000 });
    }
    return out;
  }
}
