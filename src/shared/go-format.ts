/**
 * Go's formatting where Kubernetes error messages show it verbatim: users and clients match
 * these texts, so values must be quoted exactly as Go's %q does.
 */

/** Go's strconv.Quote, which field errors use to print string values (`%q`). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\v") out += "\\v";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (ch === " " || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (c > 0xffff) out += `\\U${c.toString(16).padStart(8, "0")}`;
    else out += `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return `${out}"`;
}
