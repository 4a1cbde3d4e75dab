// The public API, called with the signed-in key. Errors become ApiError with the problem+json the API answered.
const KEY = 'billing.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { sessionStorage.setItem(KEY, value); },
  clear() { sessionStorage.removeItem(KEY); },
};

export class ApiError extends Error {
  constructor(status, problem, path) {
    super(problem?.detail || `${status} from ${path}`);
    this.status = status;
    this.problem = problem; // the API's problem details; null when the answer had none (e.g. an unknown route's bare 404)
    this.path = path;
  }
}

// Numbers whose exact text matters (quantities beyond 2^53) are kept as their JSON source text, never a float.
function exactReviver(keys) {
  return function (key, value, context) {
    if (typeof value === 'number' && keys.includes(key)) {
      return context && typeof context.source === 'string' ? context.source : String(value);
    }
    return value;
  };
}

async function send(path, accept, method = 'GET', body = undefined) {
  const headers = { 'X-Api-Key': session.key ?? '', Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  if (!response.ok) {
    let problem = null;
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      try { problem = await response.json(); } catch { problem = null; }
    }
    throw new ApiError(response.status, problem, path);
  }
  return response;
}

/** GET a JSON resource; `exact` names number fields kept as exact decimal strings. */
export async function getJson(path, exact = []) {
  return (await getJsonResponse(path, exact)).body;
}

/** The same, with the answer's headers (e.g. `Billing-Unreadable-Burns`, which names what a bare array cannot hold). */
export async function getJsonResponse(path, exact = []) {
  const response = await send(path, 'application/json');
  return { body: JSON.parse(await response.text(), exactReviver(exact)), headers: response.headers };
}

/** POST to an action route, with `body` as JSON or none (e.g. a replay), and return its JSON answer; a problem answer throws ApiError. */
export async function postJson(path, body = undefined) {
  const response = await send(path, 'application/json', 'POST', body);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** GET a file and hand it to the browser as a download; refuses an answer of another media type. */
export async function download(path, fileName, mediaType) {
  const response = await send(path, mediaType);
  const type = (response.headers.get('Content-Type') || '').split(';')[0].trim();
  if (type !== mediaType) {
    throw new ApiError(response.status, { title: 'Unexpected format', detail: `${path} answered ${type || 'no content type'}, not ${mediaType}` }, path);
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
