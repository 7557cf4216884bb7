import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestCluster, kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * A CustomResourceDefinition with two versions, custom columns, the status subresource and a short
 * name, driven by the oldest and newest supported kubectl: established within a second, its objects
 * listed with their columns, validated and pruned by the schema, merge-patched (strategic merge refused
 * as upstream), explained, and deleted with the CRD.
 */
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Spec
      type: string
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        description: CronTab runs an image on a schedule.
        properties:
          spec:
            type: object
            description: The desired schedule.
            properties:
              cronSpec:
                type: string
                description: A cron expression.
              image:
                type: string
              replicas:
                type: integer
                default: 1
          status:
            type: object
            properties:
              ready:
                type: boolean
`;

const object = (name: string, spec: string) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
spec:
${spec}
`;

for (const version of ["1.27", "1.33"]) {
  describe(`CRDs with kubectl ${version}`, () => {
    let t: TestEnv;
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, `kube-cache-${version}`), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout.trim();
    };
    const file = (name: string, text: string) => {
      const path = join(t.dir, name);
      writeFileSync(path, text);
      return path;
    };

    before(async () => {
      t = await startTestMinieks();
      await createTestCluster(t, `crd-${version.replace(".", "")}`);
    });
    after(async () => t.close());

    it("serves a CRD's objects with their columns, schema and patch types", async () => {
      assert.equal(await ok("apply", "-f", file("crd.yaml", CRD)), "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created");
      assert.match(await ok("get", "crd"), /^NAME\s+CREATED AT\ncrontabs\.stable\.example\.com\s+\d{4}-\d\d-\d\dT/m);
      assert.match(
        await ok("wait", "--for", "condition=established", "--timeout=10s", "crd/crontabs.stable.example.com"),
        /customresourcedefinition\.apiextensions\.k8s\.io\/crontabs\.stable\.example\.com condition met/,
      );

      assert.equal(await ok("apply", "-f", file("a.yaml", object("nightly", '  cronSpec: "0 0 * * *"\n  image: backup\n  replicas: 2'))), "crontab.stable.example.com/nightly created");
      assert.equal(await ok("apply", "-f", file("b.yaml", object("hourly", '  cronSpec: "0 * * * *"\n  image: sync'))), "crontab.stable.example.com/hourly created");
      const table = await ok("get", "ct");
      assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+AGE$/m);
      assert.match(table, /^hourly\s+0 \* \* \* \*\s+1\s+\d+s$/m, "the default fills replicas");
      assert.match(table, /^nightly\s+0 0 \* \* \*\s+2\s+\d+s$/m);
      // The other served version reads the same objects.
      assert.equal(await ok("get", "crontabs.v1beta1.stable.example.com", "nightly", "-o", "jsonpath={.apiVersion}"), "stable.example.com/v1beta1");

      const bad = await kubectl("apply", "-f", file("bad.yaml", object("broken", "  cronSpec: 5")));
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /spec\.cronSpec: Invalid value: "integer": spec\.cronSpec in body must be of type string: "integer"/);

      const strict = await kubectl("apply", "-f", file("unknown.yaml", object("extra", '  cronSpec: "1 * * * *"\n  color: blue')));
      assert.notEqual(strict.code, 0);
      assert.match(strict.stderr, /unknown field "spec\.color"/);

      assert.equal(await ok("patch", "ct", "nightly", "--type", "merge", "-p", '{"spec":{"replicas":5}}'), "crontab.stable.example.com/nightly patched");
      assert.equal(await ok("get", "ct", "nightly", "-o", "jsonpath={.spec.replicas}"), "5");
      const smp = await kubectl("patch", "ct", "nightly", "--type", "strategic", "-p", '{"spec":{"replicas":6}}');
      assert.notEqual(smp.code, 0);
      assert.match(
        smp.stderr,
        /the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/,
      );

      const explained = await ok("explain", "crontab.spec");
      assert.match(explained, /KIND:\s+CronTab/);
      assert.match(explained, /cronSpec\s+<string>/);
      assert.match(explained, /A cron expression\./);
    });

    it("deletes a CRD's objects with it", async () => {
      await ok("delete", "crd", "crontabs.stable.example.com");
      const gone = await kubectl("get", "crd", "crontabs.stable.example.com");
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /NotFound|not found/);
      // Re-created, the CRD starts without the old objects.
      await ok("apply", "-f", join(t.dir, "crd.yaml"));
      await ok("wait", "--for", "condition=established", "--timeout=10s", "crd/crontabs.stable.example.com");
      const list = await kubectl("get", "crontabs", "-o", "name");
      assert.equal(list.code, 0, list.stderr);
      assert.equal(list.stdout.trim(), "");
    });
  });
}
