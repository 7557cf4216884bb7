import { Agent, request } from "node:https";

export interface Reply {
  status: number;
  body: string;
}

/** HTTPS to a cluster's API server with keep-alive and a bearer token, as client-go talks to it. */
export class KubeHttp {
  private readonly agent: Agent;

  constructor(
    private readonly base: URL,
    ca: Buffer,
    private readonly token: string,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, ca });
  }

  send(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: "application/json",
            ...(payload ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        },
      );
      req.on("error", (error) => reject(new Error(`${method} ${path}: ${error.message}`)));
      req.end(payload);
    });
  }

  async ok(method: string, path: string, body?: unknown, contentType?: string): Promise<Reply> {
    const reply = await this.send(method, path, body, contentType);
    if (reply.status >= 300) throw new Error(`${method} ${path} → ${reply.status}: ${reply.body.slice(0, 300)}`);
    return reply;
  }

  /** A watch: calls `onEvent` with each parsed event line until `cancel()`. */
  watch(path: string, onEvent: (event: { type: string; object: { metadata: { resourceVersion: string; name: string } } }) => void): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.base.hostname, port: this.base.port, path, agent: this.agent, headers: { authorization: `Bearer ${this.token}`, accept: "application/json" } },
        (res) => {
          if (res.statusCode !== 200) return reject(new Error(`watch ${path} → ${res.statusCode}`));
          let buffered = "";
          res.on("data", (chunk: Buffer) => {
            buffered += chunk.toString("utf8");
            for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
              const line = buffered.slice(0, nl);
              buffered = buffered.slice(nl + 1);
              if (line.trim()) onEvent(JSON.parse(line));
            }
          });
          res.on("error", () => undefined);
          resolve(() => req.destroy());
        },
      );
      req.on("error", (error) => reject(error));
      req.end();
    });
  }
}

