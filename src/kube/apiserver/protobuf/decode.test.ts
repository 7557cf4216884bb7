import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs/minimal.js";
import { checkProtobufSchema, decodeKubernetesProtobuf, KUBERNETES_PROTOBUF, ProtobufDecodeError } from "./decode.js";
import { CAPTURE_CASES, findKubectl, KubectlCaptureServer, TESTDATA } from "./kubectl-capture.case.js";
import { seededRandom } from "../../../shared/seeded-random.js";

const fixture = (name: string): Buffer => readFileSync(join(TESTDATA, `${name}.pb`));
const jsonTwin = (name: string): unknown => JSON.parse(readFileSync(join(TESTDATA, `${name}.json`), "utf8"));

/** Asserts equality including key order, since the decoder follows Go's field order. */
function assertSameJson(actual: unknown, expected: unknown, message?: string): void {
  assert.deepEqual(actual, expected, message);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), message);
}

/** kubectl 1.33 autoscale sends autoscaling/v2 (1.31 sent v1), so this one is written out by hand. */
const AUTOSCALE_V2 = {
  kind: "HorizontalPodAutoscaler",
  apiVersion: "autoscaling/v2",
  metadata: { name: "web", creationTimestamp: null },
  spec: {
    scaleTargetRef: { kind: "Deployment", name: "web", apiVersion: "apps/v1" },
    minReplicas: 2,
    maxReplicas: 5,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
  },
  status: { desiredReplicas: 0, currentMetrics: null },
};

