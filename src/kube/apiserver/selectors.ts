/**
 * Label and field selectors as kube-apiserver parses them (apimachinery v0.33 `pkg/labels/selector.go`,
 * `pkg/fields/selector.go`): same grammar, same normalisation (requirements sorted, values deduplicated),
 * same error texts, so `kubectl get -l`/`--field-selector` errors read exactly like a real cluster's.
 */

import { goQuote } from "../../shared/go-format.js";

/** A selector that cannot be parsed or validated. The message is upstream's, ready for a 400 Status. */
export class SelectorParseError extends Error {
  override readonly name = "SelectorParseError";
}

/** selection.Operator values, spelled as upstream spells them. */
export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and deduplicated when parsed from text; as given when built from a metav1.LabelSelector. */
  readonly values: readonly string[];
}

/** Requirements are ANDed; none matches everything. `nothing` (from a null metav1.LabelSelector) matches no object. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly nothing?: boolean;
}

/** metav1.LabelSelector as it appears in object specs. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] | null }[] | null;
}

export interface FieldRequirement {
  readonly field: string;
  /** `==` is folded into `=`, as upstream does. */
  readonly operator: "=" | "!=";
  /** Unescaped. */
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

// ---------------------------------------------------------------------------------------------
// Validation texts (apimachinery pkg/util/validation, pkg/util/validation/field)

const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

const byteLength = (s: string): number => Buffer.byteLength(s, "utf8");
const maxLenError = (n: number): string => `must be no more than ${n} characters`;

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${fmt}')`;
}

