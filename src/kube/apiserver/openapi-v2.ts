/**
 * The /openapi/v2 document (Swagger 2.0), derived from the per-group-version OpenAPI 3 documents so
 * both always describe the same schemas and operations.
 *
 * Who reads it: kubectl 1.27/1.28 fetch it on every apply (strategic-merge metadata, `explain
 * --output=plaintext-openapiv2`), newer kubectl only when v3 lacks a kind. client-go decodes it as
 * protobuf (gnostic `openapi_v2.Document`); JSON is served when the client asks for it.
 */
import protobuf from "protobufjs";
import type { Schema } from "./openapi-schemas.js";
import type { OpenApiV3Document } from "./openapi.js";

/** A Swagger 2.0 document as kube-apiserver serves it. */
export interface SwaggerDocument {
  swagger: "2.0";
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Record<string, Schema>;
  security: Record<string, string[]>[];
  securityDefinitions: Record<string, Schema>;
}

const V3_REF = "#/components/schemas/";
const V2_REF = "#/definitions/";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"] as const;

/** A v3 schema in v2 form: definitions refs, and a lone `allOf: [$ref]` (v3's way to describe a ref) as a plain $ref. */
export function swaggerSchema(s: Schema): Schema {
  const out: Schema = {};
  const allOf = s.allOf as Schema[] | undefined;
  for (const [k, v] of Object.entries(s)) {
    if (k === "$ref") out.$ref = String(v).replace(V3_REF, V2_REF);
    else if (k === "allOf" && allOf?.length === 1 && typeof allOf[0]?.$ref === "string") out.$ref = String(allOf[0].$ref).replace(V3_REF, V2_REF);
    else if (k === "default" && allOf) continue; // upstream v2 refs carry no default
    else if (k === "nullable") continue;
    else if (k === "properties") out.properties = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([n, p]) => [n, swaggerSchema(p)]));
    else if ((k === "items" || k === "additionalProperties") && v && typeof v === "object") out[k] = swaggerSchema(v as Schema);
    else if (k === "allOf" || k === "oneOf" || k === "anyOf") out[k] = (v as Schema[]).map(swaggerSchema);
    else out[k] = v;
  }
  return out;
}

interface V3Operation {
  parameters?: Schema[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  [k: string]: unknown;
}

function swaggerParameter(p: Schema): Schema {
  const schema = (p.schema ?? {}) as Schema;
  return { ...(schema.uniqueItems ? { uniqueItems: true } : {}), type: schema.type, description: p.description, name: p.name, in: p.in, ...(p.required ? { required: true } : {}) };
}

function swaggerOperation(op: V3Operation): Record<string, unknown> {
  const { parameters, requestBody, responses, ...rest } = op;
  const params = (parameters ?? []).map(swaggerParameter);
  let consumes = ["*/*"];
  if (requestBody) {
    consumes = Object.keys(requestBody.content);
    const first = Object.values(requestBody.content)[0];
    params.unshift({ name: "body", in: "body", required: true, schema: swaggerSchema(first?.schema ?? {}) });
  }
  let produces: string[] = [];
  const v2Responses: Record<string, Schema> = {};
  for (const [code, r] of Object.entries(responses)) {
    const content = r.content ? Object.values(r.content)[0] : undefined;
    if (r.content && produces.length === 0) produces = Object.keys(r.content);
    v2Responses[code] = { description: r.description, ...(content ? { schema: swaggerSchema(content.schema) } : {}) };
  }
  return {
    description: rest.description,
    consumes,
    produces,
    schemes: ["https"],
    tags: rest.tags,
    operationId: rest.operationId,
    ...(params.length ? { parameters: params } : {}),
    responses: v2Responses,
    ...Object.fromEntries(Object.entries(rest).filter(([k]) => k.startsWith("x-"))),
  };
}

/** The Swagger 2.0 document of every served group-version, merged (as kube-apiserver's /openapi/v2). */
export function swaggerDocument(docs: OpenApiV3Document[], version: string): SwaggerDocument {
  const paths: SwaggerDocument["paths"] = {};
  const definitions: SwaggerDocument["definitions"] = {};
  for (const doc of docs) {
    for (const [path, item] of Object.entries(doc.paths)) {
      const v2: Record<string, unknown> = {};
      for (const m of METHODS) if (item[m]) v2[m] = swaggerOperation(item[m] as V3Operation);
      if (Array.isArray(item.parameters)) v2.parameters = (item.parameters as Schema[]).map(swaggerParameter);
      paths[path] = v2;
    }
    for (const [name, s] of Object.entries(doc.components.schemas)) definitions[name] ??= swaggerSchema(s);
  }
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version },
    paths: sorted(paths),
    definitions: sorted(definitions),
    security: [{ BearerToken: [] }],
    securityDefinitions: { BearerToken: { description: "Bearer Token authentication", type: "apiKey", name: "authorization", in: "header" } },
  };
}

