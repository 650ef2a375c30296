import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import type { HealthcheckReport } from "../../api/types";
import { checks, daemonRows, formatLatency, isOwnersOnly, replicaRows, verdict, warnings } from "./health";

const replica = (hostname: string) => ({
  id: `id-${hostname}`,
  hostname,
  created_at: "2026-12-05T08:00:00Z",
  relay_address: "",
  region_id: 0,
  error: "",
  database_latency: 850,
});

const healthy: HealthcheckReport = {
  healthy: true,
  severity: "ok",
  coder_version: "v2.0.0",
  time: "2026-12-05T08:10:00Z",
  database: { healthy: true, severity: "ok", reachable: true, latency: "1.2ms", latency_ms: 1, warnings: [] },
  replicas: { healthy: true, severity: "ok", count: 1, versions: { "v2.0.0": 1 }, version_skew: false, replicas: [replica("a")], warnings: [] },
};

const skewed: HealthcheckReport = {
  ...healthy,
  severity: "warning",
  replicas: {
    healthy: true,
    severity: "warning",
    count: 2,
    versions: { "v2.0.0": 1, "v2.1.0": 1 },
    version_skew: true,
    replicas: [replica("a"), replica("b")],
    warnings: [{ code: "EREPLICAVERSION", message: "Live replicas run different versions." }],
  },
};

describe("verdict", () => {
  it("says each severity in words", () => {
    expect(verdict("ok")).toEqual({ tone: "success", label: "Healthy" });
    expect(verdict("warning")).toEqual({ tone: "warning", label: "Warning" });
    expect(verdict("error")).toEqual({ tone: "danger", label: "Error" });
    expect(verdict(undefined).label).toBe("Unknown");
  });
});

describe("checks", () => {
  it("gives the database latency and the replica count", () => {
    expect(checks(healthy)).toEqual([
      { name: "Database", verdict: verdict("ok"), summary: "Reachable, 1.2ms round trip." },
      { name: "Replicas", verdict: verdict("ok"), summary: "1 live replica." },
    ]);
  });
  it("names an unreachable database's reason and version skew", () => {
    const down: HealthcheckReport = { ...skewed, database: { severity: "error", reachable: false, error: "connection refused" } };
    expect(checks(down)).toMatchObject([
      { verdict: { label: "Error" }, summary: "Not reachable: connection refused" },
      { verdict: { label: "Warning" }, summary: "2 live replicas, running 2 different versions." },
    ]);
  });
  it("shows the registry's error instead of a count", () => {
    const broken: HealthcheckReport = { ...healthy, replicas: { severity: "error", error: "the replica registry could not be read" } };
    expect(checks(broken)[1]).toMatchObject({ summary: "the replica registry could not be read", verdict: { label: "Error" } });
  });
});

const daemon = {
  id: "d1",
  name: "host-1234abcd-1",
  version: "v2.0.0",
  api_version: "1.0",
  provisioners: ["echo", "terraform"] as ("echo" | "terraform")[],
  created_at: "2026-12-05T08:00:00Z",
  last_seen_at: "2026-12-05T08:09:58Z",
  organization_id: "o1",
  key_id: "k",
  tags: {},
};

const full: HealthcheckReport = {
  ...healthy,
  access_url: {
    healthy: true,
    severity: "ok",
    warnings: [],
    access_url: "https://dev.example.com",
    reachable: true,
    status_code: 200,
    healthz_response: "OK",
  },
  websocket: { healthy: true, severity: "ok", warnings: [], code: 101, body: "" },
  database: { ...healthy.database, threshold_ms: 15 },
  provisioner_daemons: { healthy: true, severity: "ok", warnings: [], items: [{ provisioner_daemon: daemon, warnings: [] }] },
};

