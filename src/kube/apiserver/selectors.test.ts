import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  SelectorParseError,
  fieldSelectorFields,
  formatFieldSelector,
  formatLabelSelector,
  labelSelectorFromObject,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type LabelRequirement,
} from "./selectors.js";
import { goQuote } from "../../shared/go-format.js";
import { seededRandom } from "../../shared/seeded-random.js";

const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const req = (key: string, operator: LabelRequirement["operator"], ...values: string[]): LabelRequirement => ({
  key,
  operator,
  values,
});

describe("parseLabelSelector", () => {
  const valid: [string, LabelRequirement[], string][] = [
    ["", [], ""],
    ["  \t ", [], ""],
    ["app=web", [req("app", "=", "web")], "app=web"],
    ["app==web", [req("app", "==", "web")], "app==web"],
    ["app!=web", [req("app", "!=", "web")], "app!=web"],
    ["app=", [req("app", "=", "")], "app="],
    ["app", [req("app", "exists")], "app"],
    ["!app", [req("app", "!")], "!app"],
    [" ! app ", [req("app", "!")], "!app"],
    ["env in (prod, dev)", [req("env", "in", "dev", "prod")], "env in (dev,prod)"],
    ["env notin (prod)", [req("env", "notin", "prod")], "env notin (prod)"],
    ["x in (foo,,baz),y,z notin ()", [req("x", "in", "", "baz", "foo"), req("y", "exists"), req("z", "notin", "")], "x in (,baz,foo),y,z notin ()"],
    ["x in (,a)", [req("x", "in", "", "a")], "x in (,a)"],
    ["x in (a,)", [req("x", "in", "", "a")], "x in (,a)"],
    ["x in (b,a,b)", [req("x", "in", "a", "b")], "x in (a,b)"],
    ["in in (in, notin)", [req("in", "in", "in", "notin")], "in in (in,notin)"],
    ["notin=in", [req("notin", "=", "in")], "notin=in"],
    ["b=1,a=2", [req("a", "=", "2"), req("b", "=", "1")], "a=2,b=1"],
    ["replicas>3", [req("replicas", "gt", "3")], "replicas>3"],
    ["replicas<3", [req("replicas", "lt", "3")], "replicas<3"],
    ["app.kubernetes.io/name=web", [req("app.kubernetes.io/name", "=", "web")], "app.kubernetes.io/name=web"],
    ["a=b,a!=c", [req("a", "=", "b"), req("a", "!=", "c")], "a=b,a!=c"],
    ["a\n=\rb", [req("a", "=", "b")], "a=b"],
    [`k=${"v".repeat(63)}`, [req("k", "=", "v".repeat(63))], `k=${"v".repeat(63)}`],
  ];
  for (const [text, requirements, canonical] of valid) {
    it(`parses ${JSON.stringify(text)}`, () => {
      const sel = parseLabelSelector(text);
      assert.deepEqual(sel.requirements, requirements);
      assert.equal(formatLabelSelector(sel), canonical);
      assert.deepEqual(parseLabelSelector(canonical), sel);
    });
  }

  const invalid: [string, string][] = [
    [
      "app=a@b",
      `unable to parse requirement: values[0][app]: Invalid value: "a@b": ${LABEL_VALUE_RULE}`,
    ],
    ["a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ["a=b c", "found 'c', expected: ',' or 'end of string'"],
    ["!a=b", "found '=', expected: ',' or 'end of string'"],
    ["a=b,", "found '', expected: identifier after ','"],
    [",a", "found ',', expected: !, identifier, or 'end of string'"],
    ["=a", "found '=', expected: !, identifier, or 'end of string'"],
    ["!", "unable to parse requirement: found '', expected: identifier"],
    ["a in", "unable to parse requirement: found '' expected: '('"],
    ["a in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ["a in (a", "unable to parse requirement: found '', expected: ',' or ')'"],
    ["a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ["a in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"],
    ["a=(", "unable to parse requirement: found '(', expected: identifier"],
    ["a!!=b", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ["a>abc", `unable to parse requirement: values[0]: Invalid value: "abc": for 'Gt', 'Lt' operators, the value must be an integer`],
    ["a>-1", `unable to parse requirement: values[0][a]: Invalid value: "-1": ${LABEL_VALUE_RULE}`],
    ["-a", `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_PART_RULE}`],
    ["/a", `unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty`],
    ["a/", `unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; ${NAME_PART_RULE}`],
    [
      "Ex.com/a",
      `unable to parse requirement: <nil>: Invalid value: "Ex.com/a": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
    [
      "a/b/c",
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [`${"k".repeat(64)}`, `unable to parse requirement: <nil>: Invalid value: "${"k".repeat(64)}": name part must be no more than 63 characters`],
    [`k=${"v".repeat(64)}`, `unable to parse requirement: values[0][k]: Invalid value: "${"v".repeat(64)}": must be no more than 63 characters`],
    [
      "a in (y@, x@)",
      `unable to parse requirement: [values[0][a]: Invalid value: "x@": ${LABEL_VALUE_RULE}, values[1][a]: Invalid value: "y@": ${LABEL_VALUE_RULE}]`,
    ],
    ["a=\"b\"", `unable to parse requirement: values[0][a]: Invalid value: "\\"b\\"": ${LABEL_VALUE_RULE}`],
    ["a=é", `unable to parse requirement: values[0][a]: Invalid value: "é": ${LABEL_VALUE_RULE}`],
  ];
  for (const [text, message] of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseLabelSelector(text), (err: unknown) => {
        assert.ok(err instanceof SelectorParseError);
        assert.equal(err.message, message);
        return true;
      });
    });
  }

  it("stops at a NUL character as upstream's lexer does", () => {
    assert.deepEqual(parseLabelSelector("a=b\0").requirements, [req("a", "=", "b")]);
    assert.throws(() => parseLabelSelector("a=b\0c"), { message: "found 'c', expected: ',' or 'end of string'" });
  });
});

describe("matchesLabels", () => {
  const labels = { app: "web", tier: "front", replicas: "5", empty: "" };
  const cases: [string, boolean][] = [
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app=db", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app!=web", false],
    ["app in (web,db)", true],
    ["app in (db)", false],
    ["missing in (x)", false],
    ["app notin (db)", true],
    ["app notin (web)", false],
    ["missing notin (x)", true],
    ["app", true],
    ["missing", false],
    ["!missing", true],
    ["!app", false],
    ["empty=", true],
    ["empty", true],
    ["missing=", false],
    ["replicas>4", true],
    ["replicas>5", false],
    ["replicas<6", true],
    ["app>1", false],
    ["missing<1", false],
    ["app=web,tier=front", true],
    ["app=web,tier=back", false],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => {
      assert.equal(matchesLabels(parseLabelSelector(text), labels), expected);
    });
  }

  it("treats absent labels as none", () => {
    assert.equal(matchesLabels(parseLabelSelector("!a"), undefined), true);
    assert.equal(matchesLabels(parseLabelSelector("a"), undefined), false);
    assert.equal(matchesLabels(parseLabelSelector(""), undefined), true);
  });

  it("does not read inherited properties as labels", () => {
    assert.equal(matchesLabels(parseLabelSelector("constructor"), {}), false);
    assert.equal(matchesLabels(parseLabelSelector("!toString"), {}), true);
  });
});

describe("labelSelectorFromObject", () => {
  it("selects nothing for null and everything for an empty selector", () => {
    const nothing = labelSelectorFromObject(null);
    assert.equal(matchesLabels(nothing, {}), false);
    assert.equal(formatLabelSelector(nothing), "");
    assert.equal(matchesLabels(labelSelectorFromObject(undefined), { a: "b" }), false);
    assert.equal(matchesLabels(labelSelectorFromObject({}), {}), true);
    assert.equal(matchesLabels(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }), {}), true);
  });

  it("converts matchLabels and matchExpressions", () => {
    const sel = labelSelectorFromObject({
      matchLabels: { tier: "front", app: "web" },
      matchExpressions: [
        { key: "env", operator: "In", values: ["prod", "dev"] },
        { key: "track", operator: "NotIn", values: ["canary"] },
        { key: "owner", operator: "Exists" },
        { key: "legacy", operator: "DoesNotExist", values: [] },
      ],
    });
    assert.equal(formatLabelSelector(sel), "app=web,env in (dev,prod),!legacy,owner,tier=front,track notin (canary)");
    assert.equal(matchesLabels(sel, { app: "web", tier: "front", env: "prod", owner: "me" }), true);
    assert.equal(matchesLabels(sel, { app: "web", tier: "front", env: "prod", owner: "me", track: "canary" }), false);
    assert.equal(matchesLabels(sel, { app: "web", tier: "front", env: "qa", owner: "me" }), false);
  });

  const invalid: [Parameters<typeof labelSelectorFromObject>[0], string][] = [
    [{ matchLabels: { app: "a b" } }, `values[0][app]: Invalid value: "a b": ${LABEL_VALUE_RULE}`],
    [{ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }, `"Gt" is not a valid label selector operator`],
    [{ matchExpressions: [{ key: "a", operator: "In", values: [] }] }, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: "a", operator: "NotIn" }] }, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    [
      { matchExpressions: [{ key: "a b", operator: "Exists", values: ["x"] }] },
      `[key: Invalid value: "a b": ${NAME_PART_RULE}, values: Invalid value: ["x"]: values set must be empty for exists and does not exist]`,
    ],
  ];
  for (const [sel, message] of invalid) {
    it(`rejects ${JSON.stringify(sel)}`, () => {
      assert.throws(() => labelSelectorFromObject(sel), (err: unknown) => {
        assert.ok(err instanceof SelectorParseError);
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});

describe("parseFieldSelector", () => {
  const valid: [string, [string, "=" | "!=", string][], string][] = [
    ["", [], ""],
    ["metadata.name=web", [["metadata.name", "=", "web"]], "metadata.name=web"],
    ["metadata.name==web", [["metadata.name", "=", "web"]], "metadata.name=web"],
    ["status.phase!=Running", [["status.phase", "!=", "Running"]], "status.phase!=Running"],
    ["spec.nodeName=", [["spec.nodeName", "=", ""]], "spec.nodeName="],
    [
      "status.phase=Running,metadata.namespace=default",
      [
        ["metadata.namespace", "=", "default"],
        ["status.phase", "=", "Running"],
      ],
      "metadata.namespace=default,status.phase=Running",
    ],
    ["a=b,,c=d", [["a", "=", "b"], ["c", "=", "d"]], "a=b,c=d"],
    ["a=x\\,y\\=z\\\\", [["a", "=", "x,y=z\\"]], "a=x\\,y\\=z\\\\"],
    ["a=b\\,", [["a", "=", "b,"]], "a=b\\,"],
    ["a!b=c", [["a!b", "=", "c"]], "a!b=c"],
    ["a =b", [["a ", "=", "b"]], "a =b"],
    ["=", [], ""],
    ["=x", [["", "=", "x"]], "=x"],
  ];
  for (const [text, expected, canonical] of valid) {
    it(`parses ${JSON.stringify(text)}`, () => {
      const sel = parseFieldSelector(text);
      assert.deepEqual(
        sel.requirements.map((r) => [r.field, r.operator, r.value]),
        expected,
      );
      assert.equal(formatFieldSelector(sel), canonical);
    });
  }

  const invalid: [string, string][] = [
    ["x", "invalid selector: 'x'; can't understand 'x'"],
    ["a=b,x", "invalid selector: 'a=b,x'; can't understand 'x'"],
    ["a=b=c", "invalid field selector: unescaped character in value: 61"],
    ["a=b\\x", "invalid field selector: invalid escape sequence: \\x"],
    ["a=b\\", "invalid field selector: invalid escape sequence: \\"],
  ];
  for (const [text, message] of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseFieldSelector(text), (err: unknown) => {
        assert.ok(err instanceof SelectorParseError);
        assert.equal(err.message, message);
        return true;
      });
    });
  }

  it("reports the first bad term in sorted order", () => {
    assert.throws(() => parseFieldSelector("z,y"), { message: "invalid selector: 'z,y'; can't understand 'y'" });
  });
});

describe("matchesFields", () => {
  const pod: Record<string, string | undefined> = { "metadata.name": "web", "status.phase": "Running" };
  const get = (field: string): string | undefined => pod[field];
  const cases: [string, boolean][] = [
    ["", true],
    ["metadata.name=web", true],
    ["metadata.name=db", false],
    ["status.phase!=Pending", true],
    ["status.phase!=Running", false],
    ["spec.nodeName=", true],
    ["spec.nodeName!=", false],
    ["metadata.name=web,status.phase=Running", true],
    ["metadata.name=web,status.phase=Failed", false],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => {
      assert.equal(matchesFields(parseFieldSelector(text), get), expected);
    });
  }

  it("lists the fields a selector uses", () => {
    assert.deepEqual(fieldSelectorFields(parseFieldSelector("spec.nodeName=n,metadata.name=a,metadata.name!=b")), [
      "metadata.name",
      "spec.nodeName",
    ]);
  });
});

describe("goQuote", () => {
  it("quotes like Go's %q", () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote("tab\there\n"), '"tab\\there\\n"');
    assert.equal(goQuote("\x01\x7f"), '"\\x01\\x7f"');
    assert.equal(goQuote("é😀"), '"é😀"');
    assert.equal(goQuote("\u00a0\u200b"), '"\\u00a0\\u200b"');
  });
});


const PIECES = [
  "a", "b", "app", "x1", "-", "_", ".", "/", "example.com/", "=", "==", "!=", "!", "(", ")", ",", " ", "\t", "\n",
  "in", "notin", " in ", ">", "<", "1", "-1", "\\", "\\,", "\\=", "é", "\0", "A", "Z9", "'", '"', "😀", "",
];

function randomInput(next: () => number): string {
  const n = Math.floor(next() * 12);
  let s = "";
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)] ?? "";
  return s;
}

describe("selector fuzzing", () => {
  it("label parsing returns a selector that round-trips, or throws SelectorParseError", () => {
    const next = seededRandom(0x5eed);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const text = randomInput(next);
      let sel;
      try {
        sel = parseLabelSelector(text);
      } catch (err) {
        assert.ok(err instanceof SelectorParseError, `${JSON.stringify(text)} threw ${String(err)}`);
        continue;
      }
      parsed++;
      assert.deepEqual(parseLabelSelector(formatLabelSelector(sel)), sel, JSON.stringify(text));
      matchesLabels(sel, { a: "b", app: "1" });
    }
    assert.ok(parsed > 100, `only ${parsed} inputs parsed`);
  });

  it("field parsing returns a selector that round-trips, or throws SelectorParseError", () => {
    const next = seededRandom(0xf1e1d);
    let parsed = 0;
    const sorted = (reqs: readonly object[]) => reqs.map((r) => JSON.stringify(r)).sort();
    for (let i = 0; i < 5000; i++) {
      const text = randomInput(next);
      let sel;
      try {
        sel = parseFieldSelector(text);
      } catch (err) {
        assert.ok(err instanceof SelectorParseError, `${JSON.stringify(text)} threw ${String(err)}`);
        continue;
      }
      parsed++;
      assert.deepEqual(sorted(parseFieldSelector(formatFieldSelector(sel)).requirements), sorted(sel.requirements), JSON.stringify(text));
      matchesFields(sel, () => "b");
    }
    assert.ok(parsed > 100, `only ${parsed} inputs parsed`);
  });
});
