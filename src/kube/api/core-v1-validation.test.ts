import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_SECRET_SIZE,
  base64DecodeError,
  configMapKeyErrors,
  goBase64ErrorOffset,
  goJsonMapError,
  normalizeConfigMap,
  normalizeSecret,
  validateConfigMap,
  validateSecret,
  validateSecretUpdate,
} from "./core-v1-validation.js";
import { goQuote } from "../../shared/go-format.js";
import type { StoredObject } from "./types.js";

const so = (o: Record<string, unknown>): StoredObject => ({ metadata: { name: "s", namespace: "default" }, ...o }) as StoredObject;
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("configMapKeyErrors", () => {
  it("follows IsConfigMapKey", () => {
    assert.deepEqual(configMapKeyErrors("key.name_-1"), []);
    assert.deepEqual(configMapKeyErrors("."), ["must not be '.'"]);
    assert.deepEqual(configMapKeyErrors(".."), ["must not be '..'"]);
    assert.deepEqual(configMapKeyErrors("..a"), ["must not start with '..'"]);
    assert.deepEqual(configMapKeyErrors("a".repeat(254)), ["must be no more than 253 characters"]);
    assert.equal(configMapKeyErrors("").length, 1);
    assert.match(configMapKeyErrors("a/b")[0]!, /^a valid config key must consist of/);
  });
});

describe("goQuote", () => {
  it("quotes like Go's %q", () => {
    assert.equal(goQuote("a b"), '"a b"');
    assert.equal(goQuote('say "hi"\\'), '"say \\"hi\\"\\\\"');
    assert.equal(goQuote("tab\there\n"), '"tab\\there\\n"');
    assert.equal(goQuote("\x01\x7f"), '"\\x01\\x7f"');
    assert.equal(goQuote("héllo ☃"), '"héllo ☃"');
    assert.equal(goQuote("\u200b"), '"\\u200b"');
  });
});

describe("goBase64ErrorOffset", () => {
  it("accepts what Go's StdEncoding accepts", () => {
    for (const ok of ["", "YWJj", "YWI=", "YQ==", "YWJj\nZGVm", "YQ=\n=", "YWJj\r\n"]) assert.equal(goBase64ErrorOffset(ok), undefined, ok);
  });
  it("reports the byte offset Go reports", () => {
    assert.equal(goBase64ErrorOffset("YWJ"), 0);
    assert.equal(goBase64ErrorOffset("Y"), 0);
    assert.equal(goBase64ErrorOffset("YWJjZ"), 4);
    assert.equal(goBase64ErrorOffset("YWJjZA="), 7);
    assert.equal(goBase64ErrorOffset("YWJjZA=x"), 6);
    assert.equal(goBase64ErrorOffset("YW!j"), 2);
    assert.equal(goBase64ErrorOffset("=YWJ"), 0);
    assert.equal(goBase64ErrorOffset("YQ==YWJj"), 4);
    assert.equal(goBase64ErrorOffset("not base64!"), 3);
    assert.equal(goBase64ErrorOffset("YWJj-_=="), 4);
  });
  it("becomes the decode error kube-apiserver returns", () => {
    assert.equal(
      base64DecodeError("Secret", { data: { a: "YWJj", b: "nope!" } }),
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4',
    );
    assert.equal(
      base64DecodeError("ConfigMap", { data: { plain: "not base64" }, binaryData: { b: "YW=" } }),
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 3',
    );
    assert.equal(base64DecodeError("ConfigMap", { data: { plain: "not base64" } }), undefined);
    assert.equal(base64DecodeError("Pod", { data: { a: "!" } }), undefined);
  });
});

describe("goJsonMapError", () => {
  it("accepts objects and null", () => {
    assert.equal(goJsonMapError('{"auths":{"r":{"auth":"eA=="}}}'), undefined);
    assert.equal(goJsonMapError(" null "), undefined);
  });
  it("words syntax errors like encoding/json", () => {
    assert.equal(goJsonMapError(""), "unexpected end of JSON input");
    assert.equal(goJsonMapError('{"a":'), "unexpected end of JSON input");
    assert.equal(goJsonMapError("nope"), "invalid character 'o' in literal null (expecting 'u')");
    assert.equal(goJsonMapError("hello"), "invalid character 'h' looking for beginning of value");
    assert.equal(goJsonMapError('{"a" 1}'), "invalid character '1' after object key");
    assert.equal(goJsonMapError('{"a":1 "b":2}'), "invalid character '\"' after object key:value pair");
    assert.equal(goJsonMapError("{'a':1}"), "invalid character '\\'' looking for beginning of object key string");
    assert.equal(goJsonMapError('{"a":[1,]}'), "invalid character ']' looking for beginning of value");
    assert.equal(goJsonMapError("{} x"), "invalid character 'x' after top-level value");
    assert.equal(goJsonMapError('{"a":1.}'), "invalid character '}' after decimal point in numeric literal");
  });
  it("reports values that are not objects as unmarshal type errors", () => {
    assert.equal(goJsonMapError("[1]"), "json: cannot unmarshal array into Go value of type map[string]interface {}");
    assert.equal(goJsonMapError('"x"'), "json: cannot unmarshal string into Go value of type map[string]interface {}");
    assert.equal(goJsonMapError("12"), "json: cannot unmarshal number into Go value of type map[string]interface {}");
  });
});

