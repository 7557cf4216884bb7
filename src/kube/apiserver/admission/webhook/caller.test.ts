import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { createClusterPki, type ClusterPki } from "../../../../cluster/pki.js";
import { RsaKeyPool } from "../../../../cluster/rsa-key-pool.js";
import { httpsCaller, TransportError, transportMessage } from "./caller.js";

/** The real caller against a loopback HTTPS server with a certificate of its own CA (as a user's webhook has). */
describe("httpsCaller", () => {
  let pki: ClusterPki;
  let other: ClusterPki;
  let server: Server;
  let port = 0;
  const caller = httpsCaller();
  const bodies: string[] = [];

  before(async () => {
    const keys = new RsaKeyPool(4);
    pki = await createClusterPki(new Date(), keys);
    other = await createClusterPki(new Date(), keys);
    server = createServer({ key: pki.servingKey, cert: pki.servingCertificate }, (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        bodies.push(`${req.method} ${req.url} ${req.headers["content-type"]} ${body}`);
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    caller.close?.();
    server.closeAllConnections();
    server.close();
  });

  const call = (url: string, caBundle?: string) => caller.call({ url, body: '{"a":1}', signal: new AbortController().signal, ...(caBundle ? { caBundle } : {}) });

  it("POSTs JSON and verifies the server with the caBundle", async () => {
    const reply = await call(`https://127.0.0.1:${port}/validate?timeout=10s`, pki.caCertificate);
    assert.deepEqual(reply, { status: 200, contentType: "application/json", body: '{"ok":true}' });
    assert.deepEqual(bodies, ['POST /validate?timeout=10s application/json {"a":1}']);
  });

  it("refuses a server the caBundle did not sign, in Go's words", async () => {
    await assert.rejects(call(`https://127.0.0.1:${port}/validate`, other.caCertificate), (e: unknown) => e instanceof TransportError && e.message === "tls: failed to verify certificate: x509: certificate signed by unknown authority");
  });

  it("a certificate for other names is refused with the names it is valid for (Go's wording)", () => {
    const error = Object.assign(new Error("altnames"), { code: "ERR_TLS_CERT_ALTNAME_INVALID", cert: { subjectaltname: "DNS:localhost, DNS:hooks.example.com, IP Address:127.0.0.1" } });
    assert.equal(transportMessage(error, new URL("https://127.0.0.2:9443/")), "tls: failed to verify certificate: x509: certificate is valid for 127.0.0.1, not 127.0.0.2");
    assert.equal(transportMessage(error, new URL("https://other.example.com/")), "tls: failed to verify certificate: x509: certificate is valid for localhost, hooks.example.com, not other.example.com");
    const dnsOnly = Object.assign(new Error("altnames"), { code: "ERR_TLS_CERT_ALTNAME_INVALID", cert: { subjectaltname: "DNS:localhost" } });
    assert.equal(transportMessage(dnsOnly, new URL("https://10.0.0.1/")), "tls: failed to verify certificate: x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs");
  });

  it("a closed port is connection refused", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(call(`https://127.0.0.1:${free}/validate`, pki.caCertificate), (e: unknown) => e instanceof TransportError && e.message === `dial tcp 127.0.0.1:${free}: connect: connection refused`);
  });
});
