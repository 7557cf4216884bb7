import { XMLBuilder } from "fast-xml-parser";
import type { WireResponse } from "./rest-json.js";
import type { AwsError } from "./operation.js";

/**
 * The two form-encoded protocols: `query` (STS, IAM, CloudFormation: PascalCase XML,
 * `<member>` list items, a `<XResult>` wrapper) and its EC2 variant (lowerCamel XML,
 * `<item>` list items, no result wrapper). Handlers return objects already named as on
 * the wire; arrays become item lists, Dates ISO-8601 strings.
 */
export type QueryDialect = "query" | "ec2";

/**
 * Parses `Action=X&Filter.1.Name=a&Filter.1.Value.1=b&Tags.member.1.Key=k` into
 * `{ Action: "X", Filter: [{ Name: "a", Value: ["b"] }], Tags: [{ Key: "k" }] }`.
 * Numeric segments are 1-based list positions; the `member` segment of awsquery lists is dropped.
 */
export function parseQueryParams(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const segments = key.split(".").filter((s) => s !== "member" && s !== "");
    let node: Record<string, unknown> | unknown[] = root;
    segments.forEach((segment, i) => {
      const last = i === segments.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(segments[i + 1] ?? "");
      const slot: string | number = Array.isArray(node) ? Math.max(0, Number(segment) - 1) : segment;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[slot] = value;
        return;
      }
      const existing = container[slot];
      const wanted = nextIsIndex ? Array.isArray(existing) : isPlainObject(existing);
      if (!wanted) container[slot] = nextIsIndex ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    });
  }
  return compactArrays(root) as Record<string, unknown>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `Filter.3` without `Filter.2` must not leave holes. */
function compactArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactArrays);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactArrays(v)]));
  }
  return value;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: false });

function toXmlTree(value: unknown, itemName: string): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return { [itemName]: value.map((v) => toXmlTree(v, itemName)) };
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toXmlTree(v, itemName)]),
    );
  }
  return typeof value === "boolean" || typeof value === "number" ? String(value) : value;
}

const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function querySuccess(
  dialect: QueryDialect,
  action: string,
  xmlNamespace: string,
  output: unknown,
  requestId: string,
): WireResponse {
  const content = toXmlTree(output ?? {}, dialect === "ec2" ? "item" : "member") as Record<string, unknown>;
  const body =
    dialect === "ec2"
      ? { [`${action}Response`]: { "@_xmlns": xmlNamespace, requestId, ...content } }
      : {
          [`${action}Response`]: {
            "@_xmlns": xmlNamespace,
            [`${action}Result`]: content,
            ResponseMetadata: { RequestId: requestId },
          },
        };
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body: xmlDeclaration + builder.build(body),
  };
}

export function queryError(
  dialect: QueryDialect,
  xmlNamespace: string,
  error: AwsError,
  requestId: string,
): WireResponse {
  const body =
    dialect === "ec2"
      ? { Response: { Errors: { Error: { Code: error.code, Message: error.message } }, RequestID: requestId } }
      : {
          ErrorResponse: {
            "@_xmlns": xmlNamespace,
            Error: { Type: error.status >= 500 ? "Receiver" : "Sender", Code: error.code, Message: error.message },
            RequestId: requestId,
          },
        };
  return {
    status: error.status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body: xmlDeclaration + builder.build(body),
  };
}
