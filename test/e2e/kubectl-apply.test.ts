import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * kubectl apply in both of its forms against one cluster, with the oldest and newest supported kubectl:
 * client-side apply (last-applied annotation, three-way strategic merge patch) with `kubectl diff`,
 * server-side apply with re-applies, field-manager conflicts and --force-conflicts, the managedFields
 * `--show-managed-fields` reveals, an edit through KUBE_EDITOR, and client-node's server-side apply.
 */
const deploymentYaml = (name: string, replicas: number, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
`;

interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

describe("kubectl apply, client-side and server-side", () => {
  let t: TestEnv;
  const aws = (...args: string[]) => run("aws", args, t.env);

  before(async () => {
    t = await startTestMinieks();
    const subnets = JSON.parse((await aws("ec2", "describe-subnets", "--output", "json")).stdout).Subnets as { SubnetId: string }[];
    const create = await aws(
      "eks", "create-cluster", "--name", "apply", "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster",
      "--resources-vpc-config", `subnetIds=${subnets[0]?.SubnetId},${subnets[1]?.SubnetId}`,
    );
    assert.equal(create.code, 0, create.stderr);
    assert.equal((await aws("eks", "wait", "cluster-active", "--name", "apply")).code, 0);
    assert.equal((await aws("eks", "update-kubeconfig", "--name", "apply")).code, 0);
  });
  after(async () => t.close());

  for (const version of ["1.27", "1.33"]) {
    describe(`with kubectl ${version}`, () => {
      const binary = kubectlBinary(version);
      // Without --field-manager, the server names a manager after the User-Agent: the binary's own name.
      const agent = basename(binary);
      const suffix = version.replace(".", "");
      const kubectl = (args: string[], env: NodeJS.ProcessEnv = {}) =>
        run(binary, ["--cache-dir", join(t.dir, `kube-cache-${suffix}`), ...args], { ...t.env, ...env });
      const ok = async (...args: string[]) => {
        const r = await kubectl(args);
        assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
        return r.stdout;
      };
      const write = (name: string, replicas: number, image: string) => {
        const file = join(t.dir, `${name}.yaml`);
        writeFileSync(file, deploymentYaml(name, replicas, image));
        return file;
      };
      const managedFields = async (name: string): Promise<ManagedFieldsEntry[]> =>
        JSON.parse(await ok("get", "deploy", name, "-o", "json", "--show-managed-fields")).metadata.managedFields;
      const spec = async (name: string) => JSON.parse(await ok("get", "deploy", name, "-o", "json")).spec;

      it("applies client-side, shows the next change with kubectl diff, and re-applies it", async () => {
        const name = `csa-${suffix}`;
        assert.equal((await ok("apply", "-f", write(name, 2, "nginx:1.27"))).trim(), `deployment.apps/${name} created`);
        const file = write(name, 2, "nginx:1.28");
        const diff = await kubectl(["diff", "-f", file]);
        assert.equal(diff.code, 1, `kubectl diff exits 1 when there are differences: ${diff.stderr}`);
        assert.match(diff.stdout, /^-\s+- image: nginx:1\.27$/m);
        assert.match(diff.stdout, /^\+\s+- image: nginx:1\.28$/m);
        assert.match(diff.stdout, /^-\s+generation: 1$/m);
        assert.match(diff.stdout, /^\+\s+generation: 2$/m);
        assert.doesNotMatch(diff.stdout, /resourceVersion/, "a dry run answers with the stored resourceVersion");
        assert.equal((await ok("apply", "-f", file)).trim(), `deployment.apps/${name} configured`);
        assert.equal((await spec(name)).template.spec.containers[0].image, "nginx:1.28");
        const same = await kubectl(["diff", "-f", file]);
        assert.equal(same.code, 0, same.stderr);
        assert.equal(same.stdout, "");

        const entries = await managedFields(name);
        const csa = entries.find((e) => e.manager === "kubectl-client-side-apply");
        assert.deepEqual([csa?.operation, csa?.apiVersion, csa?.fieldsType], ["Update", "apps/v1", "FieldsV1"]);
        const metadata = csa?.fieldsV1["f:metadata"] as Record<string, Record<string, unknown>>;
        assert.deepEqual(metadata["f:annotations"], { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} });
        // Plain -o yaml hides managedFields, as kubectl does against any cluster.
        assert.doesNotMatch(await ok("get", "deploy", name, "-o", "yaml"), /managedFields/);
      });

      it("applies server-side, re-applies with changes, and diffs server-side", async () => {
        const name = `ssa-${suffix}`;
        assert.equal((await ok("apply", "--server-side", "-f", write(name, 2, "nginx:1.27"))).trim(), `deployment.apps/${name} serverside-applied`);
        const entries = await managedFields(name);
        const applied = entries.find((e) => e.manager === "kubectl");
        assert.ok(applied, JSON.stringify(entries));
        assert.equal(applied.operation, "Apply");
        assert.match(applied.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.deepEqual(applied.fieldsV1, {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": {
                "f:containers": {
                  'k:{"name":"web"}': {
                    ".": {},
                    "f:image": {},
                    "f:name": {},
                    "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
                  },
                },
              },
            },
          },
        });
        const yaml = await ok("get", "deploy", name, "-o", "yaml", "--show-managed-fields");
        assert.match(yaml, /^ {2}managedFields:$/m);
        assert.match(yaml, /^ {2}- apiVersion: apps\/v1\n {4}fieldsType: FieldsV1\n {4}fieldsV1:$/m);
        assert.match(yaml, /^ {4}manager: kubectl\n {4}operation: Apply$/m);

        const changed = write(name, 3, "nginx:1.28");
        const diff = await kubectl(["diff", "--server-side", "-f", changed]);
        assert.equal(diff.code, 1, diff.stderr);
        assert.match(diff.stdout, /^\+\s+replicas: 3$/m);
        assert.match(diff.stdout, /^\+\s+- image: nginx:1\.28$/m);
        assert.equal((await spec(name)).replicas, 2, "diff is a dry run");
        assert.equal((await ok("apply", "--server-side", "-f", changed)).trim(), `deployment.apps/${name} serverside-applied`);
        const after = await spec(name);
        assert.equal(after.replicas, 3);
        assert.equal(after.template.spec.containers[0].image, "nginx:1.28");
        assert.equal(after.revisionHistoryLimit, 10, "defaults still apply");
      });

      it("refuses an apply that changes a field another manager set, until --force-conflicts", async () => {
        const name = `conflict-${suffix}`;
        const file = write(name, 2, "nginx:1.27");
        await ok("apply", "--server-side", "-f", file);
        assert.equal((await ok("scale", "deploy", name, "--replicas=5")).trim(), `deployment.apps/${name} scaled`);
        const scaled = (await managedFields(name)).find((e) => e.subresource === "scale");
        assert.deepEqual([scaled?.manager, scaled?.operation, scaled?.fieldsV1], [agent, "Update", { "f:spec": { "f:replicas": {} } }]);

        write(name, 3, "nginx:1.27");
        const refused = await kubectl(["apply", "--server-side", "-f", file]);
        assert.equal(refused.code, 1);
        assert.ok(
          refused.stderr.startsWith(
            `error: Apply failed with 1 conflict: conflict with "${agent}" with subresource "scale" using apps/v1: .spec.replicas\n` +
              "Please review the fields above--they currently have other managers. Here\n" +
              "are the ways you can resolve this warning:\n" +
              "* If you intend to manage all of these fields, please re-run the apply\n" +
              "  command with the `--force-conflicts` flag.\n",
          ),
          refused.stderr,
        );
        assert.equal((await spec(name)).replicas, 5, "nothing changed");

        // Applying the value the other manager set is not a conflict: both then own it.
        write(name, 5, "nginx:1.27");
        await ok("apply", "--server-side", "-f", file);

        write(name, 4, "nginx:1.27");
        assert.equal((await ok("apply", "--server-side", "--force-conflicts", "-f", file)).trim(), `deployment.apps/${name} serverside-applied`);
        assert.equal((await spec(name)).replicas, 4);
        const entries = await managedFields(name);
        assert.equal(entries.find((e) => e.subresource === "scale"), undefined, "the scale manager lost its only field");
        assert.ok("f:replicas" in (entries.find((e) => e.manager === "kubectl")?.fieldsV1["f:spec"] as object));
      });

      it("moves a client-side applied object to server-side apply without conflicts", async () => {
        const name = `upgrade-${suffix}`;
        await ok("apply", "-f", write(name, 2, "nginx:1.27"));
        assert.equal((await ok("apply", "--server-side", "-f", write(name, 3, "nginx:1.27"))).trim(), `deployment.apps/${name} serverside-applied`);
        assert.equal((await spec(name)).replicas, 3);
        const managers = (await managedFields(name)).map((e) => `${e.manager}/${e.operation}`);
        assert.ok(managers.includes("kubectl/Apply"), managers.join(" "));
      });

      it("edits through KUBE_EDITOR as a kubectl-edit patch", async () => {
        const name = `edit-${suffix}`;
        await ok("apply", "-f", write(name, 2, "nginx:1.27"));
        const edited = await kubectl(["edit", "deploy", name], { KUBE_EDITOR: "sed -i s/replicas:\\ 2/replicas:\\ 7/" });
        assert.equal(edited.code, 0, edited.stderr);
        assert.equal(edited.stdout.trim(), `deployment.apps/${name} edited`);
        assert.equal((await spec(name)).replicas, 7);
        const edit = (await managedFields(name)).find((e) => e.manager === "kubectl-edit");
        assert.deepEqual([edit?.operation, edit?.fieldsV1], ["Update", { "f:spec": { "f:replicas": {} } }]);
      });
    });
  }

  it("serves @kubernetes/client-node's server-side apply, conflicts included", async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(t.env.KUBECONFIG ?? "");
    // The kubeconfig's exec plugin (aws eks get-token) needs the test's AWS environment.
    const env = Object.entries(t.env).filter(([, v]) => v !== undefined).map(([name, value]) => ({ name, value: value ?? "" }));
    for (const user of kc.users) if (user.exec) Object.assign(user.exec, { env });
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const configMap = (value: string): k8s.V1ConfigMap => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "default" }, data: { mode: value } });

    const created = await api.patch(configMap("a"), undefined, undefined, "settings-operator", false, k8s.PatchStrategy.ServerSideApply);
    assert.deepEqual(created.data, { mode: "a" });
    const entry = created.metadata?.managedFields?.[0];
    assert.equal(entry?.manager, "settings-operator");
    assert.equal(entry?.operation, "Apply");
    assert.deepEqual(entry?.fieldsV1, { "f:data": { "f:mode": {} } });

    await assert.rejects(
      api.patch(configMap("b"), undefined, undefined, "someone-else", false, k8s.PatchStrategy.ServerSideApply),
      (e: unknown) => {
        const error = e as { code?: number; body?: string };
        assert.equal(error.code, 409);
        const status = JSON.parse(error.body ?? "{}") as { message?: string; details?: { causes?: unknown[] } };
        assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "settings-operator": .data.mode');
        assert.deepEqual(status.details?.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "settings-operator"', field: ".data.mode" }]);
        return true;
      },
    );
    const forced = await api.patch(configMap("b"), undefined, undefined, "someone-else", true, k8s.PatchStrategy.ServerSideApply);
    assert.deepEqual(forced.data, { mode: "b" });
    assert.deepEqual(forced.metadata?.managedFields?.map((e) => e.manager), ["someone-else"]);
  });
});
