/**
 * Test helper (not part of the build): captures the request bodies real kubectl binaries send for
 * `create` commands, by pointing them at a throwaway HTTP server on 127.0.0.1.
 *
 * Run directly to refresh testdata/ (protobuf from kubectl 1.33, JSON from kubectl 1.31):
 *   node --import tsx src/kube/apiserver/protobuf/kubectl-capture.case.ts
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One request body kubectl sent. */
export interface CapturedRequest {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

/** A kubectl command line whose single POST body is captured. `{dir}` in args is replaced by a scratch folder. */
export interface CaptureCase {
  name: string;
  args: string[];
  /** Set when kubectl 1.31 sends a different object (autoscale: autoscaling/v1 instead of v2), so there is no JSON twin. */
  noJsonTwin?: true;
}

const T1 = "2024-05-06T07:08:09Z";

/**
 * Served for `kubectl create job --from=cronjob/rich`: kubectl copies `spec.jobTemplate.spec` into the Job it
 * POSTs, so every field here (a full ObjectMeta in the pod template, a PodSpec with most of its
 * parts) reaches the wire encoded by kubectl itself. Only fields that kubectl 1.31 also knows are used.
 */
export const RICH_CRONJOB = {
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "rich", namespace: "default", uid: "0c7d0f3e-0000-4000-8000-000000000001", creationTimestamp: T1 },
  spec: {
    schedule: "0 * * * *",
    jobTemplate: {
      spec: {
        parallelism: 2,
        completions: 4,
        activeDeadlineSeconds: 600,
        backoffLimit: 3,
        ttlSecondsAfterFinished: 0,
        completionMode: "Indexed",
        suspend: false,
        podFailurePolicy: {
          rules: [
            { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [1, 2, 42] } },
            { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
          ],
        },
        template: {
          metadata: {
            name: "tpl",
            generateName: "tpl-",
            namespace: "default",
            selfLink: "/api/v1/namespaces/default/pods/tpl",
            uid: "0c7d0f3e-0000-4000-8000-000000000002",
            resourceVersion: "12345",
            generation: 7,
            creationTimestamp: T1,
            deletionTimestamp: "2024-05-06T08:00:00Z",
            deletionGracePeriodSeconds: 30,
            labels: { app: "rich", "example.com/tier": "batch" },
            annotations: { note: "täst ✓", empty: "" },
            ownerReferences: [
              { apiVersion: "batch/v1", kind: "CronJob", name: "rich", uid: "0c7d0f3e-0000-4000-8000-000000000001", controller: true, blockOwnerDeletion: false },
              { apiVersion: "v1", kind: "ConfigMap", name: "plain", uid: "0c7d0f3e-0000-4000-8000-000000000003" },
            ],
            finalizers: ["example.com/cleanup", "kubernetes"],
            managedFields: [
              {
                manager: "kubectl",
                operation: "Update",
                apiVersion: "v1",
                time: T1,
                fieldsType: "FieldsV1",
                fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } },
              },
              { manager: "ctrl", operation: "Apply", apiVersion: "v1", subresource: "status" },
            ],
          },
          spec: {
            volumes: [
              { name: "cfg", configMap: { name: "cfg", items: [{ key: "a", path: "a.txt", mode: 256 }], defaultMode: 420, optional: true } },
              { name: "sec", secret: { secretName: "sec", defaultMode: 256 } },
              { name: "scratch", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
              { name: "host", hostPath: { path: "/var/log", type: "Directory" } },
              {
                name: "proj",
                projected: {
                  sources: [
                    { serviceAccountToken: { audience: "vault", expirationSeconds: 3600, path: "token" } },
                    { downwardAPI: { items: [{ path: "labels", fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels" } }] } },
                  ],
                },
              },
              { name: "pvc", persistentVolumeClaim: { claimName: "data", readOnly: true } },
            ],
            initContainers: [{ name: "init", image: "busybox", command: ["sh", "-c", "true"], restartPolicy: "Always" }],
            containers: [
              {
                name: "main",
                image: "registry.example/app:1.0",
                command: ["/app"],
                args: ["--port=8080", ""],
                workingDir: "/work",
                ports: [
                  { name: "http", containerPort: 8080, protocol: "TCP" },
                  { containerPort: 9090, hostPort: 19090, protocol: "UDP", hostIP: "0.0.0.0" },
                ],
                envFrom: [{ prefix: "CFG_", configMapRef: { name: "cfg", optional: false } }, { secretRef: { name: "sec" } }],
                env: [
                  { name: "PLAIN", value: "1" },
                  { name: "EMPTY" },
                  { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                  { name: "KEY", valueFrom: { secretKeyRef: { name: "sec", key: "k", optional: true } } },
                  { name: "CPU", valueFrom: { resourceFieldRef: { containerName: "main", resource: "limits.cpu", divisor: "1m" } } },
                ],
                resources: {
                  limits: { cpu: "0.5", memory: "128Mi", "example.com/gpu": "1" },
                  requests: { cpu: "100m", memory: "64Mi", "ephemeral-storage": "1Gi" },
                },
                resizePolicy: [{ resourceName: "cpu", restartPolicy: "NotRequired" }],
                volumeMounts: [
                  { name: "cfg", mountPath: "/etc/cfg", readOnly: true },
                  { name: "scratch", mountPath: "/tmp", subPath: "t", mountPropagation: "None" },
                ],
                livenessProbe: {
                  httpGet: { path: "/healthz", port: "http", scheme: "HTTP", httpHeaders: [{ name: "X-Probe", value: "1" }] },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  timeoutSeconds: 1,
                  successThreshold: 1,
                  failureThreshold: 3,
                  terminationGracePeriodSeconds: 15,
                },
                readinessProbe: { tcpSocket: { port: 8080 } },
                startupProbe: { exec: { command: ["cat", "/ready"] }, failureThreshold: 30 },
                lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ["true"] } } },
                terminationMessagePath: "/dev/termination-log",
                terminationMessagePolicy: "FallbackToLogsOnError",
                imagePullPolicy: "IfNotPresent",
                securityContext: {
                  capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                  privileged: false,
                  runAsUser: 1000,
                  runAsGroup: 0,
                  runAsNonRoot: true,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  seccompProfile: { type: "RuntimeDefault" },
                },
                stdin: true,
                tty: true,
              },
            ],
            restartPolicy: "OnFailure",
            terminationGracePeriodSeconds: 45,
            activeDeadlineSeconds: 900,
            dnsPolicy: "ClusterFirst",
            nodeSelector: { "kubernetes.io/os": "linux" },
            serviceAccountName: "runner",
            automountServiceAccountToken: false,
            securityContext: {
              runAsUser: 1000,
              fsGroup: 2000,
              supplementalGroups: [3000, 0, 4000],
              sysctls: [{ name: "net.core.somaxconn", value: "1024" }],
              fsGroupChangePolicy: "OnRootMismatch",
            },
            imagePullSecrets: [{ name: "pull" }],
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }],
                },
              },
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: "rich" } }, topologyKey: "kubernetes.io/hostname" } },
                ],
              },
            },
            schedulerName: "default-scheduler",
            tolerations: [
              { key: "dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" },
              { operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
            ],
            hostAliases: [{ ip: "10.0.0.1", hostnames: ["db.local"] }],
            priorityClassName: "high",
            priority: 1000,
            dnsConfig: { nameservers: ["1.1.1.1"], options: [{ name: "ndots", value: "2" }, { name: "edns0" }] },
            readinessGates: [{ conditionType: "example.com/ready" }],
            enableServiceLinks: false,
            preemptionPolicy: "Never",
            overhead: { cpu: "250m" },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, minDomains: 2 },
            ],
            os: { name: "linux" },
            hostUsers: false,
            schedulingGates: [{ name: "example.com/gate" }],
          },
        },
      },
    },
  },
};