// ---- protobuf (gnostic openapiv2/OpenAPIv2.proto, package openapi.v2; only the messages used here) ----

const f = (id: number, type: string, repeated = false) => ({ id, type, ...(repeated ? { rule: "repeated" } : {}) });
const named = (valueType: string) => ({ fields: { name: f(1, "string"), value: f(2, valueType) } });
const subSchemaFields = (typeId: number) => ({
  required: f(1, "bool"),
  in: f(2, "string"),
  description: f(3, "string"),
  name: f(4, "string"),
  type: f(typeId, "string"),
  unique_items: f(typeId + 14, "bool"),
});

/** Message definitions with gnostic's field numbers. */
export const OPENAPI_V2_PROTO = protobuf.Root.fromJSON({
  nested: {
    openapi: {
      nested: {
        v2: {
          nested: {
            Document: {
              fields: {
                swagger: f(1, "string"),
                info: f(2, "Info"),
                host: f(3, "string"),
                base_path: f(4, "string"),
                schemes: f(5, "string", true),
                consumes: f(6, "string", true),
                produces: f(7, "string", true),
                paths: f(8, "Paths"),
                definitions: f(9, "Definitions"),
                security: f(12, "SecurityRequirement", true),
                security_definitions: f(13, "SecurityDefinitions"),
                vendor_extension: f(16, "NamedAny", true),
              },
            },
            Info: { fields: { title: f(1, "string"), version: f(2, "string"), description: f(3, "string"), vendor_extension: f(7, "NamedAny", true) } },
            Any: { fields: { yaml: f(2, "string") } },
            NamedAny: named("Any"),
            Paths: { fields: { vendor_extension: f(1, "NamedAny", true), path: f(2, "NamedPathItem", true) } },
            NamedPathItem: named("PathItem"),
            PathItem: {
              fields: {
                _ref: f(1, "string"),
                get: f(2, "Operation"),
                put: f(3, "Operation"),
                post: f(4, "Operation"),
                delete: f(5, "Operation"),
                options: f(6, "Operation"),
                head: f(7, "Operation"),
                patch: f(8, "Operation"),
                parameters: f(9, "ParametersItem", true),
                vendor_extension: f(10, "NamedAny", true),
              },
            },
            Operation: {
              fields: {
                tags: f(1, "string", true),
                summary: f(2, "string"),
                description: f(3, "string"),
                operation_id: f(5, "string"),
                produces: f(6, "string", true),
                consumes: f(7, "string", true),
                parameters: f(8, "ParametersItem", true),
                responses: f(9, "Responses"),
                schemes: f(10, "string", true),
                deprecated: f(11, "bool"),
                vendor_extension: f(13, "NamedAny", true),
              },
            },
            ParametersItem: { oneofs: { oneof: { oneof: ["parameter", "json_reference"] } }, fields: { parameter: f(1, "Parameter"), json_reference: f(2, "JsonReference") } },
            JsonReference: { fields: { _ref: f(1, "string"), description: f(2, "string") } },
            Parameter: { oneofs: { oneof: { oneof: ["body_parameter", "non_body_parameter"] } }, fields: { body_parameter: f(1, "BodyParameter"), non_body_parameter: f(2, "NonBodyParameter") } },
            BodyParameter: {
              fields: { description: f(1, "string"), name: f(2, "string"), in: f(3, "string"), required: f(4, "bool"), schema: f(5, "Schema"), vendor_extension: f(6, "NamedAny", true) },
            },
            NonBodyParameter: {
              oneofs: { oneof: { oneof: ["header_parameter_sub_schema", "form_data_parameter_sub_schema", "query_parameter_sub_schema", "path_parameter_sub_schema"] } },
              fields: {
                header_parameter_sub_schema: f(1, "HeaderParameterSubSchema"),
                form_data_parameter_sub_schema: f(2, "FormDataParameterSubSchema"),
                query_parameter_sub_schema: f(3, "QueryParameterSubSchema"),
                path_parameter_sub_schema: f(4, "PathParameterSubSchema"),
              },
            },
            HeaderParameterSubSchema: { fields: subSchemaFields(5) },
            FormDataParameterSubSchema: { fields: { ...subSchemaFields(6), allow_empty_value: f(5, "bool") } },
            QueryParameterSubSchema: { fields: { ...subSchemaFields(6), allow_empty_value: f(5, "bool") } },
            PathParameterSubSchema: { fields: subSchemaFields(5) },
            Responses: { fields: { response_code: f(1, "NamedResponseValue", true), vendor_extension: f(2, "NamedAny", true) } },
            NamedResponseValue: named("ResponseValue"),
            ResponseValue: { oneofs: { oneof: { oneof: ["response", "json_reference"] } }, fields: { response: f(1, "Response"), json_reference: f(2, "JsonReference") } },
            Response: { fields: { description: f(1, "string"), schema: f(2, "SchemaItem"), vendor_extension: f(5, "NamedAny", true) } },
            SchemaItem: { oneofs: { oneof: { oneof: ["schema"] } }, fields: { schema: f(1, "Schema") } },
            Schema: {
              fields: {
                _ref: f(1, "string"),
                format: f(2, "string"),
                title: f(3, "string"),
                description: f(4, "string"),
                default: f(5, "Any"),
                maximum: f(7, "double"),
                minimum: f(9, "double"),
                max_length: f(11, "int64"),
                min_length: f(12, "int64"),
                pattern: f(13, "string"),
                max_items: f(14, "int64"),
                min_items: f(15, "int64"),
                unique_items: f(16, "bool"),
                required: f(19, "string", true),
                enum: f(20, "Any", true),
                additional_properties: f(21, "AdditionalPropertiesItem"),
                type: f(22, "TypeItem"),
                items: f(23, "ItemsItem"),
                all_of: f(24, "Schema", true),
                properties: f(25, "Properties"),
                read_only: f(27, "bool"),
                vendor_extension: f(31, "NamedAny", true),
              },
            },
            AdditionalPropertiesItem: { oneofs: { oneof: { oneof: ["schema", "boolean"] } }, fields: { schema: f(1, "Schema"), boolean: f(2, "bool") } },
            TypeItem: { fields: { value: f(1, "string", true) } },
            ItemsItem: { fields: { schema: f(1, "Schema", true) } },
            Properties: { fields: { additional_properties: f(1, "NamedSchema", true) } },
            NamedSchema: named("Schema"),
            Definitions: { fields: { additional_properties: f(1, "NamedSchema", true) } },
            SecurityRequirement: { fields: { additional_properties: f(1, "NamedStringArray", true) } },
            NamedStringArray: named("StringArray"),
            StringArray: { fields: { value: f(1, "string", true) } },
            SecurityDefinitions: { fields: { additional_properties: f(1, "NamedSecurityDefinitionsItem", true) } },
            NamedSecurityDefinitionsItem: named("SecurityDefinitionsItem"),
            SecurityDefinitionsItem: { oneofs: { oneof: { oneof: ["api_key_security"] } }, fields: { api_key_security: f(2, "ApiKeySecurity") } },
            ApiKeySecurity: { fields: { type: f(1, "string"), name: f(2, "string"), in: f(3, "string"), description: f(4, "string"), vendor_extension: f(5, "NamedAny", true) } },
          },
        },
      },
    },
  },
});

