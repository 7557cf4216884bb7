import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CLI = ["--import", "tsx", "src/cli/main.ts"];

/** Runs the minieks command; with `until`, stops it (SIGTERM) once stdout matches. */
function minieks(args: string[], until?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, MINIEKS_PORT: undefined } });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`minieks ${args.join(" ")} did not finish: ${stdout}${stderr}`));
    }, 30_000);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (until?.test(stdout)) child.kill("SIGTERM");
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("the minieks command", () => {
  it("documents itself", async () => {
    const help = await minieks(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: minieks/);
    assert.match(help.stdout, /up \[options\]\s+start minieks in the foreground/);
  });

  it("starts, prints how to use it, and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minieks-cli-"));
    try {
      const up = await minieks(["up", "--port", "0", "--data-dir", dir, "--region", "ap-northeast-2"], /Ctrl\+C stops minieks/);
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /^minieks is up: the AWS endpoint is http:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(up.stdout, /export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+ AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=ap-northeast-2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says in one line when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const up = await minieks(["up", "--port", String(port), "--in-memory"]);
      assert.equal(up.code, 1);
      assert.equal(up.stderr, `minieks: port ${port} on 127.0.0.1 is in use (is minieks already running?); choose another with --port\n`);
    } finally {
      blocker.close();
    }
  });

  it("says in one line when the data directory is not writable", async () => {
    // A directory below a regular file can never be created (tests run as root, so modes would not stop it).
    const dir = mkdtempSync(join(tmpdir(), "minieks-cli-"));
    const blocked = join(dir, "a-file", "data");
    writeFileSync(join(dir, "a-file"), "");
    try {
      const up = await minieks(["up", "--port", "0", "--data-dir", blocked]);
      assert.equal(up.code, 1);
      assert.equal(up.stderr, `minieks: the data directory ${blocked} is not writable; choose another with --data-dir\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses bad option values in one line", async () => {
    const up = await minieks(["up", "--port", "99999"]);
    assert.equal(up.code, 1);
    assert.match(up.stderr, /^error: option '-p, --port <port>' argument '99999' is invalid\. must be a port number \(0-65535\)\n$/);
    const scale = await minieks(["up", "--port", "0", "--in-memory", "--time-scale", "fast"]);
    assert.equal(scale.code, 1);
    assert.match(scale.stderr, /^minieks: invalid setting timeScale: /);
  });
});
