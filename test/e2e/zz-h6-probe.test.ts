import { it } from "node:test";
import { join } from "node:path";
import { kubectlBinary, run, startTestMinieks } from "./harness.js";

it("probe", { timeout: 300_000 }, async () => {
  const t = await startTestMinieks("ap-northeast-2");
  const aws = (...a: string[]) => run("aws", [...a, "--output", "json"], t.env);
  const kubectl = (...a: string[]) => run(kubectlBinary(), ["--cache-dir", join(t.dir, "kc"), ...a], t.env);
  const subnets = JSON.parse((await aws("ec2", "describe-subnets")).stdout).Subnets as { SubnetId: string; AvailabilityZone: string }[];
  const ids = [...new Map(subnets.map((s) => [s.AvailabilityZone, s.SubnetId])).values()].slice(0, 3);
  console.log((await aws("eks", "create-cluster", "--name", "myeks", "--role-arn", "arn:aws:iam::000000000000:role/eks", "--resources-vpc-config", `subnetIds=${ids.join(",")}`)).code);
  await run("aws", ["eks", "wait", "cluster-active", "--name", "myeks"], t.env);
  await run("aws", ["eks", "update-kubeconfig", "--name", "myeks"], t.env);
  const r1 = await aws("eks", "create-nodegroup", "--cluster-name", "myeks", "--nodegroup-name", "ng1", "--node-role", "arn:aws:iam::000000000000:role/node", "--subnets", ...ids, "--instance-types", "t3.medium", "--scaling-config", "minSize=2,maxSize=5,desiredSize=3");
  console.log("ng", r1.code, r1.stderr);
  await run("aws", ["eks", "wait", "nodegroup-active", "--cluster-name", "myeks", "--nodegroup-name", "ng1"], t.env);
  await new Promise((r) => setTimeout(r, 4000));
  for (const args of [["get", "nodes", "-o", "wide"], ["get", "pods", "-A", "-o", "wide"], ["get", "svc", "-A"], ["get", "ep", "-A"], ["get", "endpointslices", "-A"], ["get", "pdb", "-A"], ["get", "sa,cm", "-n", "default"], ["get", "ds,deploy", "-n", "kube-system"]]) {
    const r = await kubectl(...args);
    console.log(`$ kubectl ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  }
  await kubectl("create", "deployment", "web", "--image=nginx", "--replicas=3");
  await kubectl("expose", "deployment", "web", "--port=80", "--type=NodePort");
  await new Promise((r) => setTimeout(r, 3000));
  console.log((await kubectl("get", "svc,ep,endpointslices", "-o", "wide")).stdout);
  const inst = JSON.parse((await aws("ec2", "describe-instances")).stdout).Reservations.flatMap((r: { Instances: { InstanceId: string; PrivateDnsName: string }[] }) => r.Instances);
  const victim = inst[0];
  await kubectl("create", "pdb", "web", "--selector=app=web", "--min-available=3");
  await new Promise((r) => setTimeout(r, 2000));
  const drain = await kubectl("drain", victim.PrivateDnsName, "--ignore-daemonsets", "--timeout=8s");
  console.log("drain", drain.code, drain.stdout, drain.stderr.slice(0, 600));
  await kubectl("delete", "pdb", "web");
  const stop = await aws("ec2", "terminate-instances", "--instance-ids", victim.InstanceId);
  console.log("terminate", stop.code, stop.stderr.slice(0, 300));
  await new Promise((r) => setTimeout(r, 75_000));
  console.log((await kubectl("get", "nodes")).stdout);
  console.log((await kubectl("describe", "node", victim.PrivateDnsName)).stdout.split("\n").filter((l) => /Taints|Unknown|unreachable|Conditions/.test(l)).join("\n"));
  console.log((await kubectl("get", "pods", "-A", "-o", "wide")).stdout);
  console.log((await kubectl("get", "ep", "web", "-o", "yaml")).stdout);
  await t.close();
});