type Msg = Record<string, unknown>;

/** gnostic keeps values of free-form fields (defaults, enums, vendor extensions) as YAML text; JSON is YAML. */
const anyValue = (v: unknown): Msg => ({ yaml: `${JSON.stringify(v)}\n` });
const vendorExtensions = (o: Record<string, unknown>): Msg[] =>
  Object.entries(o)
    .filter(([k]) => k.startsWith("x-"))
    .map(([name, v]) => ({ name, value: anyValue(v) }));

function schemaMessage(s: Schema): Msg {
  const m: Msg = {};
  if (typeof s.$ref === "string") m._ref = s.$ref;
  for (const k of ["format", "title", "description", "pattern"] as const) if (typeof s[k] === "string") m[k] = s[k];
  for (const [k, pk] of [["maximum", "maximum"], ["minimum", "minimum"], ["maxLength", "max_length"], ["minLength", "min_length"], ["maxItems", "max_items"], ["minItems", "min_items"]] as const) {
    if (typeof s[k] === "number") m[pk] = s[k];
  }
  if (s.uniqueItems === true) m.unique_items = true;
  if (s.readOnly === true) m.read_only = true;
  if (s.default !== undefined) m.default = anyValue(s.default);
  if (Array.isArray(s.required)) m.required = s.required;
  if (Array.isArray(s.enum)) m.enum = s.enum.map(anyValue);
  if (typeof s.type === "string") m.type = { value: [s.type] };
  if (s.items && typeof s.items === "object") m.items = { schema: [schemaMessage(s.items as Schema)] };
  if (typeof s.additionalProperties === "boolean") m.additional_properties = { boolean: s.additionalProperties };
  else if (s.additionalProperties && typeof s.additionalProperties === "object") m.additional_properties = { schema: schemaMessage(s.additionalProperties as Schema) };
  if (Array.isArray(s.allOf)) m.all_of = (s.allOf as Schema[]).map(schemaMessage);
  if (s.properties) m.properties = { additional_properties: Object.entries(s.properties as Record<string, Schema>).map(([name, p]) => ({ name, value: schemaMessage(p) })) };
  const ext = vendorExtensions(s);
  if (ext.length) m.vendor_extension = ext;
  return m;
}

