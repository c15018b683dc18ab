// Validates docs/openapi.json with a real OpenAPI validator (@apidevtools/swagger-parser)
// and checks that it documents every route of API.md.
// Usage: node tests/docs/openapi_validate.mjs [path/to/openapi.json]
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? resolve(here, "../../docs/openapi.json");

// Every route of API.md (method + path, :param written as {param}).
const apiRoutes = `
POST /api/v1/auth/register
POST /api/v1/auth/request-otp
POST /api/v1/auth/verify-otp
POST /api/v1/auth/refresh
POST /api/v1/auth/logout
GET /api/v1/auth/validate
POST /api/v1/auth/validate
GET /api/v1/agents/me
PATCH /api/v1/agents/me
GET /api/v1/dev/messages
POST /api/v1/clients
POST /api/v1/clients/{id}/verify_email
POST /api/v1/clients/{id}/resend_verification
GET /api/v1/clients/{id}
POST /api/v1/auth/login
POST /api/v1/auth/verify_mfa
POST /api/v1/auth/refresh_token
GET /api/v1/me
POST /api/auth/register
POST /api/auth/login
POST /api/auth/refresh
POST /api/auth/logout
POST /api/auth/logout-all
GET /api/auth/me
GET /api/auth/profile
PUT /api/auth/profile
DELETE /api/auth/profile
GET /api/auth/preferences
PUT /api/auth/preferences
PATCH /api/auth/preferences
GET /api/auth/sessions
DELETE /api/auth/sessions/{id}
POST /api/auth/mfa/setup
POST /api/auth/mfa/verify
POST /api/auth/mfa/disable
GET /api/admin/users
GET /api/admin/users/{id}
PATCH /api/admin/users/{id}
DELETE /api/admin/users/{id}
GET /api/admin/agents
PATCH /api/admin/agents/{id}
PUT /api/admin/users/{id}/roles
POST /api/admin/users/{id}/unlock
POST /api/events
GET /api/events
GET /api/events/{eventId}
PUT /api/events/{eventId}
PUT /api/events/{eventId}/status
DELETE /api/events/{eventId}
GET /api/products
GET /api/products/{id}
POST /api/products
PUT /api/products/{id}
DELETE /api/products/{id}
GET /api/products/{id}/price_history
GET /api/suppliers
GET /api/suppliers/{id}
GET /api/suppliers/{id}/contacts
POST /api/suppliers
PUT /api/suppliers/{id}
GET /health
GET /health/live
GET /health/ready
GET /metrics
GET /.well-known/jwks.json
GET /api/docs
GET /api/openapi.json
`.trim().split("\n").map((l) => l.trim().split(/\s+/));
// Routes authd adds beyond API.md, documented in docs/openapi.json like the others.
const extraRoutes = [["POST", "/api/admin/users/{id}/sessions/revoke"]];

// Failure statuses API.md lists for some routes, which the document must carry.
const requiredStatuses = [
  ["POST", "/api/v1/auth/request-otp", ["202", "403", "429"]],
  ["POST", "/api/v1/auth/verify-otp", ["200", "401", "403"]],
  ["POST", "/api/auth/login", ["200", "401", "403"]],
  ["POST", "/api/v1/auth/login", ["200", "401", "403"]],
  ["PUT", "/api/events/{eventId}", ["200", "400", "404", "409"]],
  ["POST", "/api/products", ["201", "400", "409"]],
  ["GET", "/api/admin/users", ["200", "401", "403"]],
  ["GET", "/health", ["200", "503"]],
];

let passed = 0, failed = 0;
const check = (what, ok, extra = "") => {
  if (ok) passed++;
  else { failed++; console.log(`FAILED: ${what}${extra ? ` (${extra})` : ""}`); }
};

const raw = JSON.parse(readFileSync(file, "utf8"));
// A response shared through components/responses is written as a $ref.
const responseObject = (r) => (r.$ref ? raw.components?.responses?.[r.$ref.split("/").pop()] ?? {} : r);
check("the document is OpenAPI 3.0.x", /^3\.0\.\d+$/.test(raw.openapi ?? ""), raw.openapi);
try {
  // validate() dereferences the document, so it gets its own copy.
  await SwaggerParser.validate(structuredClone(raw));
  check("swagger-parser validates the document", true);
} catch (e) {
  check("swagger-parser validates the document", false, e.message);
}

for (const [method, path] of apiRoutes) {
  const op = raw.paths?.[path]?.[method.toLowerCase()];
  check(`${method} ${path} is documented`, !!op);
  if (!op) continue;
  const statuses = Object.keys(op.responses ?? {});
  check(`${method} ${path} has a success response`, statuses.some((s) => s.startsWith("2")), statuses.join(","));
  for (const s of statuses.filter((s) => /^[45]/.test(s)))
    check(`${method} ${path} ${s} is a problem document`,
      s === "503" && path.startsWith("/health") || !!responseObject(op.responses[s]).content?.["application/problem+json"]);
  const secured = (op.security ?? raw.security ?? []).some((r) => "bearerAuth" in r);
  if (statuses.includes("401") && !path.includes("validate") && !path.includes("login") && !path.includes("refresh") && !path.includes("verify"))
    check(`${method} ${path} answers 401, so it names the bearer scheme`, secured);
}
for (const [method, path, want] of requiredStatuses) {
  const have = Object.keys(raw.paths?.[path]?.[method.toLowerCase()]?.responses ?? {});
  for (const s of want) check(`${method} ${path} documents ${s}`, have.includes(s), have.join(","));
}

const problem = raw.components?.schemas?.Problem?.properties ?? {};
for (const f of ["type", "title", "status", "detail", "code", "request_id", "errors"])
  check(`the problem schema has ${f}`, f in problem);
check("a bearer security scheme exists", raw.components?.securitySchemes?.bearerAuth?.scheme === "bearer");

// Field casing of API.md: snake_case groups and camelCase groups keep theirs.
const props = (name) => Object.keys(raw.components?.schemas?.[name]?.properties ?? {});
check("Agent fields are snake_case", ["phone_number", "license_number", "created_at"].every((f) => props("Agent").includes(f)));
check("User fields are camelCase", ["userId", "mfaEnabled", "createdAt"].every((f) => props("User").includes(f)));
check("Event fields are camelCase", ["eventId", "availableSeats", "saleStartTime"].every((f) => props("Event").includes(f)));
check("Product fields are snake_case", ["supplier_id", "best_seller", "is_active"].every((f) => props("Product").includes(f)));

// Every documented operation is in the list above, so the list and the document cannot drift apart.
const listed = new Set([...apiRoutes, ...extraRoutes].map(([m, p]) => `${m} ${p}`));
for (const [path, item] of Object.entries(raw.paths ?? {}))
  for (const m of Object.keys(item))
    if (!listed.has(`${m.toUpperCase()} ${path}`) && path !== "/api/docs/{asset}")
      check(`${m.toUpperCase()} ${path} is a route of API.md`, false);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
