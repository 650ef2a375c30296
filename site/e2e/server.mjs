// Starts the real server for the end-to-end run: the built binary with its
// built-in PostgreSQL, on a free port, with throwaway config and cache
// directories. Terraform is pointed at nothing (the journeys use the echo
// provisioner) unless `terraform` is set and make build's providers
// directory is beside the binary: then the real terraform runs offline
// from it, for the journey with a real agent (the local starter).
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const STARTED = "Started HTTP listener at ";

export async function startServer({ binary, logFile, extraArgs = [], terraform = false, httpAddress = "127.0.0.1:0" }) {
  if (!existsSync(binary)) throw new Error(`${binary} not found: run make build first`);
  const providers = path.join(path.dirname(binary), "terraform-providers");
  const withTerraform = terraform && existsSync(providers) && onPath("terraform");
  const dir = mkdtempSync(path.join(tmpdir(), "devplane-e2e-"));
  chmodSync(dir, 0o755); // the built-in PostgreSQL runs as the postgres user when we are root
  const log = logFile ?? path.join(dir, "server.log");
  const child = spawn(
    binary,
    [
      "server",
      "--http-address", httpAddress,
      "--config-dir", path.join(dir, "config"),
      "--cache-dir", path.join(dir, "cache"),
      "--log-human", log,
      ...(withTerraform
        ? ["--terraform-providers-dir", providers, "--terraform-offline"]
        : ["--terraform-path", path.join(dir, "no-terraform")]),
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 180 s:\n${stdout}\n${stderr}`)), 180_000);
    child.stdout.on("data", (d) => {
      stdout += d;
      const line = stdout.split("\n").find((l) => l.startsWith(STARTED));
      if (line) {
        clearTimeout(timer);
        resolve(line.slice(STARTED.length).trim());
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before starting:\n${stdout}\n${stderr}\n${existsSync(log) ? readFileSync(log, "utf8").slice(-4000) : ""}`));
    });
  });
  return {
    url,
    log,
    /** Whether Terraform templates can build (see above). */
    terraform: withTerraform,
    /** The --config-dir (the built-in PostgreSQL lives in its postgres/). */
    configDir: path.join(dir, "config"),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGINT");
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function onPath(name) {
  return (process.env.PATH ?? "").split(path.delimiter).some((d) => d && existsSync(path.join(d, name)));
}