/** Served for `kubectl autoscale deployment web`. */
const DEPLOYMENT = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "0c7d0f3e-0000-4000-8000-000000000004", creationTimestamp: T1 },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } },
  },
};

/** Objects the server answers GETs with, by path. */
const OBJECTS: Readonly<Record<string, unknown>> = {
  "/apis/batch/v1/namespaces/default/cronjobs/rich": RICH_CRONJOB,
  "/apis/apps/v1/namespaces/default/deployments/web": DEPLOYMENT,
};

/** Binary content for the `--from-file` case, so binaryData holds bytes that are not UTF-8. */
const BLOB = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);

/** The commands captured; each is run with kubectl 1.33 (protobuf) and 1.31 (JSON). */
export const CAPTURE_CASES: readonly CaptureCase[] = [
  { name: "configmap", args: ["create", "configmap", "c", "-n", "demo", "--from-literal=a=b", "--from-literal=empty="] },
  { name: "configmap-binary", args: ["create", "configmap", "bin", "--from-file=blob={dir}/blob", "--from-literal=t=x"] },
  { name: "secret-generic", args: ["create", "secret", "generic", "s", "--from-literal=k=v", "--from-literal=empty=", "--type=Opaque"] },
  {
    name: "secret-docker-registry",
    args: ["create", "secret", "docker-registry", "reg", "--docker-server=r.example", "--docker-username=u", "--docker-password=p"],
  },
  { name: "namespace", args: ["create", "namespace", "demo"] },
  { name: "serviceaccount", args: ["create", "serviceaccount", "sa", "-n", "demo"] },
  { name: "service-clusterip", args: ["create", "service", "clusterip", "web", "--tcp=80:8080", "--tcp=443:https"] },
  { name: "service-headless", args: ["create", "service", "clusterip", "headless", "--clusterip=None"] },
  { name: "service-nodeport", args: ["create", "service", "nodeport", "np", "--tcp=5678:8080", "--node-port=30080"] },
  { name: "service-loadbalancer", args: ["create", "service", "loadbalancer", "lb", "--tcp=443:8443"] },
  { name: "service-externalname", args: ["create", "service", "externalname", "ext", "--external-name=example.com"] },
  { name: "deployment", args: ["create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80"] },
  { name: "deployment-command", args: ["create", "deployment", "cmd", "--image=busybox", "--", "sleep", "3600"] },
  { name: "job", args: ["create", "job", "j", "--image=busybox", "--", "echo", "hi"] },
  { name: "job-from-cronjob", args: ["create", "job", "rich-manual", "--from=cronjob/rich"] },
  { name: "autoscale", args: ["autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80"], noJsonTwin: true },
  { name: "cronjob", args: ["create", "cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *", "--restart=OnFailure", "--", "date"] },
  { name: "quota", args: ["create", "quota", "q", "--hard=cpu=1,memory=1Gi,pods=2", "--scopes=BestEffort"] },
  { name: "priorityclass", args: ["create", "priorityclass", "pc", "--value=1000", "--description=d", "--preemption-policy=Never"] },
  { name: "pdb", args: ["create", "pdb", "p", "--selector=app=web", "--min-available=50%"] },
  { name: "ingress", args: ["create", "ingress", "ing", "--class=nginx", "--rule=foo.com/bar=svc:80", "--rule=secure.com/*=svc2:https,tls=cert"] },
  { name: "role", args: ["create", "role", "r", "--verb=get,list", "--resource=pods", "--resource-name=p1"] },
  { name: "clusterrole", args: ["create", "clusterrole", "cr", "--verb=get", "--non-resource-url=/healthz"] },
  { name: "rolebinding", args: ["create", "rolebinding", "rb", "--role=r", "--user=u", "--serviceaccount=demo:sa", "-n", "demo"] },
  {
    name: "clusterrolebinding",
    args: ["create", "clusterrolebinding", "crb", "--clusterrole=view", "--user=u", "--group=g", "--serviceaccount=ns:sa"],
  },
  {
    name: "token",
    args: ["create", "token", "sa", "--audience=a", "--duration=10m", "--bound-object-kind=Pod", "--bound-object-name=p", "--bound-object-uid=123"],
  },
  { name: "can-i", args: ["auth", "can-i", "get", "pods", "-n", "demo"] },
  { name: "can-i-nonresource", args: ["auth", "can-i", "get", "/healthz"] },
  { name: "can-i-list", args: ["auth", "can-i", "--list", "-n", "demo"] },
  { name: "whoami", args: ["auth", "whoami"] },
];

