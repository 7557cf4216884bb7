import { test } from "node:test";
import assert from "node:assert/strict";
import { eventually, testCluster } from "../endpoints/test-cluster.case.js";
import { RootCaPublisher } from "./root-ca-publisher.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTest\n-----END CERTIFICATE-----\n";
const cm = (namespace: string) => ({ version: "v1", plural: "configmaps", namespace, name: "kube-root-ca.crt" });

test("kube-root-ca.crt holds the cluster CA in every namespace and is put back when deleted or changed", async () => {
  const c = await testCluster();
  const publisher = new RootCaPublisher(c.ctx.client, c.ctx.informers, PEM, c.clock, c.ctx.logger).start();
  const published = await eventually(() => c.get(cm("default")));
  assert.deepEqual(published.data, { "ca.crt": PEM });
  assert.match(published.metadata.annotations?.["kubernetes.io/description"] ?? "", /^Contains a CA bundle that can be used to verify the kube-apiserver/);
  await c.create({ version: "v1", plural: "namespaces" }, { metadata: { name: "team-b" } });
  await eventually(() => c.get(cm("team-b")));
  await c.admin.patch(cm("team-b"), { data: { "ca.crt": "tampered" } });
  await eventually(async () => assert.deepEqual((await c.get(cm("team-b"))).data, { "ca.crt": PEM }));
  await c.admin.delete(cm("kube-system"));
  await eventually(async () => assert.deepEqual((await c.get(cm("kube-system"))).data, { "ca.crt": PEM }));
  publisher.stop();
});
