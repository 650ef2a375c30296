// A small reverse proxy for the replicas run (node:http only): each request,
// and each WebSocket upgrade, goes to the next upstream in turn, so a
// browser's consecutive requests land on different server replicas. It sets
// X-Forwarded-For/Proto/Host as a real proxy would, keeps the Host the
// browser sent, and counts what each upstream served. A path can be pinned
// to one upstream (pin), so a test can place the two ends of a connection
// on different replicas and count where each went.
import http from "node:http";

// Hop-by-hop headers belong to one connection, not to the message.
const HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"];

export async function startProxy() {
  let upstreams = [];
  // Requests and upgrades take turns separately, so even a few streams
  // are spread over every upstream.
  const next = { http: 0, ws: 0 };
  const counts = new Map(); // upstream -> { http, ws }
  const pins = []; // { name, pattern, upstream }, first match wins
  const pinned = new Map(); // pin name -> Map(upstream -> requests and upgrades sent there)
  const agent = new http.Agent({ keepAlive: true });
  const tunnels = new Set(); // upgraded sockets, which server.close does not end

  function pick(kind, req) {
    const pathname = new URL(req.url ?? "/", "http://proxy").pathname;
    const pin = pins.find((p) => p.pattern.test(pathname));
    if (!pin && !upstreams.length) return undefined;
    const u = pin ? pin.upstream : upstreams[next[kind]++ % upstreams.length];
    if (pin) {
      const byUpstream = pinned.get(pin.name);
      byUpstream.set(u, (byUpstream.get(u) ?? 0) + 1);
    }
    if (!counts.has(u)) counts.set(u, { http: 0, ws: 0 });
    counts.get(u)[kind]++;
    return new URL(u);
  }

  function forwardedHeaders(req, keepHop) {
    const headers = { ...req.headers };
    if (!keepHop) for (const h of HOP) delete headers[h];
    const client = req.socket.remoteAddress ?? "";
    headers["x-forwarded-for"] = headers["x-forwarded-for"] ? `${headers["x-forwarded-for"]}, ${client}` : client;
    headers["x-forwarded-proto"] = "http";
    headers["x-forwarded-host"] = req.headers.host ?? "";
    return headers;
  }

  const server = http.createServer((req, res) => {
    const target = pick("http", req);
    if (!target) return void res.writeHead(503).end("no upstream");
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: forwardedHeaders(req, false), agent },
      (upRes) => {
        const headers = { ...upRes.headers };
        for (const h of HOP) delete headers[h];
        res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, headers);
        // Streams (server-sent events, logs) must reach the browser as they come.
        res.flushHeaders();
        upRes.pipe(res);
      },
    );
    up.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end("upstream unreachable");
      else res.destroy();
    });
    // A browser that goes away (a closed log stream) ends the upstream request too.
    res.on("close", () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });

  server.on("upgrade", (req, socket, head) => {
    const target = pick("ws", req);
    socket.on("error", () => {});
    if (!target) return void socket.end("HTTP/1.1 503 Service Unavailable\r\n\r\n");
    const up = http.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url, headers: forwardedHeaders(req, true),
    });
    up.on("upgrade", (upRes, upSocket, upHead) => {
      const lines = [`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage}`];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
      socket.write(lines.join("\r\n") + "\r\n\r\n");
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.on("error", () => socket.destroy());
      socket.on("error", () => upSocket.destroy());
      upSocket.on("close", () => socket.destroy());
      socket.on("close", () => upSocket.destroy());
      tunnels.add(socket);
      socket.on("close", () => tunnels.delete(socket));
      upSocket.pipe(socket);
      socket.pipe(upSocket);
    });
    // A refused upgrade (401, 404, ...) is an ordinary response: pass it on.
    up.on("response", (upRes) => {
      const lines = [`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage}`];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
        if (!HOP.includes(upRes.rawHeaders[i].toLowerCase())) lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
      }
      lines.push("Connection: close");
      const chunks = [];
      upRes.on("data", (c) => chunks.push(c));
      upRes.on("end", () => {
        const body = Buffer.concat(chunks);
        socket.end(lines.filter((l) => !/^content-length:/i.test(l)).join("\r\n") + `\r\nContent-Length: ${body.length}\r\n\r\n` + body);
      });
    });
    up.on("error", () => socket.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
    up.end();
  });

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** The replicas to spread requests over (set once they are up). */
    setUpstreams(urls) {
      upstreams = urls;
      for (const u of urls) if (!counts.has(u)) counts.set(u, { http: 0, ws: 0 });
    },
    counts,
    /**
     * Sends every request and upgrade whose path matches pattern to
     * upstream instead of taking turns; pinned.get(name) counts them.
     */
    pin(name, pattern, upstream) {
      pins.push({ name, pattern, upstream });
      pinned.set(name, new Map());
    },
    pinned,
    async stop() {
      for (const s of tunnels) s.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}