describe("validateConfigMap", () => {
  it("flags keys shared by data and binaryData", () => {
    assert.deepEqual(validateConfigMap(so({ data: { k: "v" }, binaryData: { k: "AA==" } })), [
      { field: "data[k]", reason: "FieldValueInvalid", message: 'Invalid value: "k": duplicate of key present in binaryData' },
    ]);
  });
  it("limits the total size to 1 MiB, counting decoded binaryData", () => {
    const half = "x".repeat(MAX_SECRET_SIZE / 2);
    assert.deepEqual(validateConfigMap(so({ data: { a: half, b: half } })), []);
    assert.deepEqual(validateConfigMap(so({ data: { a: half }, binaryData: { b: b64(half + "x") } })), [
      { field: "", reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes" },
    ]);
  });
  it("checks binaryData keys", () => {
    assert.deepEqual(validateConfigMap(so({ binaryData: { "..x": "AA==" } })).map((c) => [c.field, c.message]), [
      ["binaryData[..x]", "Invalid value: \"..x\": must not start with '..'"],
    ]);
  });
});

describe("validateSecret", () => {
  it("limits the decoded size of data", () => {
    const big = Buffer.alloc(MAX_SECRET_SIZE + 1).toString("base64");
    assert.deepEqual(validateSecret(so({ data: { a: big } })), [
      { field: "data", reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes" },
    ]);
  });
  it("requires the keys of each built-in type", () => {
    const fields = (o: Record<string, unknown>) => validateSecret(so(o)).map((c) => `${c.field}: ${c.message}`);
    assert.deepEqual(fields({ type: "kubernetes.io/tls", data: { "tls.crt": b64("c") } }), ["data[tls.key]: Required value"]);
    assert.deepEqual(fields({ type: "kubernetes.io/basic-auth" }), ["data[username]: Required value", "data[password]: Required value"]);
    assert.deepEqual(fields({ type: "kubernetes.io/basic-auth", stringData: { password: "p" } }), []);
    assert.deepEqual(fields({ type: "kubernetes.io/ssh-auth", data: { "ssh-privatekey": "" } }), ["data[ssh-privatekey]: Required value"]);
    assert.deepEqual(fields({ type: "kubernetes.io/service-account-token" }), [
      "metadata.annotations[kubernetes.io/service-account.name]: Required value",
    ]);
    assert.deepEqual(fields({ type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64("{bad") } }), [
      "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'b' looking for beginning of object key string",
    ]);
    assert.deepEqual(fields({ type: "kubernetes.io/dockercfg", stringData: { ".dockercfg": '{"r":{}}' } }), []);
    assert.deepEqual(fields({ type: "example.com/custom" }), []);
  });
  it("keeps the type and immutable data on update", () => {
    const old = so({ type: "Opaque", immutable: true, data: { a: b64("1") } });
    assert.deepEqual(
      validateSecretUpdate(so({ type: "kubernetes.io/tls", immutable: true, data: { a: b64("2"), "tls.crt": "", "tls.key": "" } }), old).map((c) => `${c.field}: ${c.message}`),
      ['type: Invalid value: "kubernetes.io/tls": field is immutable', "data: Forbidden: field is immutable when `immutable` is set"],
    );
    assert.deepEqual(validateSecretUpdate(so({ type: "Opaque", immutable: true, data: { a: b64("1") } }), old), []);
  });
});

describe("normalize", () => {
  it("re-encodes base64 canonically and drops empty maps", () => {
    const s = so({ data: { a: "YWJj\nZGVm" }, type: "" });
    normalizeSecret(s);
    assert.deepEqual(s.data, { a: "YWJjZGVm" });
    assert.equal(s.type, "Opaque");
    const empty = so({ stringData: {} });
    normalizeSecret(empty);
    assert.equal("data" in empty, false);
    const cm = so({ data: {}, binaryData: { b: "YQ=\n=" } });
    normalizeConfigMap(cm);
    assert.equal("data" in cm, false);
    assert.deepEqual(cm.binaryData, { b: "YQ==" });
  });
});
