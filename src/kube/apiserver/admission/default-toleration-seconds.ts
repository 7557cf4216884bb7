import type { AdmissionPlugin } from "./admission.js";

export const NOT_READY_TAINT = "node.kubernetes.io/not-ready";
export const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
/** kube-apiserver's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export const DEFAULT_TOLERATION_SECONDS = 300;

type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };

/**
 * DefaultTolerationSeconds: every new pod tolerates the not-ready and unreachable NoExecute
 * taints for 300 s unless it already tolerates them, so taint-based eviction waits five minutes
 * before moving pods off a node that stopped responding.
 */
export function defaultTolerationSeconds(): AdmissionPlugin {
  return {
    name: "DefaultTolerationSeconds",
    admit({ operation, descriptor: d, subresource, object }) {
      if (operation !== "CREATE" || subresource || d.group !== "" || d.plural !== "pods" || !object) return;
      const spec = (object.spec ?? {}) as { tolerations?: Toleration[] };
      if (typeof spec !== "object" || Array.isArray(spec)) return;
      const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
      const tolerates = (taint: string) =>
        tolerations.some((t) => t && (t.key === taint || !t.key) && (t.effect === "NoExecute" || !t.effect));
      const added: Toleration[] = [];
      for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
        if (!tolerates(key)) added.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
      }
      if (added.length === 0) return;
      spec.tolerations = [...tolerations, ...added];
      object.spec = spec;
    },
  };
}
