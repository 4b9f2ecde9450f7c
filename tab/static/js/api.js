// Calls to /api/tab/*: a bearer token on every call, never a token in a URL.
import { t } from "./strings.js";

/** What the server answered instead of data: its code and its message in plain words. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * A client whose every call carries `Authorization: Bearer <await getToken()>`.
 * `lang()` gives the language asked for (added as `?lang=` when known).
 */
export function apiClient(getToken, lang) {
  async function call(method, path, params = {}, body = undefined, retried = false) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== "") query.set(name, value);
    }
    if (lang()) query.set("lang", lang());
    const token = await getToken(retried);
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(`/api/tab/${path}?${query}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiError(0, "network", t("tab.error.network"));
    }
    const data = await response.json().catch(() => null);
    if (response.ok && data !== null) return data;
    // A token that expired while the page was open: ask for a fresh one, once.
    if (response.status === 401 && data && data.error === "expired" && !retried) {
      return call(method, path, params, body, true);
    }
    const code = data && data.error ? data.error : "http_" + response.status;
    const message = data && data.message ? data.message : t("tab.error.network");
    throw new ApiError(response.status, code, message);
  }
  return {
    get: (path, params) => call("GET", path, params),
    post: (path, body) => call("POST", path, {}, body),
  };
}