/** Kinds of the resources the cases POST to, for the JSON echo kubectl expects back. */
const KIND_BY_RESOURCE: Readonly<Record<string, string>> = {
  configmaps: "ConfigMap",
  secrets: "Secret",
  namespaces: "Namespace",
  serviceaccounts: "ServiceAccount",
  services: "Service",
  deployments: "Deployment",
  jobs: "Job",
  cronjobs: "CronJob",
  resourcequotas: "ResourceQuota",
  priorityclasses: "PriorityClass",
  poddisruptionbudgets: "PodDisruptionBudget",
  ingresses: "Ingress",
  roles: "Role",
  clusterroles: "ClusterRole",
  rolebindings: "RoleBinding",
  clusterrolebindings: "ClusterRoleBinding",
  token: "TokenRequest",
  selfsubjectaccessreviews: "SelfSubjectAccessReview",
  selfsubjectrulesreviews: "SelfSubjectRulesReview",
  selfsubjectreviews: "SelfSubjectReview",
  horizontalpodautoscalers: "HorizontalPodAutoscaler",
};

const VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];

/** Legacy discovery, just enough for kubectl to map the resource names the cases use. */
const DISCOVERY: Readonly<Record<string, unknown>> = {
  "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
  "/apis": {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: ["apps", "batch"].map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
      preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
    })),
  },
  "/api/v1": resourceList("v1", [["pods", "Pod"]]),
  "/apis/apps/v1": resourceList("apps/v1", [["deployments", "Deployment"], ["deployments/scale", "Scale"]]),
  "/apis/batch/v1": resourceList("batch/v1", [["cronjobs", "CronJob"], ["jobs", "Job"]]),
};

