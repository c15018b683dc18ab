// Opens authd's Swagger UI in headless Chromium and checks that it renders the
// operations with no request leaving the server. Starts nothing itself.
// Usage: node tests/docs/docs_page.mjs http://127.0.0.1:PORT [screenshot.png]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = (process.argv[2] ?? "").replace(/\/$/, "");
if (!/^https?:\/\//.test(base)) {
  console.error("usage: docs_page.mjs http://host:port [screenshot.png]");
  process.exit(2);
}
const origin = new URL(base).origin;
const profile = mkdtempSync(join(tmpdir(), "authd-docs-chromium-"));
const screenshot = process.argv[3] ?? join(tmpdir(), `authd-docs-${process.pid}.png`);

let passed = 0, failed = 0;
const check = (what, ok, extra = "") => {
  if (ok) passed++;
  else { failed++; console.log(`FAILED: ${what}${extra ? ` (${extra})` : ""}`); }
};

// A fresh profile (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 2000 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  const requests = [], problems = [];
  browser.on("request", (r) => requests.push(r.url()));  // every page of the context
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });

  // Both spellings the docs are linked with: the page's assets and document must load from each.
  for (const docs of ["/api/docs", "/api/docs/"]) {
    const res = await page.goto(`${base}${docs}`, { waitUntil: "load" });
    check(`${docs} answers 200`, res?.status() === 200, String(res?.status()));
    const csp = res?.headers()["content-security-policy"] ?? "";
    check("the page has its own Content-Security-Policy", csp.includes("script-src 'self'"), csp);

    await page.waitForSelector(".opblock", { timeout: 30000 }).catch(() => {});
    const ops = await page.$$eval(".opblock .opblock-summary-path", (els) =>
      els.map((e) => e.getAttribute("data-path") ?? e.textContent.trim()));
    check(`operations render at ${docs}`, ops.length >= 60, `${ops.length} operations`);
    for (const path of ["/api/v1/auth/verify-otp", "/api/events", "/api/auth/login", "/api/products/{id}", "/health"])
      check(`operation ${path} renders`, ops.some((p) => p.replace(/\u200b/g, "") === path));
    const title = await page.textContent(".info .title").catch(() => "");
    check("the document's title renders", /authd/.test(title ?? ""), title ?? "");

    // Open one operation: its responses (with a problem example) render too.
    await page.click("#operations-Agents-verifyOtp .opblock-summary");
    await page.waitForSelector("#operations-Agents-verifyOtp .responses-table", { timeout: 10000 }).catch(() => {});
    const opened = await page.textContent("#operations-Agents-verifyOtp").catch(() => "");
    check("an opened operation shows its responses", /invalid_otp/.test(opened ?? ""));
  }

  const foreign = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("data:"));
  check("no request goes to another host", foreign.length === 0, foreign.join(" "));
  check("the document was fetched from this server", requests.includes(`${origin}/api/openapi.json`));
  check("no request failed, no script error", problems.length === 0, problems.join("; "));

  await page.screenshot({ path: screenshot, fullPage: false });
  console.log(`screenshot: ${screenshot}`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
