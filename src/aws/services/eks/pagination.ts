import { AwsError } from "../../protocol/operation.js";

/** Opaque EKS `nextToken`: the offset into a sorted listing, so pages stay stable. */
export const encodeNextToken = (offset: number): string => Buffer.from(JSON.stringify({ o: offset })).toString("base64url");

export function decodeNextToken(token: string): number {
  try {
    const { o } = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown };
    if (typeof o === "number" && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through to the error below
  }
  throw new AwsError("InvalidParameterException", "The nextToken is not valid.", 400);
}