function resourceList(groupVersion: string, resources: [string, string][]): unknown {
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion,
    resources: resources.map(([name, kind]) => ({
      name,
      singularName: name.includes("/") ? "" : kind.toLowerCase(),
      namespaced: true,
      kind,
      verbs: VERBS,
      ...(kind === "Scale" ? { group: "autoscaling", version: "v1" } : {}),
    })),
  };
}

/** Path of `kubectl.<minor>` next to the real kubectl on PATH (e.g. "1.33"), if installed. */
export function findKubectl(minor: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "kubectl");
    if (!dir || !existsSync(candidate)) continue;
    let real = candidate;
    try {
      real = realpathSync(candidate);
    } catch {
      try {
        real = readlinkSync(candidate);
      } catch {
        // keep the PATH entry itself
      }
    }
    const versioned = join(dirname(real), `kubectl.${minor}`);
    if (existsSync(versioned)) return versioned;
  }
  return undefined;
}

/** An HTTP server that answers just enough for kubectl `create` commands and records their POST bodies. */
export class KubectlCaptureServer {
  private readonly requests: CapturedRequest[] = [];

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    private readonly kubeconfig: string,
  ) {}

  /** Starts the server on 127.0.0.1 (port 0) with a kubeconfig for it in a scratch folder. */
  static async start(): Promise<KubectlCaptureServer> {
    const dir = mkdtempSync(join(tmpdir(), "minieks-kubectl-capture-"));
    writeFileSync(join(dir, "blob"), BLOB);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const { port } = server.address() as AddressInfo;
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: capture\n  cluster:\n    server: http://127.0.0.1:${port}`,
        "users:",
        "- name: capture\n  user:\n    token: capture-token",
        "contexts:",
        "- name: capture\n  context:\n    cluster: capture\n    user: capture",
        "current-context: capture",
        "",
      ].join("\n"),
    );
    const capture = new KubectlCaptureServer(server, dir, kubeconfig);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => capture.handle(req, res));
    return capture;
  }

  /** Runs one kubectl command (bounded by `timeoutMs`) and returns the one POST it sent. */
  async capture(kubectl: string, c: CaptureCase, timeoutMs = 20_000): Promise<CapturedRequest> {
    this.requests.length = 0;
    const cacheDir = mkdtempSync(join(this.dir, "cache-"));
    const args = ["--kubeconfig", this.kubeconfig, "--cache-dir", cacheDir, ...c.args.map((a) => a.replaceAll("{dir}", this.dir))];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(kubectl, args, { stdio: ["ignore", "ignore", "pipe"], timeout: timeoutMs, killSignal: "SIGKILL" });
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.on("error", reject);
      child.on("close", (exitCode) => resolve({ code: exitCode, stderr: err }));
    });
    const posts = this.requests.filter((r) => r.method === "POST");
    if (code !== 0 || posts.length !== 1) {
      throw new Error(`${kubectl} ${c.args.join(" ")}: exit ${code}, ${posts.length} POSTs\n${stderr}`);
    }
    return posts[0]!;
  }

  /** Stops the server and removes the scratch folder. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      const body = Buffer.concat(chunks);
      this.requests.push({ method: req.method ?? "", path, contentType: req.headers["content-type"] ?? "", body });
      const route = path.split("?")[0]!;
      if (req.method === "POST") return reply(res, 201, echo(route));
      const known = DISCOVERY[route] ?? OBJECTS[route];
      if (req.method === "GET" && known) return reply(res, 200, known);
      reply(res, 404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404, message: "not found" });
    });
  }
}

/** A reply object of the POSTed kind, with the status fields `create token` and `auth` commands read. */
function echo(route: string): Record<string, unknown> {
  const parts = route.split("/").filter(Boolean);
  const resource = parts.at(-1) ?? "";
  const kind = KIND_BY_RESOURCE[resource] ?? "Unknown";
  // The serviceaccounts/token subresource takes and returns an authentication.k8s.io object.
  const apiVersion = resource === "token" ? "authentication.k8s.io/v1" : parts[0] === "api" ? parts[1] : `${parts[1]}/${parts[2]}`;
  return {
    kind,
    apiVersion,
    metadata: { name: "captured" },
    status: { token: "captured-token", allowed: true, userInfo: { username: "captured" } },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Folder of the committed captures. */
export const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), "testdata");

async function main(): Promise<void> {
  const kubectl133 = findKubectl("1.33");
  const kubectl131 = findKubectl("1.31");
  if (!kubectl133 || !kubectl131) throw new Error("kubectl.1.33 and kubectl.1.31 must be installed next to kubectl");
  mkdirSync(TESTDATA, { recursive: true });
  const server = await KubectlCaptureServer.start();
  try {
    for (const c of CAPTURE_CASES) {
      const pb = await server.capture(kubectl133, c);
      writeFileSync(join(TESTDATA, `${c.name}.pb`), pb.body);
      console.log(`${c.name}: ${pb.contentType}, ${pb.body.length} bytes`);
      if (c.noJsonTwin) continue;
      const json = await server.capture(kubectl131, c);
      writeFileSync(join(TESTDATA, `${c.name}.json`), `${JSON.stringify(JSON.parse(json.body.toString()), null, 2)}\n`);
    }
  } finally {
    await server.close();
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
