import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, CSRF_HEADER, onUnauthorized } from "./client";

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

describe("api client", () => {
  const fetchMock = vi.fn<typeof fetch>();
  beforeEach(() => {
    vi.stubGlobal("fetch", fetchMock);
    document.cookie = "csrf_token=tok%3D1; path=/";
  });
  afterEach(() => {
    fetchMock.mockReset();
    vi.unstubAllGlobals();
    onUnauthorized(undefined);
  });

  it("sends the CSRF token on writes only", async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, { ok: true }));
    await api.get("/users/me");
    await api.post("/workspaces/1/builds", { transition: "stop" });
    const getHeaders = fetchMock.mock.calls[0]![1]!.headers as Record<string, string>;
    const postInit = fetchMock.mock.calls[1]![1]!;
    expect(getHeaders[CSRF_HEADER]).toBeUndefined();
    expect((postInit.headers as Record<string, string>)[CSRF_HEADER]).toBe("tok=1");
    expect(postInit.body).toBe('{"transition":"stop"}');
    expect(fetchMock.mock.calls[1]![0]).toBe("/api/v2/workspaces/1/builds");
  });

  it("builds query strings without empty values", async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, {}));
    await api.get("/workspaces", { query: { q: "owner:me status:running", offset: 0, limit: 25, empty: "" } });
    expect(fetchMock.mock.calls[0]![0]).toBe("/api/v2/workspaces?q=owner%3Ame+status%3Arunning&offset=0&limit=25");
  });

  it("turns an error response into an ApiError with validations and request id", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(
        400,
        { message: "Validation failed.", detail: "d", validations: [{ field: "name", detail: "is taken" }] },
        { "X-Coder-Request-Id": "req-1" },
      ),
    );
    const err = await api.post("/x", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.message).toBe("Validation failed.");
    expect(e.detail).toBe("d");
    expect(e.fieldError("name")).toBe("is taken");
    expect(e.fieldError("other")).toBeUndefined();
    expect(e.requestId).toBe("req-1");
  });

  it("reports 503 as unavailable with the wait the server asked for", async () => {
    fetchMock.mockResolvedValue(new Response("<html>bad gateway</html>", { status: 503, headers: { "Retry-After": "5" } }));
    const e = (await api.get("/x").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(503);
    expect(e.unavailable).toBe(true);
    expect(e.retryAfter).toBe(5);
    expect(e.message).toBe("The server is unavailable.");
  });

  it("reports an unreachable server as status 0", async () => {
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    const e = (await api.get("/x").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(0);
    expect(e.message).toBe("Cannot reach the server.");
  });

  it("calls the unauthorized handler on a 401, except for sign-in", async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    fetchMock.mockImplementation(async () => jsonResponse(401, { message: "You are signed out." }));
    await api.get("/workspaces").catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
    await api.post("/users/login", {}).catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
