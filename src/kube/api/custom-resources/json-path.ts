/**
 * The JSONPath subset CRDs use for printer columns and scale paths: `.a.b`, `.a[0].b`, `.a['b.c']`
 * (client-go's jsonpath handles more; printer columns in practice use these forms).
 */

type Step = string | number;

/** The steps of a simple path, or undefined when it is not one minieks can evaluate. */
export function parseSimplePath(path: string): Step[] | undefined {
  const text = path.replace(/^\{(.*)\}$/, "$1").trim();
  if (!text.startsWith(".")) return undefined;
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let at = 0;
  if (text === ".") return steps;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[3] ?? m[4] ?? "");
    at = re.lastIndex;
  }
  return steps;
}

/** The value at a simple path, or undefined when any step is missing. */
export function readPath(obj: unknown, path: string): unknown {
  const steps = parseSimplePath(path);
  if (!steps) return undefined;
  let cur: unknown = obj;
  for (const step of steps) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = typeof step === "number" ? (Array.isArray(cur) ? cur[step] : undefined) : Array.isArray(cur) ? undefined : (cur as Record<string, unknown>)[step];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Sets the value at a dotted path (`.spec.replicas`), creating objects on the way. */
export function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const steps = parseSimplePath(path);
  if (!steps || steps.length === 0 || steps.some((s) => typeof s === "number")) throw new Error(`cannot write to path ${path}`);
  let cur = obj;
  for (const step of steps.slice(0, -1) as string[]) {
    const next = cur[step];
    if (next === null || typeof next !== "object" || Array.isArray(next)) cur[step] = {};
    cur = cur[step] as Record<string, unknown>;
  }
  cur[steps[steps.length - 1] as string] = value;
}