describe("checks of the whole report", () => {
  it("gives a verdict for each section, in Coder's order", () => {
    expect(checks(full)).toEqual([
      { name: "Access URL", verdict: verdict("ok"), summary: "GET https://dev.example.com/healthz answered 200." },
      { name: "Websocket", verdict: verdict("ok"), summary: "A websocket through the access URL echoed a message." },
      { name: "Database", verdict: verdict("ok"), summary: "Reachable, 1.2ms round trip (warns above 15ms)." },
      { name: "Provisioner daemons", verdict: verdict("ok"), summary: "1 daemon seen recently." },
      { name: "Replicas", verdict: verdict("ok"), summary: "1 live replica." },
    ]);
  });
  it("shows each failed check's error with its code", () => {
    const broken: HealthcheckReport = {
      ...full,
      severity: "error",
      access_url: { severity: "error", error: "EACS03: GET https://dev.example.com/healthz failed: connection refused" },
      websocket: { severity: "error", error: "EWS01: opening a websocket failed", code: 502, body: "Bad Gateway\n" },
      provisioner_daemons: { severity: "error", error: "EPD01: no provisioner daemon was seen", items: [] },
    };
    expect(checks(broken)).toMatchObject([
      { name: "Access URL", verdict: { label: "Error" }, summary: "EACS03: GET https://dev.example.com/healthz failed: connection refused" },
      { name: "Websocket", verdict: { label: "Error" }, summary: "EWS01: opening a websocket failed (HTTP 502: Bad Gateway)" },
      { name: "Database" },
      { name: "Provisioner daemons", verdict: { label: "Error" }, summary: "EPD01: no provisioner daemon was seen" },
      { name: "Replicas" },
    ]);
  });
  it("says what /healthz answered when it was not 200", () => {
    const notOK: HealthcheckReport = {
      ...full,
      access_url: { ...full.access_url, healthy: false, severity: "warning", status_code: 503, healthz_response: "database unreachable" },
    };
    expect(checks(notOK)[0]).toMatchObject({
      verdict: { label: "Warning" },
      summary: "GET https://dev.example.com/healthz answered 503: database unreachable.",
    });
  });
});

describe("daemonRows", () => {
  it("lists each daemon with its warnings", () => {
    const skewed: HealthcheckReport = {
      ...full,
      provisioner_daemons: {
        severity: "warning",
        warnings: [{ code: "EPD02", message: "Daemon d runs version v1.9.0; the server runs v2.0.0." }],
        items: [{ provisioner_daemon: { ...daemon, version: "v1.9.0" }, warnings: [{ code: "EPD02", message: "old" }] }],
      },
    };
    expect(daemonRows(skewed)).toMatchObject([{ name: daemon.name, version: "v1.9.0", warnings: [{ code: "EPD02" }] }]);
    expect(daemonRows(healthy)).toEqual([]);
    expect(warnings(skewed)).toEqual([
      { section: "Provisioner daemons", code: "EPD02", message: "Daemon d runs version v1.9.0; the server runs v2.0.0." },
    ]);
  });
});

describe("warnings", () => {
  it("lists every section's warnings with their section and code", () => {
    expect(warnings(healthy)).toEqual([]);
    expect(warnings(skewed)).toEqual([{ section: "Replicas", code: "EREPLICAVERSION", message: "Live replicas run different versions." }]);
  });
});

describe("replicaRows", () => {
  it("knows each replica's version only when all run one", () => {
    expect(replicaRows(healthy).map((r) => r.version)).toEqual(["v2.0.0"]);
    expect(replicaRows(skewed).map((r) => r.version)).toEqual([undefined, undefined]);
    expect(replicaRows({})).toEqual([]);
  });
});

describe("formatLatency", () => {
  it("shows microseconds under a millisecond, milliseconds above", () => {
    expect(formatLatency(850)).toBe("850 µs");
    expect(formatLatency(1500)).toBe("1.5 ms");
    expect(formatLatency(25_000)).toBe("25 ms");
    expect(formatLatency(undefined)).toBe("");
  });
});

describe("isOwnersOnly", () => {
  it("is a 403 or 404 from the server, not other failures", () => {
    expect(isOwnersOnly(new ApiError({ status: 404, message: "Resource not found" }))).toBe(true);
    expect(isOwnersOnly(new ApiError({ status: 403, message: "Forbidden" }))).toBe(true);
    expect(isOwnersOnly(new ApiError({ status: 500, message: "boom" }))).toBe(false);
    expect(isOwnersOnly(new Error("x"))).toBe(false);
  });
});
