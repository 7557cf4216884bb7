import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks, type TestEnv } from "./harness.js";

/**
 * The further built-in resources with the real kubectl (oldest and newest supported), against one
 * cluster: api-resources lists every group, `kubectl apply -f` of several new kinds, `get` and
 * `-o wide` tables, the typed creates (quota, priorityclass, pdb, ingress: protobuf bodies from
 * 1.33), one HPA read through autoscaling/v1 and v2, componentstatuses and explain.
 */
/** kubectl api-resources shows each group's preferred version (autoscaling: v2). */
const GROUPS = [
  "autoscaling/v2",
  "policy/v1",
  "networking.k8s.io/v1",
  "storage.k8s.io/v1",
  "coordination.k8s.io/v1",
  "discovery.k8s.io/v1",
  "events.k8s.io/v1",
  "scheduling.k8s.io/v1",
  "node.k8s.io/v1",
  "admissionregistration.k8s.io/v1",
  "certificates.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1",
  "apiregistration.k8s.io/v1",
];

const manifests = (s: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data-${s}}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: gp2
  resources: {requests: {storage: 4Gi}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-${s}}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  hostPath: {path: /data}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc-${s}}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: rc-${s}}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: hpa-${s}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  targetCPUUtilizationPercentage: 60
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-${s}}
spec:
  podSelector: {matchLabels: {app: db}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast-${s}}
provisioner: ebs.csi.aws.com
parameters: {type: gp3}
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: batch-${s}}
value: 100
preemptionPolicy: Never
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-${s}
  labels: {kubernetes.io/service-name: web-${s}}
