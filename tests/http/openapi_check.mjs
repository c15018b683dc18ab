// Holds every exchange the end-to-end suite made (tests/support/exchange_log.cpp writes them) against
// docs/openapi.json, the way a validating proxy would: openapi-backend matches each request to its operation and
// validates the request; Ajv (the validator openapi-backend builds on) validates the response's status, media type,
// body and documented headers. Distinct violations are printed, and any one fails the run.
// Usage: node tests/http/openapi_check.mjs docs/openapi.json EXCHANGE_DIR
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import addFormats from "ajv-formats";
import OpenAPIBackend from "openapi-backend";

const [documentFile, exchangeDir] = process.argv.slice(2);
if (!documentFile || !exchangeDir) {
  console.error("usage: openapi_check.mjs OPENAPI_JSON EXCHANGE_DIR");
  process.exit(2);
}

const api = new OpenAPIBackend.OpenAPIBackend({
  definition: JSON.parse(readFileSync(documentFile, "utf8")),
  strict: true,
  quick: false,
  validate: true,
  customizeAjv: (ajv) => addFormats(ajv), // uuid, email, date-time: checked, not ignored
});
await api.init();
const responseAjv = api.validator.getAjv("response");
const headerAjv = api.validator.getAjv("response", { coerceTypes: true });
const compiled = new WeakMap();
const compile = (ajv, schema) => {
  let byAjv = compiled.get(schema);
  if (!byAjv) compiled.set(schema, (byAjv = new Map()));
  if (!byAjv.has(ajv)) byAjv.set(ajv, ajv.compile(schema));
  return byAjv.get(ajv);
};

const lower = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
const mediaType = (value) => (value ?? "").split(";")[0].trim().toLowerCase();
const isJson = (type) => type === "application/json" || type.endsWith("+json");
const describe = (errors) => errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");

function parseJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

// The documented media type that covers `type`: an exact key first, then `text/*`, then `*/*` (OpenAPI's rule).
function contentFor(content, type) {
  return content[type] ?? content[`${type.split("/")[0]}/*`] ?? content["*/*"];
}

// Query parameters documented with allowEmptyValue are absent when empty (`?page=` filters nothing), which is how
// authd reads them; openapi-backend does not apply allowEmptyValue itself.
function queryOf(url, operation) {
  const emptyAllowed = new Set(
    (operation?.parameters ?? []).filter((p) => p.in === "query" && p.allowEmptyValue).map((p) => p.name),
  );
  return Object.fromEntries([...url.searchParams].filter(([name, value]) => value !== "" || !emptyAllowed.has(name)));
}

// openapi-backend treats a body as required whenever application/json is its only media type, even with
// `required: false`; the document's own `required` is what holds.
function requestErrors(operation, request) {
  const result = api.validateRequest(request, operation);
  const optionalBody = operation.requestBody && operation.requestBody.required !== true && request.body === undefined;
  return (result.errors ?? []).filter(
    (e) => !(optionalBody && e.keyword === "required" && e.params?.missingProperty === "requestBody"),
  );
}

function responseFor(operation, status) {
  const responses = operation.responses ?? {};
  return responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses.default;
}

