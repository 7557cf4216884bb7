import { z } from "zod";
import { AwsError } from "../../protocol/operation.js";

/** EC2's request pieces every Describe* and Create* shares: filters, tag specifications, pages. */
export const filterList = z.array(z.object({ Name: z.string(), Value: z.array(z.string()).default([]) })).optional();
export const tagSpecifications = z
  .array(
    z.object({
      ResourceType: z.string().optional(),
      Tag: z.array(z.object({ Key: z.string(), Value: z.string().default("") })).default([]),
    }),
  )
  .optional();

export type Filters = z.infer<typeof filterList>;

/** EC2 filter names → the values a record has for them; `tag:<key>` and `tag-key` are generic. */
export function matchesFilters<T extends { tags: Record<string, string> }>(
  record: T,
  filters: Filters,
  fields: Record<string, (r: T) => string[]>,
): boolean {
  return (filters ?? []).every(({ Name, Value }) => {
    let values: string[];
    if (Name.startsWith("tag:")) values = record.tags[Name.slice(4)] !== undefined ? [record.tags[Name.slice(4)] ?? ""] : [];
    else if (Name === "tag-key") values = Object.keys(record.tags);
    else {
      const field = fields[Name];
      if (!field) throw new AwsError("InvalidParameterValue", `The filter '${Name}' is invalid`);
      values = field(record);
    }
    return Value.some((wanted) => values.some((v) => globMatch(wanted, v)));
  });
}

/** EC2 filter values accept `*` and `?` wildcards. */
const globMatch = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(value);

export const tagsFor = (resourceType: string, specs: z.infer<typeof tagSpecifications>): Record<string, string> =>
  Object.fromEntries(
    (specs ?? [])
      .filter((s) => !s.ResourceType || s.ResourceType === resourceType)
      .flatMap((s) => s.Tag.map((t) => [t.Key, t.Value])),
  );

export const tagSet = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

/** Opaque EC2 NextToken: the offset into a stable listing. */
export const encodeEc2Token = (offset: number): string => Buffer.from(`o:${offset}`).toString("base64url");

export function decodeEc2Token(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) throw new AwsError("InvalidParameterValue", `The value supplied for NextToken is invalid: '${token}'`);
  return Number(m[1]);
}

/** One page of `items` and the token of the next, as EC2's paginated Describe* calls answer. */
export function ec2Page<T>(items: T[], nextToken: string | undefined, maxResults: number | undefined): { page: T[]; nextToken?: string } {
  const start = decodeEc2Token(nextToken);
  if (maxResults === undefined) return { page: items.slice(start) };
  const end = start + maxResults;
  return { page: items.slice(start, end), ...(end < items.length ? { nextToken: encodeEc2Token(end) } : {}) };
}
