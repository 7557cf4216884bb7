import type { StoredObject } from "../../api/types.js";
import type { ResourceStore } from "../registry/resource-store.js";
import { errors, StatusError } from "../status.js";
import type { AdmissionAttributes, AdmissionPlugin } from "./admission.js";

/** The classes every cluster has (kube-apiserver creates them at start-up), with their values. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

/** scheduling.DefaultPriorityWhenNoDefaultClassExists. */
const DEFAULT_PRIORITY = 0;

interface ClassFacts {
  name: string;
  value: number;
  globalDefault: boolean;
  preemptionPolicy: string;
}

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

const factsOf = (pc: StoredObject): ClassFacts => ({
  name: pc.metadata.name ?? "",
  value: typeof pc.value === "number" ? pc.value : 0,
  globalDefault: pc.globalDefault === true,
  preemptionPolicy: typeof pc.preemptionPolicy === "string" && pc.preemptionPolicy ? pc.preemptionPolicy : "PreemptLowerPriority",
});

/**
 * The Priority admission plugin: a new pod's spec.priority (and preemptionPolicy) come from its
 * priorityClassName, or from the globalDefault class (then its name is filled in), or 0; an
 * unknown class or a hand-set priority that disagrees is refused as upstream refuses it. Updates
 * keep the stored priority. It also keeps PriorityClasses to one globalDefault.
 *
 * Named classes are read from storage on each create (exact); the globalDefault lookup uses a
 * cache of all classes fed by a storage watch, so pod creation never scans storage.
 */
export class PriorityAdmission {
  private classes?: Map<string, ClassFacts>;
  private loading?: Promise<Map<string, ClassFacts>>;
  private cancelWatch?: () => void;
  private closed = false;

  constructor(private readonly store: () => ResourceStore | undefined) {}

  plugin(): AdmissionPlugin {
    return {
      name: "Priority",
      admit: (attrs) => this.admit(attrs),
      validate: (attrs) => this.validateClass(attrs),
    };
  }

  close(): void {
    this.closed = true;
    this.cancelWatch?.();
    this.classes = undefined;
  }

  private async admit(attrs: AdmissionAttributes): Promise<void> {
    const { operation, descriptor: d, subresource, object, oldObject } = attrs;
    if (d.group !== "" || d.plural !== "pods" || subresource || !object) return;
    const spec = rec(object.spec);
    if (operation === "UPDATE") {
      // Priority and preemptionPolicy are immutable; an update that leaves them out keeps them.
      const old = rec(oldObject?.spec);
      if (spec.priority === undefined && old.priority !== undefined) spec.priority = old.priority;
      if (spec.preemptionPolicy === undefined && old.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
      object.spec = spec;
      return;
    }
    if (operation !== "CREATE") return;
    const forbidden = (why: string) => {
      const name = object.metadata.name || object.metadata.generateName || "Unknown";
      return errors.forbidden(`pods "${name}" is forbidden: ${why}`, { resource: "pods", group: "", kind: "Pod" }, name);
    };
    let priority: number;
    let preemptionPolicy: string;
    const className = typeof spec.priorityClassName === "string" ? spec.priorityClassName : "";
    if (!className) {
      const def = await this.defaultClass();
      priority = def?.value ?? DEFAULT_PRIORITY;
      preemptionPolicy = def?.preemptionPolicy ?? "PreemptLowerPriority";
      if (def) spec.priorityClassName = def.name;
    } else {
      const pc = await this.named(className);
      if (!pc) throw forbidden(`no PriorityClass with name ${className} was found`);
      priority = pc.value;
      preemptionPolicy = pc.preemptionPolicy;
    }
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
      throw forbidden(
        `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      );
    }
    spec.priority = priority;
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== preemptionPolicy) {
      throw forbidden(
        `the string value of PreemptionPolicy (${String(spec.preemptionPolicy)}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
      );
    }
    spec.preemptionPolicy = preemptionPolicy;
    object.spec = spec;
  }

  /** Only one PriorityClass may be the globalDefault. */
  private async validateClass(attrs: AdmissionAttributes): Promise<void> {
    const { operation, descriptor: d, object } = attrs;
    if (d.group !== "scheduling.k8s.io" || d.plural !== "priorityclasses" || !object) return;
    if ((operation !== "CREATE" && operation !== "UPDATE") || object.globalDefault !== true) return;
    const current = await this.defaultClass();
    if (current && current.name !== object.metadata.name) {
      throw errors.forbidden(
        `priorityclasses.scheduling.k8s.io "${object.metadata.name ?? ""}" is forbidden: PriorityClass ${current.name} is already marked as default. Only one default can exist`,
        { resource: "priorityclasses", group: "scheduling.k8s.io", kind: "PriorityClass" },
        object.metadata.name,
      );
    }
  }

  /** A class by name; the system classes resolve even before their objects exist. */
  private async named(name: string): Promise<ClassFacts | undefined> {
    const store = this.store();
    if (store) {
      try {
        return factsOf(await store.get(undefined, name));
      } catch (error) {
        if (!(error instanceof StatusError && error.code === 404)) throw error;
      }
    }
    const value = SYSTEM_PRIORITY_CLASSES[name];
    return value === undefined ? undefined : { name, value, globalDefault: false, preemptionPolicy: "PreemptLowerPriority" };
  }

  /** The globalDefault class (the lowest value if a race made several). */
  private async defaultClass(): Promise<ClassFacts | undefined> {
    const classes = await this.all();
    let found: ClassFacts | undefined;
    for (const c of classes?.values() ?? []) if (c.globalDefault && (!found || c.value < found.value)) found = c;
    return found;
  }

  private async all(): Promise<Map<string, ClassFacts> | undefined> {
    const store = this.store();
    if (!store || this.closed) return undefined;
    if (this.classes) return this.classes;
    this.loading ??= this.load(store).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(store: ResourceStore): Promise<Map<string, ClassFacts>> {
    const page = await store.list(undefined);
    const classes = new Map(page.items.map((pc) => [pc.metadata.name ?? "", factsOf(pc)]));
    this.cancelWatch?.();
    this.cancelWatch = store.watch(
      undefined,
      Number(page.resourceVersion),
      (type, obj) => {
        if (type === "DELETED") classes.delete(obj.metadata.name ?? "");
        else classes.set(obj.metadata.name ?? "", factsOf(obj));
      },
      () => {
        // Compacted or closed: the next lookup lists again.
        if (this.classes === classes) this.classes = undefined;
      },
    );
    if (!this.closed) this.classes = classes;
    return classes;
  }
}

/** The plugin over the handler's PriorityClass store (absent until scheduling.k8s.io/v1 is served). */
export function priorityAdmission(stores: { store(group: string, version: string, plural: string): ResourceStore | undefined }): PriorityAdmission {
  return new PriorityAdmission(() => stores.store("scheduling.k8s.io", "v1", "priorityclasses"));
}