// Returns the problems of one exchange, each a short string that is the same for the same fault.
function check(exchange) {
  const problems = [];
  // Appended, not resolved: "//health/live" is a path here, not a URL of the host "health".
  const url = exchange.target.startsWith("/") ? new URL(`http://authd.test${exchange.target}`)
    : new URL(exchange.target, "http://authd.test");
  const requestHeaders = lower(exchange.requestHeaders);
  const responseHeaders = lower(exchange.responseHeaders);
  // HEAD is answered as GET without a body; the document describes the GET.
  const method = exchange.method === "HEAD" ? "GET" : exchange.method;
  const requestType = mediaType(requestHeaders["content-type"]);
  // An HTML form's fields are held against the form's schema, as JSON members are against theirs.
  const parsedRequest = !exchange.requestBody ? { ok: false }
    : isJson(requestType) ? parseJson(exchange.requestBody)
    : requestType === "application/x-www-form-urlencoded"
      ? { ok: true, value: Object.fromEntries(new URLSearchParams(exchange.requestBody)) }
      : { ok: false };
  const request = {
    method,
    path: url.pathname,
    query: queryOf(url, undefined),
    headers: requestHeaders,
    body: parsedRequest.ok ? parsedRequest.value : exchange.requestBody || undefined,
  };

  // A CORS preflight is answered by the CORS layer on every route (README, "CORS"), not by an operation.
  if (exchange.method === "OPTIONS" && requestHeaders["access-control-request-method"]) {
    if (![204, 404].includes(exchange.status)) problems.push(`preflight answered ${exchange.status}`);
    return { key: `preflight ${url.pathname}`, problems };
  }
  // openapi-backend forgives a doubled or a trailing slash; the document names each path one way, as authd routes it.
  const spelledAsDocumented = !/\/\/|.\/$/.test(url.pathname) || url.pathname in api.definition.paths;
  const operation = spelledAsDocumented ? api.matchOperation(request) : undefined;
  if (!operation) {
    // A route the document does not have must be refused, never served.
    if (exchange.status < 400) problems.push(`undocumented route answered ${exchange.status}`);
    else if (mediaType(responseHeaders["content-type"]) !== "application/problem+json")
      problems.push(`refusal of an undocumented route is not a problem document`);
    return { key: `${method} ${url.pathname}`, problems };
  }
  const key = `${operation.method.toUpperCase()} ${operation.path}`;
  request.query = queryOf(url, operation);

  const response = responseFor(operation, exchange.status);
  if (!response) return { key, problems: [`status ${exchange.status} is not documented`] };

  const requestFaults = requestErrors(operation, request);
  if (requestFaults.length > 0 && exchange.status < 400)
    problems.push(`answered ${exchange.status} to a request the document calls invalid: ${describe(requestFaults)}`);

  const type = mediaType(responseHeaders["content-type"]);
  const content = response.content ?? {};
  const bodyExpected = exchange.method !== "HEAD" && Object.keys(content).length > 0;
  if (!bodyExpected) {
    if (exchange.method !== "HEAD" && exchange.responseBody.length > 0)
      problems.push(`${exchange.status}: a body where the document has none`);
  } else if (!contentFor(content, type)) {
    problems.push(`${exchange.status}: media type ${type || "(none)"} is not one of ${Object.keys(content).join(", ")}`);
  } else if (isJson(type) && contentFor(content, type).schema) {
    const body = parseJson(exchange.responseBody);
    if (!body.ok) problems.push(`${exchange.status}: ${type} body is not JSON`);
    else {
      const validate = compile(responseAjv, contentFor(content, type).schema);
      if (!validate(body.value)) problems.push(`${exchange.status} body: ${describe(validate.errors)}`);
    }
  }

  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const value = responseHeaders[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`${exchange.status}: required header ${name} is missing`);
      continue;
    }
    if (!header.schema) continue;
    const holder = { value };
    const validate = compile(headerAjv, { type: "object", properties: { value: header.schema } });
    if (!validate(holder)) problems.push(`${exchange.status} header ${name}: ${describe(validate.errors)}`);
  }
  return { key, problems };
}

const files = readdirSync(exchangeDir).filter((f) => f.endsWith(".jsonl"));
const violations = new Map(); // "operation: problem" -> an example target
const operationsSeen = new Set();
let exchanges = 0;
for (const file of files) {
  for (const line of readFileSync(join(exchangeDir, file), "utf8").split("\n")) {
    if (!line) continue;
    const exchange = JSON.parse(line);
    exchanges += 1;
    const { key, problems } = check(exchange);
    operationsSeen.add(key);
    for (const problem of problems) {
      const id = `${key}: ${problem}`;
      if (!violations.has(id)) violations.set(id, `${exchange.method} ${exchange.target}`);
    }
  }
}

if (exchanges === 0) {
  console.error(`openapi_check: no exchanges in ${exchangeDir}; the suite logged nothing, so nothing was checked`);
  process.exit(1);
}
console.log(`openapi_check: ${exchanges} exchanges over ${operationsSeen.size} operations and refused routes`);
for (const [id, example] of [...violations].sort()) console.log(`VIOLATION ${id}\n    e.g. ${example}`);
if (violations.size > 0) {
  console.error(`openapi_check: ${violations.size} distinct violations of docs/openapi.json`);
  process.exit(1);
}
console.log("openapi_check: every exchange agrees with docs/openapi.json");
