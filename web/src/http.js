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
 * Throws a RequestError when the network fails, the answer is an HTTP error, or it is not JSON.
 */
export async function getJSON(path, what) {
  let response;
  try {
    response = await fetch(appUrl(path), { headers: { Accept: "application/json" } });
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