function parameterMessage(p: Schema): Msg {
  if (p.in === "body") {
    return { parameter: { body_parameter: { name: p.name, in: "body", required: p.required === true, schema: schemaMessage(p.schema as Schema), ...(p.description ? { description: p.description } : {}) } } };
  }
  const sub: Msg = { in: p.in, name: p.name, type: p.type, ...(p.description ? { description: p.description } : {}), ...(p.required ? { required: true } : {}), ...(p.uniqueItems ? { unique_items: true } : {}) };
  const kind = p.in === "path" ? "path_parameter_sub_schema" : p.in === "header" ? "header_parameter_sub_schema" : p.in === "formData" ? "form_data_parameter_sub_schema" : "query_parameter_sub_schema";
  return { parameter: { non_body_parameter: { [kind]: sub } } };
}

function operationMessage(op: Record<string, unknown>): Msg {
  const responses = op.responses as Record<string, Schema>;
  return {
    tags: op.tags,
    description: op.description,
    operation_id: op.operationId,
    produces: op.produces,
    consumes: op.consumes,
    parameters: ((op.parameters ?? []) as Schema[]).map(parameterMessage),
    responses: {
      response_code: Object.entries(responses).map(([name, r]) => ({
        name,
        value: { response: { description: r.description, ...(r.schema ? { schema: { schema: schemaMessage(r.schema as Schema) } } : {}) } },
      })),
    },
    schemes: op.schemes,
    vendor_extension: vendorExtensions(op),
  };
}

/** The Swagger document as gnostic `openapi_v2.Document` protobuf bytes. */
export function swaggerProtobuf(doc: SwaggerDocument): Uint8Array {
  const message: Msg = {
    swagger: doc.swagger,
    info: doc.info,
    paths: {
      path: Object.entries(doc.paths).map(([name, item]) => {
        const v: Msg = {};
        for (const m of METHODS) if (item[m]) v[m] = operationMessage(item[m] as Record<string, unknown>);
        if (Array.isArray(item.parameters)) v.parameters = (item.parameters as Schema[]).map(parameterMessage);
        return { name, value: v };
      }),
    },
    definitions: { additional_properties: Object.entries(doc.definitions).map(([name, s]) => ({ name, value: schemaMessage(s) })) },
    security: doc.security.map((r) => ({ additional_properties: Object.entries(r).map(([name, value]) => ({ name, value: { value } })) })),
    security_definitions: {
      additional_properties: Object.entries(doc.securityDefinitions).map(([name, s]) => ({ name, value: { api_key_security: { type: s.type, name: s.name, in: s.in, description: s.description } } })),
    },
  };
  const Document = OPENAPI_V2_PROTO.lookupType("openapi.v2.Document");
  return Document.encode(Document.fromObject(message)).finish();
}

