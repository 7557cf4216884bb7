/**
 * Cells shared by the workload printers (printers.go layoutContainerCells, FormatLabelSelector).
 */
import { formatLabelSelector, labelSelectorFromObject, type LabelSelectorObject } from "../apiserver/selectors.js";

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as J) : {});
const recs = (v: unknown): J[] => (Array.isArray(v) ? v.filter((x): x is J => x !== null && typeof x === "object" && !Array.isArray(x)) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** layoutContainerCells: container names and images of a pod spec, each joined by commas. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = recs(rec(podSpec).containers);
  return [containers.map((c) => str(c.name)).join(","), containers.map((c) => str(c.image)).join(",")];
}

/** metav1.LabelSelectorAsSelector(sel).String(), or undefined when the selector does not convert. */
export function selectorString(selector: unknown): string | undefined {
  try {
    const sel = selector === undefined || selector === null ? undefined : (rec(selector) as LabelSelectorObject);
    return formatLabelSelector(labelSelectorFromObject(sel));
  } catch {
    return undefined;
  }
}

/** metav1.FormatLabelSelector: the selector's text, "<none>" when empty, "<error>" when invalid. */
export function formatSelectorCell(selector: unknown): string {
  const text = selectorString(selector);
  if (text === undefined) return "<error>";
  return text === "" ? "<none>" : text;
}
