// A minimal API client for the journeys' setup (what the UI is not being
// tested on): the session token header, JSON in and out, errors thrown
// with the server's message.
export class Api {
  constructor(base, token = "") {
    this.base = base;
    this.token = token;
  }

  async request(method, path, body, headers = {}) {
    const isBytes = body instanceof Uint8Array;
    const res = await fetch(`${this.base}/api/v2${path}`, {
      method,
      headers: {
        ...(this.token ? { "Coder-Session-Token": this.token } : {}),
        ...(body !== undefined && !isBytes ? { "Content-Type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isBytes ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${data?.message ?? text} ${data?.detail ?? ""}`);
    return data;
  }

  get(path) {
    return this.request("GET", path);
  }
  post(path, body, headers) {
    return this.request("POST", path, body, headers);
  }

  async login(email, password) {
    const { session_token } = await this.post("/users/login", { email, password });
    return new Api(this.base, session_token);
  }

  /** Polls a template version until its import job is done (setup only). */
  async waitForImport(versionId) {
    for (let i = 0; i < 600; i++) {
      const v = await this.get(`/templateversions/${versionId}`);
      if (v.job.status === "succeeded") return v;
      if (["failed", "canceled"].includes(v.job.status)) throw new Error(`import ${v.job.status}: ${v.job.error}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("import did not finish");
  }

  /** A new version of a template from an archive, made active. */
  async promoteNewVersion(orgId, templateId, tar) {
    const file = await this.post("/files", tar, { "Content-Type": "application/x-tar" });
    const version = await this.post(`/organizations/${orgId}/templateversions`, {
      template_id: templateId, file_id: file.hash, provisioner: "echo", storage_method: "file",
    });
    await this.waitForImport(version.id);
    await this.request("PATCH", `/templates/${templateId}/versions`, { id: version.id });
    return version;
  }

  /** A template from an uploaded archive, or from a built-in example. */
  async createTemplate(orgId, name, { tar, exampleId, provisioner = "echo" }) {
    let source;
    if (tar) {
      const file = await this.post("/files", tar, { "Content-Type": "application/x-tar" });
      source = { file_id: file.hash ?? file.id };
    } else {
      source = { example_id: exampleId };
    }
    const version = await this.post(`/organizations/${orgId}/templateversions`, { ...source, provisioner, storage_method: "file" });
    await this.waitForImport(version.id);
    return this.post(`/organizations/${orgId}/templates`, { name, template_version_id: version.id });
  }
}

/** A one-file ustar archive (enough for an echo.yaml template). */
export function tarOf(files) {
  const blocks = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, "utf8");
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(data.length.toString(8).padStart(11, "0") + "\0", 124);
    header.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, "0") + "\0", 136);
    header.write("        ", 148); // checksum placeholder
    header.write("0", 156);
    header.write("ustar\0", 257);
    header.write("00", 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return new Uint8Array(Buffer.concat(blocks));
}
