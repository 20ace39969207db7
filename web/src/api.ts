// Calls to the web's own /api: the session cookie goes by itself, the CSRF token in a header.
// The types of what the APIs answer are generated (src/generated/, `npm run types`) from the
// OpenAPI documents in schemas/openapi/ and the JSON Schemas in schemas/json/.

import type { components as AlertsApi } from "./generated/alerts-api";
import type { components as NetworkApi } from "./generated/network-api";
import type { components as WebApi } from "./generated/web-api";

export type { ReportCreate } from "./generated/report-create";
/** The models the web's own /api answers with (schemas/openapi/web.json). */
export type WebSchemas = WebApi["schemas"];
/** The models the alerts API answers with, passed on by /api/alerts (schemas/openapi/alerts.json). */
export type AlertsSchemas = AlertsApi["schemas"];
/** The models the analyst API answers with, passed on by /api/network (schemas/openapi/network.json). */
export type NetworkSchemas = NetworkApi["schemas"];

/** The roles of schemas/roles.py; SessionInfo types `role` as a plain string. */
export type Role = "submitter" | "analyst" | "police" | "admin";
export type SessionInfo = Omit<WebSchemas["SessionInfo"], "role"> & { role: Role };

export type FieldError = Pick<WebSchemas["ValidationError"], "loc" | "msg">;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

let csrfToken = "";
// Asking whether the session still lasts is not activity: the server does not count it either.
export const PEEK = "/api/session/status";
let lastActivity = Date.now();

export function setCsrf(token: string): void {
  csrfToken = token;
}

/** When the user last did something that reached the server (the idle clock restarts then). */
export function lastActive(): number {
  return lastActivity;
}

function detailOf(body: unknown, status: number): ApiError {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (Array.isArray(detail)) {
    const fields = detail as FieldError[];
    return new ApiError(status, fields.map((f) => f.msg).join("; "), fields);
  }
  if (typeof detail === "string") return new ApiError(status, detail);
  return new ApiError(status, `the server answered ${status}`);
}

/** One JSON call; throws ApiError. A 401 (signed out or timed out) is also announced. */
export async function api<T>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", ...headers },
  };
  if (method !== "GET") {
    (init.headers as Record<string, string>)["X-CSRF-Token"] = csrfToken;
  }
  if (body !== undefined) {
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "Tessera could not be reached. Check the connection and try again.");
  }
  if (!path.startsWith(PEEK)) lastActivity = Date.now();
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    if (response.status === 401 && path !== "/api/session") {
      window.dispatchEvent(new CustomEvent("tessera:signed-out"));
    }
    throw detailOf(parsed, response.status);
  }
  return parsed as T;
}

/** A query string from the values that are set. */
export function query(params: Record<string, string | number | undefined | null | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => search.append(key, v));
    else if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
