// Every address and request of the front end goes through here. Addresses of the app (`/api/graph`, `/id/x`) are
// resolved against the app's root, so the pages work under the path prefix a reverse proxy serves them at
// (https://example.org/syria/); and a failed request becomes one kind of error, worded the same way wherever the
// page shows it.

// The bundles are served from <root>/static/dist/: the root is two folders above this script's own address,
// whatever the prefix (the server writes the prefix into the pages' <script> addresses, see KG_ROOT_PATH).
const ROOT = new URL("../../", import.meta.url);

/** The address (path, query, fragment) of a path of this app, e.g. `/id/russia` → `/syria/id/russia`. */
export function appUrl(path) {
  const url = new URL(String(path).replace(/^\/+/, ""), ROOT);
  return url.pathname + url.search + url.hash;
}

/** A request that failed; `message` is a sentence: "<What> could not be loaded (<why>)." */
export class RequestError extends Error {
  constructor(what, reason, status = null) {
    super(`${what} could not be loaded (${reason}).`);
    this.name = "RequestError";
    /** The HTTP status, or null when no answer came. */
    this.status = status;
  }
}

/**
 * GET a JSON document of this app (`path` as for appUrl); `what` names it in the error ("The graph").
 * `headers` are added to the request (the annotation page sends its bearer token this way, never in a URL).
 * Throws a RequestError when the network fails, the answer is an HTTP error, or it is not JSON.
 */
export async function getJSON(path, what, headers = {}) {
  let response;
  try {
    response = await fetch(appUrl(path), { headers: { Accept: "application/json", ...headers } });
  } catch (error) {
    throw new RequestError(what, `network error: ${error.message || error}`);
  }
  if (!response.ok) {
    const detail = await errorDetail(response);
    throw new RequestError(what, `HTTP ${response.status}${detail ? `: ${detail}` : ""}`, response.status);
  }
  try {
    return await response.json();
  } catch {
    throw new RequestError(what, "the answer is not JSON", response.status);
  }
}

/**
 * POST a JSON body to this app. Resolves to `{ ok, status, body }` whatever the HTTP status (a refused write
 * carries the report the page shows); rejects with a RequestError only when no answer came.
 */
export async function postJSON(path, payload, what, headers = {}) {
  let response;
  try {
    response = await fetch(appUrl(path), {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", ...headers },
      body: JSON.stringify(payload),
    });
  } catch (error) {
    throw new RequestError(what, `network error: ${error.message || error}`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    body = { error: `HTTP ${response.status}` };
  }
  return { ok: response.ok, status: response.status, body };
}

/** The server's own words about an error: `{"error": ...}` (ours) or `{"detail": ...}` (FastAPI's), else "". */
async function errorDetail(response) {
  try {
    const body = await response.json();
    if (typeof body.error === "string") return body.error;
    if (typeof body.detail === "string") return body.detail;
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status says enough.
  }
  return "";
}
