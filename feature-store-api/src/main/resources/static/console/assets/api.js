// The console's only way to the server: the public REST API, with the key from this tab's session.

const KEY_ITEM = "feature-store.api-key";

export const session = {
  key: () => sessionStorage.getItem(KEY_ITEM),
  signIn: (key) => sessionStorage.setItem(KEY_ITEM, key),
  signOut: () => sessionStorage.removeItem(KEY_ITEM),
};

/** A refusal or failure from the API: its problem's status, detail and fields at fault. */
export class ApiError extends Error {
  constructor(status, problem) {
    const fields = (problem.errors ?? []).map((error) => `${error.field} ${error.message}`);
    super([problem.detail ?? problem.title ?? `HTTP ${status}`, ...fields].join("; "));
    this.status = status;
    this.problem = problem;
  }
}

async function call(method, path, { body, key = session.key(), accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (key) {
    headers.Authorization = `Bearer ${key}`;
  }
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch("/api/v1" + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(response.status, problem);
  }
  return response;
}

/** The path (below /api/v1) of the page a `Link: <...>; rel="next"` header names, if any. */
function nextPage(link) {
  const next = /<\/api\/v1([^>]*)>;\s*rel="next"/.exec(link ?? "");
  return next ? next[1] : null;
}

export const api = {
  get: async (path) => (await call("GET", path)).json(),
  /** Every item of a paged list, page after page (docs/pagination.md). */
  all: async (path) => {
    const items = [];
    for (let next = path; next; ) {
      const response = await call("GET", next);
      items.push(...(await response.json()));
      next = nextPage(response.headers.get("Link"));
    }
    return items;
  },
  post: async (path, body) => (await call("POST", path, { body })).json(),
  delete: async (path) => (await call("DELETE", path)).json(),
  download: async (path, accept) => (await call("GET", path, { accept })).blob(),
  /** The key itself (name and role): answers 401 for a key the server does not know. */
  whoIs: async (key) => (await call("GET", "/api-keys/current", { key })).json(),
};

/** A path segment, encoded. */
export const segment = encodeURIComponent;