describe("decodeKubernetesProtobuf on kubectl 1.33 captures (testdata/)", () => {
  it("has a schema whose every type name resolves", () => {
    assert.ok(checkProtobufSchema() > 300);
  });

  for (const c of CAPTURE_CASES.filter((c) => !c.noJsonTwin)) {
    it(`${c.name}: equals kubectl 1.31's JSON body for \`kubectl ${c.args.join(" ")}\``, () => {
      assertSameJson(decodeKubernetesProtobuf(fixture(c.name)), jsonTwin(c.name));
    });
  }

  it("configmap", () => {
    assertSameJson(decodeKubernetesProtobuf(fixture("configmap")), {
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: "c", namespace: "demo", creationTimestamp: null },
      data: { a: "b", empty: "" },
    });
    assertSameJson(decodeKubernetesProtobuf(fixture("configmap-binary")), {
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: "bin", creationTimestamp: null },
      data: { t: "x" },
      binaryData: { blob: Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]).toString("base64") },
    });
  });

  it("secret: data values are base64", () => {
    assertSameJson(decodeKubernetesProtobuf(fixture("secret-generic")), {
      kind: "Secret",
      apiVersion: "v1",
      metadata: { name: "s", creationTimestamp: null },
      data: { empty: "", k: "dg==" },
      type: "Opaque",
    });
  });

  it("namespace and serviceaccount", () => {
    assertSameJson(decodeKubernetesProtobuf(fixture("namespace")), {
      kind: "Namespace",
      apiVersion: "v1",
      metadata: { name: "demo", creationTimestamp: null },
      spec: {},
      status: {},
    });
    assertSameJson(decodeKubernetesProtobuf(fixture("serviceaccount")), {
      kind: "ServiceAccount",
      apiVersion: "v1",
      metadata: { name: "sa", namespace: "demo", creationTimestamp: null },
    });
  });

  it("service: targetPort is a number or a string", () => {
    assertSameJson(decodeKubernetesProtobuf(fixture("service-clusterip")), {
      kind: "Service",
      apiVersion: "v1",
      metadata: { name: "web", creationTimestamp: null, labels: { app: "web" } },
      spec: {
        ports: [
          { name: "80-8080", protocol: "TCP", port: 80, targetPort: 8080 },
          { name: "443-https", protocol: "TCP", port: 443, targetPort: "https" },
        ],
        selector: { app: "web" },
        type: "ClusterIP",
      },
      status: { loadBalancer: {} },
    });
  });

  it("deployment", () => {
    assertSameJson(decodeKubernetesProtobuf(fixture("deployment")), {
      kind: "Deployment",
      apiVersion: "apps/v1",
      metadata: { name: "web", creationTimestamp: null, labels: { app: "web" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it("job from a cronjob: full ObjectMeta, times, fieldsV1, quantities and IntOrString inside a PodSpec", () => {
    const job = decodeKubernetesProtobuf(fixture("job-from-cronjob")) as {
      spec: { template: { metadata: Record<string, unknown>; spec: { containers: Record<string, unknown>[] } } };
    };
    const meta = job.spec.template.metadata;
    assert.equal(meta.creationTimestamp, "2024-05-06T07:08:09Z");
    assert.equal(meta.deletionTimestamp, "2024-05-06T08:00:00Z");
    assert.equal(meta.generation, 7);
    assert.deepEqual(meta.annotations, { empty: "", note: "täst ✓" });
    assert.deepEqual((meta.managedFields as unknown[])[0], {
      manager: "kubectl",
      operation: "Update",
      apiVersion: "v1",
      time: "2024-05-06T07:08:09Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } },
    });
    const main = job.spec.template.spec.containers[0]!;
    assert.deepEqual(main.resources, {
      limits: { cpu: "500m", "example.com/gpu": "1", memory: "128Mi" },
      requests: { cpu: "100m", "ephemeral-storage": "1Gi", memory: "64Mi" },
    });
    assert.equal((main.livenessProbe as { httpGet: { port: unknown } }).httpGet.port, "http");
    assert.equal((main.readinessProbe as { tcpSocket: { port: unknown } }).tcpSocket.port, 8080);
  });

  it("token request and access review", () => {
    assertSameJson(decodeKubernetesProtobuf(fixture("token")), {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { audiences: ["a"], expirationSeconds: 600, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p", uid: "123" } },
      status: { token: "", expirationTimestamp: null },
    });
    assertSameJson(decodeKubernetesProtobuf(fixture("can-i")), {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: "demo", verb: "get", resource: "pods" } },
      status: { allowed: false },
    });
  });

  it("autoscale (autoscaling/v2)", () => {
    assertSameJson(decodeKubernetesProtobuf(fixture("autoscale")), AUTOSCALE_V2);
  });
});

describe("decodeKubernetesProtobuf on live kubectl", () => {
  const kubectl133 = findKubectl("1.33");
  const kubectl131 = findKubectl("1.31");
  const skip = !kubectl133 || !kubectl131 ? "kubectl.1.33 and kubectl.1.31 are not installed" : false;
  let server: KubectlCaptureServer | undefined;

  before(async () => {
    if (!skip) server = await KubectlCaptureServer.start();
  });
  after(async () => {
    await server?.close();
  });

  it("decodes what kubectl 1.33 sends right now to what kubectl 1.31 sends as JSON", { skip, timeout: 180_000 }, async () => {
    for (const c of CAPTURE_CASES) {
      const pb = await server!.capture(kubectl133!, c);
      assert.equal(pb.contentType, KUBERNETES_PROTOBUF, c.name);
      const decoded = decodeKubernetesProtobuf(pb.body);
      if (c.noJsonTwin) {
        assertSameJson(decoded, AUTOSCALE_V2, c.name);
        continue;
      }
      const json = await server!.capture(kubectl131!, c);
      assert.equal(json.contentType, "application/json", c.name);
      assertSameJson(decoded, JSON.parse(json.body.toString()), c.name);
    }
  });
});

/** Builds protobuf bytes field by field, for the error and edge cases kubectl never sends. */
class Bytes {
  private readonly w = protobuf.Writer.create();

  str(field: number, value: string): this {
    this.w.uint32((field << 3) | 2).string(value);
    return this;
  }
  bytes(field: number, value: Uint8Array): this {
    this.w.uint32((field << 3) | 2).bytes(value);
    return this;
  }
  msg(field: number, value: Bytes): this {
    return this.bytes(field, value.done());
  }
  varint(field: number, value: number | string): this {
    this.w.uint32(field << 3).int64(value);
    return this;
  }
  varints(value: number[]): this {
    for (const b of value) this.w.uint32(b);
    return this;
  }
  done(): Uint8Array {
    return this.w.finish();
  }
}

const MAGIC = Buffer.from("k8s\0", "latin1");

function envelope(apiVersion: string, kind: string, raw: Bytes | Uint8Array, extra?: (b: Bytes) => void): Buffer {
  const b = new Bytes()
    .msg(1, new Bytes().str(1, apiVersion).str(2, kind))
    .bytes(2, raw instanceof Bytes ? raw.done() : raw);
  extra?.(b);
  return Buffer.concat([MAGIC, b.done()]);
}

function assertDecodeError(body: Uint8Array, pattern: RegExp): void {
  assert.throws(() => decodeKubernetesProtobuf(body), (err: unknown) => {
    assert.ok(err instanceof ProtobufDecodeError, `expected ProtobufDecodeError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("decodeKubernetesProtobuf errors", () => {
  it("rejects a missing or wrong magic prefix", () => {
    assertDecodeError(Buffer.from('{"kind":"ConfigMap","apiVersion":"v1"}'), /6b 38 73 00/);
    assertDecodeError(new Uint8Array(), /6b 38 73 00/);
    assertDecodeError(Buffer.from("k8s"), /6b 38 73 00/);
    assertDecodeError(Buffer.from("k8s\x01\x0a\x00", "latin1"), /6b 38 73 00/);
    assertDecodeError(MAGIC, /empty/);
  });

  it("rejects bodies cut anywhere inside the object", () => {
    const body = fixture("deployment");
    // The envelope is magic, 0a <len> typeMeta, 12 <2-byte len> raw, then 1a 00 22 00.
    const rawStart = 4 + 2 + body[5]! + 3;
    assert.equal(body[rawStart - 3], 0x12);
    for (let cut = rawStart; cut < body.length - 4; cut++) {
      assertDecodeError(body.subarray(0, cut), /malformed protobuf/);
    }
    assertDecodeError(body.subarray(0, body.length - 1), /malformed protobuf/);
  });

  it("names the apiVersion and kind it cannot decode", () => {
    assertDecodeError(envelope("example.com/v1", "Widget", new Bytes()), /^no protobuf decoding for example\.com\/v1, Kind=Widget$/);
    assertDecodeError(envelope("v1", "Deployment", new Bytes()), /no protobuf decoding for v1, Kind=Deployment/);
    assertDecodeError(envelope("v1", "__proto__", new Bytes()), /no protobuf decoding for v1, Kind=__proto__/);
    assertDecodeError(envelope("v1", "", new Bytes()), /no kind/);
    assertDecodeError(envelope("", "ConfigMap", new Bytes()), /no apiVersion/);
  });

  it("rejects a contentEncoding", () => {
    assertDecodeError(envelope("v1", "ConfigMap", new Bytes(), (b) => b.str(3, "gzip")), /contentEncoding "gzip"/);
  });

  it("rejects wrong wire types and field number 0", () => {
    assertDecodeError(envelope("v1", "ConfigMap", new Bytes().varint(2, 1)), /wrong wire type 0 for field data \(2\) of core\.v1\.ConfigMap/);
    assertDecodeError(envelope("v1", "ConfigMap", new Bytes().varints([0x00, 0x00])), /field number 0/);
    assertDecodeError(envelope("v1", "ConfigMap", new Bytes().varints([0x0f])), /malformed protobuf/);
  });

  it("rejects values Go would refuse to write as JSON", () => {
    const port = (intOrString: Bytes) => new Bytes().msg(2, new Bytes().msg(1, new Bytes().varint(3, 80).msg(4, intOrString)));
    assertDecodeError(envelope("v1", "Service", port(new Bytes().varint(1, 7))), /IntOrString has impossible type 7/);
    const fields = new Bytes().msg(1, new Bytes().msg(17, new Bytes().msg(7, new Bytes().str(1, "{not json"))));
    assertDecodeError(envelope("v1", "ConfigMap", fields), /FieldsV1 does not hold valid JSON/);
    const generation = new Bytes().msg(1, new Bytes().varint(7, "9007199254740993"));
    assertDecodeError(envelope("v1", "ConfigMap", generation), /int64 value/);
    const farFuture = new Bytes().msg(1, new Bytes().msg(8, new Bytes().varint(1, 253402300800)));
    assertDecodeError(envelope("v1", "ConfigMap", farFuture), /outside years 1-9999/);
  });

  it("throws only ProtobufDecodeError for random and mutated input", () => {
    const random = seededRandom(0x6b387300);
    const seeds = CAPTURE_CASES.map((c) => fixture(c.name));
    let threw = 0;
    let decoded = 0;
    for (let i = 0; i < 4000; i++) {
      let body: Uint8Array;
      if (i % 4 === 0) {
        body = Buffer.concat([MAGIC, Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)))]);
      } else {
        body = mutate(seeds[Math.floor(random() * seeds.length)]!, random);
      }
      try {
        const out = decodeKubernetesProtobuf(body);
        JSON.stringify(out);
        decoded++;
      } catch (err) {
        if (!(err instanceof ProtobufDecodeError)) {
          assert.fail(`input ${i} (${Buffer.from(body).toString("hex")}) threw ${String(err)}`);
        }
        threw++;
      }
    }
    assert.ok(threw > 1000 && decoded > 100, `threw ${threw}, decoded ${decoded}`);
  });
});

describe("decodeKubernetesProtobuf wire semantics (synthetic bytes)", () => {
  const meta = (m: Bytes) => new Bytes().msg(1, m);

  it("writes an empty Time as null and a present one as RFC 3339 seconds, dropping nanos", () => {
    const cm = (t: Bytes) => decodeKubernetesProtobuf(envelope("v1", "ConfigMap", meta(new Bytes().msg(8, t)))) as { metadata: unknown };
    assert.deepEqual(cm(new Bytes()).metadata, { creationTimestamp: null });
    assert.deepEqual(cm(new Bytes().varint(1, 0)).metadata, { creationTimestamp: "1970-01-01T00:00:00Z" });
    assert.deepEqual(cm(new Bytes().varint(1, 1714979289).varint(2, 999)).metadata, { creationTimestamp: "2024-05-06T07:08:09Z" });
    assert.deepEqual(cm(new Bytes().varint(1, -62135596800)).metadata, { creationTimestamp: null });
  });

  it("writes MicroTime with microseconds, truncating nanos", () => {
    const event = new Bytes().msg(1, new Bytes().str(1, "e")).msg(10, new Bytes().varint(1, 1714979289).varint(2, 123456789));
    const out = decodeKubernetesProtobuf(envelope("v1", "Event", event));
    assert.equal(out.eventTime, "2024-05-06T07:08:09.123456Z");
    assert.deepEqual(out.involvedObject, {});
    assert.equal(out.firstTimestamp, null);
    assert.deepEqual(out.source, {});
  });

  it("reads packed and unpacked repeated numbers alike", () => {
    const podSpec = (groups: Bytes) =>
      new Bytes().msg(2, new Bytes().msg(14, groups).msg(2, new Bytes().str(1, "c").str(2, "i")));
    const packed = new Bytes();
    packed.varints([(4 << 3) | 2, 3, 1, 2, 3]);
    const unpacked = new Bytes().varint(4, 1).varint(4, 2).varint(4, 3);
    const a = decodeKubernetesProtobuf(envelope("v1", "Pod", podSpec(packed))) as { spec: { securityContext: unknown } };
    const b = decodeKubernetesProtobuf(envelope("v1", "Pod", podSpec(unpacked))) as { spec: { securityContext: unknown } };
    assert.deepEqual(a.spec.securityContext, { supplementalGroups: [1, 2, 3] });
    assert.deepEqual(b.spec.securityContext, a.spec.securityContext);
  });

  it("skips unknown fields, merges repeated messages and appends repeated values", () => {
    const body = new Bytes()
      .msg(1, new Bytes().str(1, "a").varint(99, 5).str(14, "f1"))
      .varints([(98 << 3) | 3, (1 << 3) | 0, 1, (98 << 3) | 4])
      .msg(1, new Bytes().str(3, "ns").str(14, "f2"));
    const out = decodeKubernetesProtobuf(envelope("v1", "ConfigMap", body));
    assert.deepEqual(out.metadata, { name: "a", namespace: "ns", creationTimestamp: null, finalizers: ["f1", "f2"] });
  });

  it("keeps map keys such as __proto__ as plain data", () => {
    const entry = new Bytes().str(1, "__proto__").str(2, "x");
    const out = decodeKubernetesProtobuf(envelope("v1", "ConfigMap", new Bytes().msg(2, entry))) as { data: Record<string, unknown> };
    assert.equal(Object.getPrototypeOf(out.data), Object.prototype);
    assert.deepEqual(Object.keys(out.data), ["__proto__"]);
    assert.equal(JSON.stringify(out.data), '{"__proto__":"x"}');
  });

  it("fills missing map values with Go zero values", () => {
    const secret = new Bytes().msg(2, new Bytes().str(1, "k"));
    assert.deepEqual(decodeKubernetesProtobuf(envelope("v1", "Secret", secret)).data, { k: "" });
    const quota = new Bytes().msg(2, new Bytes().msg(1, new Bytes().str(1, "cpu")));
    assert.deepEqual(decodeKubernetesProtobuf(envelope("v1", "ResourceQuota", quota)).spec, { hard: { cpu: "0" } });
  });
});


function mutate(seed: Uint8Array, random: () => number): Uint8Array {
  const bytes = Array.from(seed);
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = 4 + Math.floor(random() * (bytes.length - 4));
    const op = random();
    if (op < 0.5) bytes[at] = Math.floor(random() * 256);
    else if (op < 0.75) bytes.splice(at, 1);
    else bytes.splice(at, 0, Math.floor(random() * 256));
  }
  return Uint8Array.from(bytes);
}

describe("KUBERNETES_PROTOBUF", () => {
  it("is the media type kubectl sends", () => {
    assert.equal(KUBERNETES_PROTOBUF, "application/vnd.kubernetes.protobuf");
    assert.ok(existsSync(join(TESTDATA, "configmap.pb")));
  });
});
