// Validates docs/openapi.json with a real OpenAPI validator (@apidevtools/swagger-parser) and checks the
// conventions of every operation: a success response, problem documents for failures, the bearer scheme.
// Usage: node tests/docs/openapi_validate.mjs [path/to/openapi.json]
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? resolve(here, "../../docs/openapi.json");

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

// Every operation of the document. That the document and the served route table name the same operations is the
// test "the route table and docs/openapi.json name the same operations" of the HTTP suite (tests/http/docs_test.cpp).
const operations = Object.entries(raw.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item).filter(([m]) => m !== "parameters").map(([m, op]) => [m.toUpperCase(), path, op]));
check("the document has operations", operations.length > 60, String(operations.length));
for (const [method, path, op] of operations) {
  const statuses = Object.keys(op.responses ?? {});
  check(`${method} ${path} has a success response`, statuses.some((s) => s.startsWith("2")), statuses.join(","));
  // Pages for people (paths outside /api and /health) may answer a refusal as a page of their own.
  const page = !path.startsWith("/api") && !path.startsWith("/health");
  // OAuth endpoints answer errors as RFC 6749 section 5.2 describes ({"error":...} in application/json), and
  // authenticate OAuth clients (HTTP Basic), not bearer tokens.
  const oauth = path.startsWith("/oauth2/");
  for (const s of statuses.filter((s) => /^[45]/.test(s))) {
    const content = responseObject(op.responses[s]).content ?? {};
    check(`${method} ${path} ${s} is a problem document`,
      s === "503" && path.startsWith("/health") || !!content["application/problem+json"] || page && !!content["text/html"] ||
        oauth && ["400", "401"].includes(s) && !!content["application/json"]);
  }
  const secured = (op.security ?? raw.security ?? []).some((r) => "bearerAuth" in r);
  if (statuses.includes("401") && !oauth && !path.includes("validate") && !path.includes("login") && !path.includes("refresh") && !path.includes("verify"))
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

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
