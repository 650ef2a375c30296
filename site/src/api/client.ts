// The one way the dashboard talks to the server: fetch against /api/v2 with
// the session cookie, the CSRF header on writes, and every failure turned
// into an ApiError that pages can show (message, detail, the field each
// validation names, the request id to quote in a bug report).
import type { Response as SdkResponse, ValidationError } from "./types";

export const API_BASE = "/api/v2";
export const CSRF_COOKIE = "csrf_token";
export const CSRF_HEADER = "X-CSRF-TOKEN";
export const REQUEST_ID_HEADER = "X-Coder-Request-Id";

export class ApiError extends Error {
  readonly status: number; // 0 when the server could not be reached
  readonly detail: string;
  readonly validations: ValidationError[];
  readonly requestId: string;
  /** Seconds the server asked us to wait (503, 429), when it said. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    message: string;
    detail?: string;
    validations?: ValidationError[];
    requestId?: string;
    retryAfter?: number;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.detail = init.detail ?? "";
    this.validations = init.validations ?? [];
    this.requestId = init.requestId ?? "";
    this.retryAfter = init.retryAfter;
  }

  /** The server's detail for one field of a form, if it named that field. */
  fieldError(field: string): string | undefined {
    return this.validations.find((v) => v.field === field)?.detail;
  }

  get unavailable(): boolean {
    return this.status === 503 || this.status === 0;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Called on a 401 from any request but sign-in itself: the session ended. */
let unauthorizedHandler: (() => void) | undefined;
export function onUnauthorized(fn: (() => void) | undefined): void {
  unauthorizedHandler = fn;
}

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export function apiURL(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ""}`;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  let res: globalThis.Response;
  try {
    res = await fetch(apiURL(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: "same-origin",
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError({
      status: 0,
      message: "Cannot reach the server.",
      detail: err instanceof Error ? err.message : String(err),
    });
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const error = await errorFromResponse(res);
  if (res.status === 401 && path !== "/users/login") unauthorizedHandler?.();
  throw error;
}

export async function errorFromResponse(res: globalThis.Response): Promise<ApiError> {
  let body: SdkResponse = {};
  try {
    body = (await res.json()) as SdkResponse;
  } catch {
    // Not JSON (a proxy's error page): fall back to the status text.
  }
  const retry = Number(res.headers.get("Retry-After"));
  let message = body.message || res.statusText || `Request failed with status ${res.status}.`;
  if (res.status === 503 && !body.message) message = "The server is unavailable.";
  return new ApiError({
    status: res.status,
    message,
    detail: body.detail,
    validations: body.validations,
    requestId: res.headers.get(REQUEST_ID_HEADER) ?? undefined,
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
  });
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>("GET", path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("POST", path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("PUT", path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("PATCH", path, { ...opts, body }),
  delete: <T>(path: string, opts?: RequestOptions) => request<T>("DELETE", path, opts),
};

/** A WebSocket URL on this origin for an API path (watch streams, logs). */
export function websocketURL(path: string, query?: Query): string {
  const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${window.location.host}${apiURL(path, query)}`;
}