/** validation.IsQualifiedName: the label-key (and annotation-key) rules. */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = value;
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) {
      errs.push("prefix part must be non-empty");
    } else {
      if (byteLength(prefix) > 253) errs.push(`prefix part ${maxLenError(253)}`);
      if (!DNS1123_SUBDOMAIN_RE.test(prefix)) {
        errs.push(`prefix part ${regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com")}`);
      }
    }
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME_RE.test(name)) {
    errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`);
  }
  return errs;
}

/** validation.IsValidLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
  return errs;
}

/** Go's json.Marshal, which escapes HTML-sensitive characters. */
const goJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** field.Invalid(...).Error(): `<path>: Invalid value: <value>: <detail>`. */
function invalid(path: string, value: string | readonly string[] | null, detail: string): string {
  const shown = typeof value === "string" ? goQuote(value) : goJson(value);
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated inside brackets. */
function aggregate(msgs: string[]): string | undefined {
  const unique = [...new Set(msgs)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** labels.NewRequirement with a nil path: every problem of the requirement, or none. */
function requirementErrors(key: string, operator: LabelOperator, values: readonly string[] | null): string[] {
  const errs: string[] = [];
  const keyErrs = qualifiedNameErrors(key);
  if (keyErrs.length > 0) errs.push(invalid("key", key, keyErrs.join("; ")));
  const vals = values ?? [];
  switch (operator) {
    case "in":
    case "notin":
      if (vals.length === 0) errs.push(invalid("values", values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (vals.length !== 1) errs.push(invalid("values", values, "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (vals.length !== 0) errs.push(invalid("values", values, "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (vals.length !== 1) errs.push(invalid("values", values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  vals.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, valueErrs.join("; ")));
  });
  return errs;
}

const compareBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

function sortByKey(reqs: LabelRequirement[]): LabelRequirement[] {
  return reqs.sort((a, b) => compareBytes(a.key, b.key));
}

// ---------------------------------------------------------------------------------------------
// Label selector lexer and parser

type Token = "end" | "error" | "id" | "(" | ")" | "," | "!" | "=" | "==" | "!=" | ">" | "<" | "in" | "notin";

interface Scanned {
  tok: Token;
  lit: string;
}

const LITERAL_TOKENS = new Map<string, Token>([
  [")", ")"],
  [",", ","],
  ["!", "!"],
  ["==", "=="],
  ["=", "="],
  [">", ">"],
  ["in", "in"],
  ["<", "<"],
  ["!=", "!="],
  ["notin", "notin"],
  ["(", "("],
]);

/** In this order in upstream's "expected:" message. */
const BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

const isWhitespace = (ch: string): boolean => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
const SPECIAL = new Set(["=", "!", "(", ")", ",", ">", "<"]);
const isSpecial = (ch: string): boolean => SPECIAL.has(ch);

function lex(text: string): Scanned[] {
  let pos = 0;
  // A NUL character reads like the end of input, as upstream's byte-0 sentinel does.
  const read = (): string => (pos < text.length ? (text[pos++] ?? "\0") : "\0");
  const items: Scanned[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === "\0") {
      items.push({ tok: "end", lit: "" });
      return items;
    }
    pos--;
    if (isSpecial(ch)) {
      let buffer = "";
      let last: Scanned | undefined;
      for (;;) {
        const c = read();
        if (c === "\0") break;
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        buffer += c;
        const tok = LITERAL_TOKENS.get(buffer);
        if (tok) {
          last = { tok, lit: buffer };
        } else if (last) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: "error", lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = "";
      for (;;) {
        const c = read();
        if (c === "\0") break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buffer += c;
      }
      items.push({ tok: LITERAL_TOKENS.get(buffer) ?? "id", lit: buffer });
    }
  }
}

type Context = "keyAndOperator" | "values";

class LabelParser {
  private position = 0;
  constructor(private readonly items: Scanned[]) {}

  private peek(context: Context): Scanned {
    return this.inContext(this.items[Math.min(this.position, this.items.length - 1)], context);
  }

  private next(context: Context): Scanned {
    const item = this.items[Math.min(this.position, this.items.length - 1)];
    this.position++;
    return this.inContext(item, context);
  }

  /** 'in' and 'notin' are plain identifiers where values are expected: `in in (in)` is legal. */
  private inContext(item: Scanned | undefined, context: Context): Scanned {
    const it = item ?? { tok: "end", lit: "" };
    return context === "values" && (it.tok === "in" || it.tok === "notin") ? { tok: "id", lit: it.lit } : it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek("values");
      if (tok === "end") return reqs;
      if (tok !== "id" && tok !== "!") throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      let req: LabelRequirement;
      try {
        req = this.requirement();
      } catch (err) {
        if (err instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      reqs.push(req);
      const after = this.next("values");
      if (after.tok === "end") return reqs;
      if (after.tok !== ",") throw new SelectorParseError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek("values");
      if (following.tok !== "id" && following.tok !== "!") {
        throw new SelectorParseError(`found '${following.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    let unary: LabelOperator | undefined;
    let item = this.next("values");
    if (item.tok === "!") {
      unary = "!";
      item = this.next("values");
    }
    if (item.tok !== "id") throw new SelectorParseError(`found '${item.lit}', expected: identifier`);
    const key = item.lit;
    const keyErrs = qualifiedNameErrors(key);
    if (keyErrs.length > 0) throw new SelectorParseError(invalid("<nil>", key, keyErrs.join("; ")));
    const ahead = this.peek("values").tok;
    if (unary === undefined && (ahead === "end" || ahead === ",")) unary = "exists";
    if (unary) return makeRequirement(key, unary, []);

    const op = this.next("keyAndOperator");
    let operator: LabelOperator;
    switch (op.tok) {
      case "in":
      case "notin":
      case "=":
      case "==":
      case "!=":
        operator = op.tok;
        break;
      case ">":
        operator = "gt";
        break;
      case "<":
        operator = "lt";
        break;
      default:
        throw new SelectorParseError(`found '${op.lit}', expected: ${BINARY_OPERATORS}`);
    }
    const values = operator === "in" || operator === "notin" ? this.valueSet() : this.exactValue();
    return makeRequirement(key, operator, [...new Set(values)].sort(compareBytes));
  }

  private valueSet(): string[] {
    const open = this.next("values");
    if (open.tok !== "(") throw new SelectorParseError(`found '${open.lit}' expected: '('`);
    const first = this.peek("values");
    if (first.tok === ")") {
      this.next("values");
      return [""];
    }
    if (first.tok !== "id" && first.tok !== ",") {
      throw new SelectorParseError(`found '${first.lit}', expected: ',', ')' or identifier`);
    }
    const values = this.identifierList();
    this.next("values");
    return values;
  }

  /** Comma-separated, possibly empty identifiers up to (not including) ')': `(,a,,b,)` holds "", a, b. */
  private identifierList(): string[] {
    const values: string[] = [];
    for (;;) {
      const item = this.next("values");
      if (item.tok === "id") {
        values.push(item.lit);
        const ahead = this.peek("values");
        if (ahead.tok === ")") return values;
        if (ahead.tok !== ",") throw new SelectorParseError(`found '${ahead.lit}', expected: ',' or ')'`);
      } else if (item.tok === ",") {
        if (values.length === 0) values.push("");
        const ahead = this.peek("values").tok;
        if (ahead === ")") {
          values.push("");
          return values;
        }
        if (ahead === ",") {
          this.next("values");
          values.push("");
        }
      } else {
        throw new SelectorParseError(`found '${item.lit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): string[] {
    const ahead = this.peek("values").tok;
    if (ahead === "end" || ahead === ",") return [""];
    const item = this.next("values");
    if (item.tok === "id") return [item.lit];
    throw new SelectorParseError(`found '${item.lit}', expected: identifier`);
  }
}

function makeRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const msg = aggregate(requirementErrors(key, operator, values));
  if (msg !== undefined) throw new SelectorParseError(msg);
  return { key, operator, values };
}

/**
 * Parse a `labelSelector` query value (labels.Parse): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`,
 * `a`, `!a`, `a>1`, `a<1`, comma-separated and ANDed. The empty string selects everything.
 * @throws SelectorParseError with upstream's message.
 */
export function parseLabelSelector(text: string): LabelSelector {
  return { requirements: sortByKey(new LabelParser(lex(text)).parse()) };
}

/**
 * metav1.LabelSelectorAsSelector: `null`/`undefined` selects nothing, an empty selector everything.
 * @throws SelectorParseError for an unknown operator or an invalid key or value.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return { requirements: [], nothing: true };
  const reqs: LabelRequirement[] = [];
  const matchLabels = sel.matchLabels ?? {};
  for (const key of Object.keys(matchLabels).sort(compareBytes)) {
    reqs.push(makeRequirement(key, "=", [matchLabels[key] ?? ""]));
  }
  for (const expr of sel.matchExpressions ?? []) {
    const operator = EXPRESSION_OPERATORS[expr.operator];
    if (operator === undefined) throw new SelectorParseError(`${goQuote(expr.operator)} is not a valid label selector operator`);
    const values = expr.values && expr.values.length > 0 ? [...expr.values] : null;
    const msg = aggregate(requirementErrors(expr.key, operator, values));
    if (msg !== undefined) throw new SelectorParseError(msg);
    reqs.push({ key: expr.key, operator, values: values ?? [] });
  }
  return { requirements: sortByKey(reqs) };
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator | undefined> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

function requirementMatches(req: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.operator) {
    case "in":
    case "=":
    case "==":
      return has && req.values.includes(value ?? "");
    case "notin":
    case "!=":
      return !has || !req.values.includes(value ?? "");
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      const actual = has ? parseInt64(value ?? "") : undefined;
      const wanted = req.values.length === 1 ? parseInt64(req.values[0] ?? "") : undefined;
      if (actual === undefined || wanted === undefined) return false;
      return req.operator === "gt" ? actual > wanted : actual < wanted;
    }
  }
}

/** Whether an object with these labels (absent labels = none) is selected. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (selector.nothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((req) => requirementMatches(req, set));
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  "=": "=",
  "==": "==",
  "!=": "!=",
  in: " in ",
  notin: " notin ",
  gt: ">",
  lt: "<",
  exists: "",
  "!": "",
};

/** Selector.String(): the canonical text (sorted requirements and values), which parses back to the same selector. */
export function formatLabelSelector(selector: LabelSelector): string {
  if (selector.nothing) return "";
  return selector.requirements
    .map((req) => {
      if (req.operator === "exists") return req.key;
      if (req.operator === "!") return `!${req.key}`;
      const values = req.values.length === 1 ? (req.values[0] ?? "") : [...req.values].sort(compareBytes).join(",");
      const set = req.operator === "in" || req.operator === "notin";
      return `${req.key}${OPERATOR_TEXT[req.operator]}${set ? `(${values})` : values}`;
    })
    .join(",");
}

// ---------------------------------------------------------------------------------------------
// Field selectors

/** Split on commas that are not escaped by a backslash. */
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (escaped) escaped = false;
    else if (c === "\\") escaped = true;
    else if (c === ",") {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

const TERM_OPERATORS = ["!=", "==", "="] as const;

function splitTerm(term: string): [string, (typeof TERM_OPERATORS)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** fields.UnescapeValue. */
function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === "\\") {
      escaped = true;
    } else if (c === "," || c === "=") {
      // Upstream prints the rune with %v, i.e. as its number.
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new SelectorParseError("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** fields.EscapeValue: `\` `,` `=` get a backslash. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Parse a `fieldSelector` query value (fields.ParseSelector): `f=v`, `f==v`, `f!=v`, comma-separated and ANDed;
 * values may escape `\,` `\=` `\\`. Field names are not checked here: see {@link fieldSelectorFields}.
 * @throws SelectorParseError with upstream's message.
 */
export function parseFieldSelector(text: string): FieldSelector {
  const parts = splitTerms(text).sort(compareBytes);
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const split = splitTerm(part);
    if (!split) throw new SelectorParseError(`invalid selector: '${text}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    const value = unescapeFieldValue(rhs);
    // Upstream's Transform drops a term whose field and value are both empty.
    if (field === "" && value === "") continue;
    requirements.push({ field, operator: op === "!=" ? "!=" : "=", value });
  }
  return { requirements };
}

/** Whether an object is selected; `get` returns a field's value, and a missing field counts as "". */
export function matchesFields(selector: FieldSelector, get: (field: string) => string | undefined): boolean {
  return selector.requirements.every((req) => ((get(req.field) ?? "") === req.value) === (req.operator === "="));
}

/** The distinct field names a selector uses, in order, so the caller can reject the ones its kind does not support. */
export function fieldSelectorFields(selector: FieldSelector): string[] {
  return [...new Set(selector.requirements.map((req) => req.field))];
}

/** Selector.String(): `f=v` / `f!=v` with escaped values, comma-joined. */
export function formatFieldSelector(selector: FieldSelector): string {
  return selector.requirements.map((req) => `${req.field}${req.operator}${escapeFieldValue(req.value)}`).join(",");
}