addressType: IPv4
ports: [{name: http, port: 80}]
endpoints: [{addresses: [10.0.1.5]}, {addresses: [10.0.1.6]}]
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: leader-${s}}
spec: {holderIdentity: ctl-${s}, leaseDurationSeconds: 15}
---
apiVersion: v1
kind: Event
metadata: {name: ev-${s}}
involvedObject: {kind: Pod, name: web, namespace: default}
reason: Pulled
message: pulled nginx
type: Normal
count: 1
source: {component: kubelet}
`;

// One cluster; the two kubectl versions run side by side (each one's steps in order).
describe("further built-in resources with kubectl 1.27 and 1.33", { concurrency: 2 }, () => {
  let t: TestEnv;
  const aws = (...args: string[]) => run("aws", args, t.env);

  before(async () => {
    t = await startTestMinieks();
    const subnets = JSON.parse((await aws("ec2", "describe-subnets", "--output", "json")).stdout).Subnets as { SubnetId: string }[];
    const create = await aws(
      "eks", "create-cluster", "--name", "resources", "--role-arn", "arn:aws:iam::000000000000:role/eks-cluster",
      "--resources-vpc-config", `subnetIds=${subnets[0]?.SubnetId},${subnets[1]?.SubnetId}`,
    );
    assert.equal(create.code, 0, create.stderr);
    assert.equal((await aws("eks", "wait", "cluster-active", "--name", "resources")).code, 0);
    assert.equal((await aws("eks", "update-kubeconfig", "--name", "resources")).code, 0);
  });
  after(async () => t.close());

  for (const version of ["1.27", "1.33"]) {
    const s = version.replace(".", "");
    const kubectl = (...args: string[]) => run(kubectlBinary(version), ["--cache-dir", join(t.dir, `cache-${s}`), ...args], t.env);
    const ok = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, `kubectl ${version} ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    const refused = async (...args: string[]) => {
      const r = await kubectl(...args);
      assert.notEqual(r.code, 0, `kubectl ${version} ${args.join(" ")} should fail`);
      return r.stderr;
    };

    describe(`kubectl ${version}`, () => {
      it("lists every group in api-resources", async () => {
        const resources = await ok("api-resources");
        for (const gv of GROUPS) assert.match(resources, new RegExp(`\\s${gv.replace(/[./]/g, "\\$&")}\\s`), gv);
        for (const line of [
          /^componentstatuses\s+cs\s+v1\s+false\s+ComponentStatus$/m,
          /^persistentvolumeclaims\s+pvc\s+v1\s+true\s+PersistentVolumeClaim$/m,
          /^replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController$/m,
          /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
          /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m,
          /^certificatesigningrequests\s+csr\s+certificates\.k8s\.io\/v1\s+false\s+CertificateSigningRequest$/m,
          /^validatingadmissionpolicies\s+admissionregistration\.k8s\.io\/v1\s+false\s+ValidatingAdmissionPolicy$/m,
          /^volumeattributesclasses\s+vac\s+storage\.k8s\.io\/v1\s+false\s+VolumeAttributesClass$/m,
        ]) {
          assert.match(resources, line);
        }
      });

      it("applies several new kinds and prints them", async () => {
        const file = join(t.dir, `resources-${s}.yaml`);
        writeFileSync(file, manifests(s));
        const applied = await ok("apply", "-f", file);
        for (const line of [
          `persistentvolumeclaim/data-${s} created`,
          `persistentvolume/pv-${s} created`,
          `replicationcontroller/rc-${s} created`,
          `horizontalpodautoscaler.autoscaling/hpa-${s} created`,
          `networkpolicy.networking.k8s.io/deny-${s} created`,
          `storageclass.storage.k8s.io/fast-${s} created`,
          `priorityclass.scheduling.k8s.io/batch-${s} created`,
          `endpointslice.discovery.k8s.io/web-${s} created`,
          `lease.coordination.k8s.io/leader-${s} created`,
          `event/ev-${s} created`,
        ]) {
          assert.ok(applied.includes(line), `${line} in ${applied}`);
        }

        // One `get` of several kinds prints one table per kind.
        const wide = await ok("get", `pvc/data-${s}`, `pv/pv-${s}`, `rc/rc-${s}`, `netpol/deny-${s}`, `sc/fast-${s}`, `pc/batch-${s}`, `endpointslice/web-${s}`, `lease/leader-${s}`, `hpa/hpa-${s}`, "-o", "wide");
        for (const line of [
          /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\s+VOLUMEMODE$/m,
          new RegExp(`^persistentvolumeclaim/data-${s}\\s+Pending\\s+gp2\\s+<unset>\\s+\\d+s\\s+Filesystem$`, "m"),
          /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE\s+VOLUMEMODE$/m,
          new RegExp(`^persistentvolume/pv-${s}\\s+10Gi\\s+RWO,ROX\\s+Retain\\s+\\w+\\s+<unset>\\s+\\d+s\\s+Filesystem$`, "m"),
          // A replication controller manager may already have made pods: CURRENT is not asserted.
          new RegExp(`^replicationcontroller/rc-${s}\\s+2\\s+\\d+\\s+\\d+\\s+\\d+s\\s+web\\s+nginx:1\\.27\\s+app=rc-${s}$`, "m"),
          new RegExp(`^networkpolicy\\.networking\\.k8s\\.io/deny-${s}\\s+app=db\\s+\\d+s$`, "m"),
          new RegExp(`^storageclass\\.storage\\.k8s\\.io/fast-${s}\\s+ebs\\.csi\\.aws\\.com\\s+Delete\\s+WaitForFirstConsumer\\s+true\\s+\\d+s$`, "m"),
          new RegExp(`^priorityclass\\.scheduling\\.k8s\\.io/batch-${s}\\s+100\\s+false\\s+\\d+s\\s+Never$`, "m"),
          new RegExp(`^endpointslice\\.discovery\\.k8s\\.io/web-${s}\\s+IPv4\\s+80\\s+10\\.0\\.1\\.5,10\\.0\\.1\\.6\\s+\\d+s$`, "m"),
          new RegExp(`^lease\\.coordination\\.k8s\\.io/leader-${s}\\s+ctl-${s}\\s+\\d+s$`, "m"),
          // Written as v1, printed from v2 (kubectl's preferred version).
          new RegExp(`^horizontalpodautoscaler\\.autoscaling/hpa-${s}\\s+Deployment/web\\s+cpu: [^/]+/60%\\s+1\\s+5\\s+\\d+\\s+\\d+s$`, "m"),
        ]) {
          assert.match(wide, line);
        }

        // The same HPA through both versions, and the core Event through events.k8s.io.
        const both = JSON.parse(await ok("get", `horizontalpodautoscalers.v2.autoscaling/hpa-${s}`, `horizontalpodautoscalers.v1.autoscaling/hpa-${s}`, `events.v1.events.k8s.io/ev-${s}`, "-o", "json"));
        const [v2, v1, ev] = both.items;
        assert.equal(v2.apiVersion, "autoscaling/v2");
        assert.deepEqual(v2.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }]);
        assert.equal(v1.apiVersion, "autoscaling/v1");
        assert.equal(v1.spec.targetCPUUtilizationPercentage, 60);
        assert.equal(v1.metadata.uid, v2.metadata.uid);
        assert.equal(ev.apiVersion, "events.k8s.io/v1");
        assert.equal(ev.note, "pulled nginx");
        assert.equal(ev.regarding.name, "web");
      });

      it("creates quota, priorityclass, pdb and ingress with the typed commands", async () => {
        assert.equal((await ok("create", "quota", `q-${s}`, "--hard=pods=10,limits.cpu=2")).trim(), `resourcequota/q-${s} created`);
        assert.equal((await ok("create", "priorityclass", `high-${s}`, "--value=1000", "--description=important")).trim(), `priorityclass.scheduling.k8s.io/high-${s} created`);
        assert.equal((await ok("create", "pdb", `web-${s}`, "--selector=app=web", "--min-available=2")).trim(), `poddisruptionbudget.policy/web-${s} created`);
        assert.equal((await ok("create", "ingress", `web-${s}`, "--rule=foo.com/bar=svc:80")).trim(), `ingress.networking.k8s.io/web-${s} created`);

        const tables = await ok("get", `quota/q-${s}`, `pc/high-${s}`, `pdb/web-${s}`, `ingress/web-${s}`);
        for (const line of [
          /^NAME\s+REQUEST\s+LIMIT\s+AGE$/m,
          /^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY$/m,
          new RegExp(`^priorityclass\\.scheduling\\.k8s\\.io/high-${s}\\s+1000\\s+false\\s+\\d+s\\s+PreemptLowerPriority$`, "m"),
          /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/m,
          new RegExp(`^poddisruptionbudget\\.policy/web-${s}\\s+2\\s+N/A\\s+\\d+\\s+\\d+s$`, "m"),
          /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/m,
          new RegExp(`^ingress\\.networking\\.k8s\\.io/web-${s}\\s+<none>\\s+foo\\.com\\s+80\\s+\\d+s$`, "m"),
        ]) {
          assert.match(tables, line);
        }
        const [quota, ingress] = JSON.parse(await ok("get", `quota/q-${s}`, `ingress/web-${s}`, "-o", "json")).items;
        assert.deepEqual(quota.spec.hard, { pods: "10", "limits.cpu": "2" });
        assert.deepEqual(ingress.spec.rules[0].http.paths[0], { path: "/bar", pathType: "Exact", backend: { service: { name: "svc", port: { number: 80 } } } });

        assert.match(
          await refused("create", "priorityclass", `system-${s}`, "--value=1"),
          new RegExp(`metadata\\.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only\\. error: system-${s} is not a known system priority class`),
        );
        assert.match(await refused("create", "pdb", `bad-${s}`, "--selector=app=web", "--max-unavailable=150%"), /spec\.maxUnavailable: Invalid value: intstr\.IntOrString\{Type:1, IntVal:0, StrVal:"150%"\}: must not be greater than 100%/);
      });

      it("reports componentstatuses and explains the new kinds", async () => {
        const cs = await ok("get", "componentstatuses");
        assert.match(cs, /^NAME\s+STATUS\s+MESSAGE\s+ERROR\n/);
        for (const name of ["controller-manager", "etcd-0", "scheduler"]) assert.match(cs, new RegExp(`^${name}\\s+Healthy\\s+ok\\s*$`, "m"));
        const explain = await ok("explain", "pdb");
        assert.match(explain, /PodDisruptionBudget is an object to define the max disruption that can be\s+caused to a collection of pods/);
      });
    });
  }
});
