/**
 * The resource descriptors a CustomResourceDefinition serves (apiextensions-apiserver's crdHandler): one
 * per served version, all stored under the CRD's group and plural as the storage version (conversion
 * None rewrites apiVersion only), with the version's schema for validation, pruning, defaulting and
 * OpenAPI, its printer columns and its status/scale subresources.
 */
import type { FieldCause, PrinterColumn, ResourceDescriptor } from "../descriptor.js";
import type { KubeObject, StoredObject } from "../types.js";
import { ageCol, ALL_VERBS, nameCol } from "../core-v1.js";
import { age } from "../human-duration.js";
import { rec, recs, str } from "../object-fields.js";
import { readPath } from "./json-path.js";
import { applyDefaults, prune, validateValue, type JSONSchemaProps } from "./schema.js";
import { storageVersionOf } from "./crd-validation.js";
import { StatusError } from "../../apiserver/status.js";

type J = Record<string, unknown>;

/** kube-aware version order (v1 > v1beta2 > v1beta1 > v1alpha1 > other), as discovery lists them. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return { major: Number(m[1]), stage: m[2] === "alpha" ? 0 : m[2] === "beta" ? 1 : 2, minor: Number(m[3] ?? 0) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) return pb.stage - pa.stage || pb.major - pa.major || pb.minor - pa.minor;
  if (pa) return -1;
  if (pb) return 1;
  return a.localeCompare(b);
}

/** What a printer cell of a custom column holds (tableconvertor cellForJSONValue). */
function cell(column: J, obj: StoredObject, now: Date): unknown {
  const value = readPath(obj, str(column.jsonPath));
  if (value === undefined || value === null) return null;
  switch (str(column.type)) {
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date":
      if (typeof value !== "string") return null;
      return Number.isNaN(Date.parse(value)) ? "<invalid>" : age(value, now);
    default:
      // jsonpath prints strings bare and other values as JSON.
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

/** serveDefaultColumnsIfEmpty: without declared columns, custom resources show their age. */
const DEFAULT_COLUMNS: J[] = [{ name: "Age", type: "date", description: ageCol().description, jsonPath: ".metadata.creationTimestamp" }];

/** Everything but metadata (and status, when it is a subresource): what bumps metadata.generation. */
function generationContent(obj: KubeObject, statusSubresource: boolean): string {
  const { metadata: _m, status, ...rest } = obj;
  return JSON.stringify(statusSubresource ? rest : { ...rest, status });
}

export interface CustomResourceOptions {
  /** True while the CRD is being deleted: creates are refused, everything else still works. */
  terminating?: boolean;
}

/** The descriptors of a CRD's served versions, preferred (highest) version first. */
export function customResourceDescriptors(crd: StoredObject, options: CustomResourceOptions = {}): ResourceDescriptor[] {
  const spec = rec(crd.spec);
  const names = rec(spec.names);
  const group = str(spec.group);
  const plural = str(names.plural);
  const kind = str(names.kind);
  const storageVersion = storageVersionOf(crd) ?? "";
  const served = recs(spec.versions)
    .filter((v) => v.served === true)
    .sort((a, b) => compareVersions(str(a.name), str(b.name)));
  return served.map((v): ResourceDescriptor => {
    const version = str(v.name);
    const schema = rec(rec(v.schema).openAPIV3Schema) as JSONSchemaProps;
    const subresources = rec(v.subresources);
    const statusSubresource = "status" in subresources;
    const scale = "scale" in subresources ? rec(subresources.scale) : undefined;
    const declared = recs(v.additionalPrinterColumns);
    const columns = declared.length > 0 ? declared : DEFAULT_COLUMNS;
    const printerColumns: PrinterColumn[] = [
      nameCol(),
      ...columns.map((c) => ({
        name: str(c.name),
        type: str(c.type) as PrinterColumn["type"],
        ...(str(c.format) ? { format: str(c.format) } : {}),
        description: str(c.description),
        priority: (typeof c.priority === "number" && c.priority > 0 ? 1 : 0) as 0 | 1,
      })),
    ];
    const apiVersion = `${group}/${version}`;
    const defaults = (obj: KubeObject) => applyDefaults(schema, obj);
    const validate = (obj: StoredObject): FieldCause[] => {
      const { metadata: _metadata, ...content } = obj;
      return validateValue({ ...schema, properties: { ...schema.properties, metadata: { type: "object" } } }, content, "");
    };
    return {
      group,
      version,
      kind,
      plural,
      singular: str(names.singular),
      namespaced: spec.scope === "Namespaced",
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
      categories: Array.isArray(names.categories) ? names.categories.map(String) : [],
      verbs: [...ALL_VERBS],
      subresources: [...(statusSubresource ? ["status"] : []), ...(scale ? ["scale"] : [])],
      ...(scale ? { subresourceKinds: { scale: { group: "autoscaling", version: "v1", kind: "Scale" } } } : {}),
      ...(scale
        ? {
            scalePaths: {
              specReplicasPath: str(scale.specReplicasPath),
              statusReplicasPath: str(scale.statusReplicasPath),
              ...(str(scale.labelSelectorPath) ? { labelSelectorPath: str(scale.labelSelectorPath) } : {}),
            },
          }
        : {}),
      hasSpec: true,
      topLevelFields: Object.keys(schema.properties ?? {}).filter((k) => !["apiVersion", "kind", "metadata"].includes(k)),
      nameIsDnsLabel: false,
      columns: printerColumns,
      cells: (obj, now) => [obj.metadata.name ?? "", ...columns.map((c) => cell(c, obj, now))],
      fieldSelectors: {},
      customResource: true,
      openApiSchema: schema,
      pruneUnknownFields: (obj) => prune(schema, obj, "", true),
      strategy: {
        prepareForCreate(obj) {
          if (options.terminating) {
            throw new StatusError(405, "MethodNotAllowed", "create not allowed while custom resource definition is terminating", {
              group,
              kind: plural,
              causes: [{ field: "", reason: "MethodNotAllowed", message: "create is not supported" }],
            });
          }
          if (statusSubresource) delete obj.status;
          defaults(obj);
        },
        prepareForUpdate(obj, old) {
          defaults(obj);
          const changed = generationContent(obj, statusSubresource) !== generationContent(old, statusSubresource);
          obj.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
        },
        validate,
      },
      storage: {
        group,
        plural,
        toStorage: (obj) => ({ ...obj, apiVersion: `${group}/${storageVersion}` }),
        fromStorage: (obj) => {
          const read = { ...obj, apiVersion };
          // Defaults apply on read too, so objects stored before a default was added get it.
          defaults(read);
          return read;
        },
      },
    };
  });
}
