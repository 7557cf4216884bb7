/**
 * A deep copy of JSON-shaped data (what API objects are: parsed JSON, built in code). It keeps what
 * structuredClone keeps for such data — own enumerable keys in order, undefined values, nulls — at
 * a fraction of its cost, which matters on the API's write path (several copies per write). Anything
 * that is not a plain object or array (a Date, a Map) is handed to structuredClone.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i] as unknown);
    return out as T;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = cloneJson((value as Record<string, unknown>)[key]);
    // A "__proto__" key (JSON.parse makes it an own property) must stay a key, not become the prototype.
    if (key === "__proto__") Object.defineProperty(out, key, { value: child, enumerable: true, writable: true, configurable: true });
    else out[key] = child;
  }
  return out as T;
}
