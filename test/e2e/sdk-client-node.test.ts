import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClusterCommand,
  EKSClient,
  ListClustersCommand,
  ResourceInUseException,
  waitUntilClusterActive,
  waitUntilClusterDeleted,
} from "@aws-sdk/client-eks";
import { DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import * as k8s from "@kubernetes/client-node";
import { startTestMinieks, type TestEnv } from "./harness.js";

const region = "us-west-2";

describe("EKS cluster with AWS SDK v3 and @kubernetes/client-node", () => {
  let t: TestEnv;
  let eks: EKSClient;
  const clientConfig = () => ({ endpoint: t.minieks.endpoint, region, credentials: { accessKeyId: "test", secretAccessKey: "test" } });

  before(async () => {
    t = await startTestMinieks(region);
    eks = new EKSClient(clientConfig());
  });
  after(async () => t.close());

  it("creates a cluster, works with it through client-node, and deletes it", async () => {
    const identity = await new STSClient(clientConfig()).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, "000000000000");
    assert.equal(identity.Arn, "arn:aws:iam::000000000000:root");

    const { Subnets = [] } = await new EC2Client(clientConfig()).send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }));
    assert.equal(Subnets.length, 4);
    const subnetIds = Subnets.slice(0, 3).map((s) => s.SubnetId ?? "");
    const { cluster } = await eks.send(
      new CreateClusterCommand({
        name: "sdk",
        roleArn: "arn:aws:iam::000000000000:role/eks",
        resourcesVpcConfig: { subnetIds },
        tags: { team: "platform" },
      }),
    );
    assert.equal(cluster?.status, "CREATING");
    assert.equal(cluster?.version, "1.34", "the default version");
    await assert.rejects(
      eks.send(new CreateClusterCommand({ name: "sdk", roleArn: "arn:aws:iam::000000000000:role/eks", resourcesVpcConfig: { subnetIds } })),
      (e: unknown) => e instanceof ResourceInUseException && /Cluster already exists with name: sdk/.test(e.message),
    );

    const active = await waitUntilClusterActive({ client: eks, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { name: "sdk" });
    assert.equal(active.state, "SUCCESS");
    const described = (await eks.send(new DescribeClusterCommand({ name: "sdk" }))).cluster;
    assert.equal(described?.status, "ACTIVE");
    assert.deepEqual(described?.tags, { team: "platform" });
    assert.ok(described?.createdAt instanceof Date);
    assert.deepEqual((await eks.send(new ListClustersCommand({}))).clusters, ["sdk"]);

    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "sdk", server: described?.endpoint ?? "", caData: described?.certificateAuthority?.data ?? "" }],
      users: [
        {
          name: "sdk",
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["--region", region, "eks", "get-token", "--cluster-name", "sdk", "--output", "json"],
            env: Object.entries(t.env).filter(([, v]) => v !== undefined).map(([name, value]) => ({ name, value: value ?? "" })),
          },
        },
      ],
      contexts: [{ name: "sdk", cluster: "sdk", user: "sdk" }],
      currentContext: "sdk",
    });
    const core = kc.makeApiClient(k8s.CoreV1Api);

    const namespaces = await core.listNamespace();
    assert.deepEqual(namespaces.items.map((n) => n.metadata?.name).sort(), ["default", "kube-node-lease", "kube-public", "kube-system"]);

    await core.createNamespace({ body: { metadata: { name: "sdk" } } });
    const events: string[] = [];
    const watched = new Promise<void>((resolve, reject) => {
      void new k8s.Watch(kc)
        .watch(
          "/api/v1/namespaces/sdk/configmaps",
          { labelSelector: "app=demo" },
          (type: string, obj: k8s.V1ConfigMap) => {
            events.push(`${type} ${obj.metadata?.name} ${JSON.stringify(obj.data)}`);
            if (events.length === 3) resolve();
          },
          (err: unknown) => (err ? reject(err as Error) : undefined),
        )
        .then((controller) => watched.finally(() => controller.abort()));
    });

    await core.createNamespacedConfigMap({ namespace: "sdk", body: { metadata: { name: "settings", labels: { app: "demo" } }, data: { mode: "a" } } });
    await core.patchNamespacedConfigMap(
      { name: "settings", namespace: "sdk", body: { data: { mode: "b" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    const read = await core.readNamespacedConfigMap({ name: "settings", namespace: "sdk" });
    assert.deepEqual(read.data, { mode: "b" });
    const selected = await core.listNamespacedConfigMap({ namespace: "sdk", labelSelector: "app=demo" });
    assert.equal(selected.items.length, 1);
    const none = await core.listNamespacedConfigMap({ namespace: "sdk", labelSelector: "app=other" });
    assert.equal(none.items.length, 0);

    await assert.rejects(
      core.replaceNamespacedConfigMap({ name: "settings", namespace: "sdk", body: { ...read, metadata: { ...read.metadata, resourceVersion: "1" } } }),
      (e: unknown) => (e as { code?: number }).code === 409,
    );
    await core.deleteNamespacedConfigMap({ name: "settings", namespace: "sdk" });
    await watched;
    assert.deepEqual(events, ['ADDED settings {"mode":"a"}', 'MODIFIED settings {"mode":"b"}', 'DELETED settings {"mode":"b"}']);

    await eks.send(new DeleteClusterCommand({ name: "sdk" }));
    const deleted = await waitUntilClusterDeleted({ client: eks, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { name: "sdk" });
    assert.equal(deleted.state, "SUCCESS");
  });
});
