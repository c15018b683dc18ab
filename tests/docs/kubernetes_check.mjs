// The Kubernetes manifests of docker/kubernetes/ as shipped: each document valid against the Kubernetes schemas
// (kubernetes-models, from the npm registry), the probes on the routes that mean live and ready, every secret read
// from the mounted Secret through a NAME_FILE setting, requests and a disruption budget that match the pods, and the
// Deployment's configuration accepted by the real executable in production.
// Usage: node tests/docs/kubernetes_check.mjs AUTHD_EXECUTABLE REPOSITORY_ROOT
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseAllDocuments } from "yaml";

const [authd, root] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (what, ok, extra = "") => {
  if (ok) passed++;
  else { failed++; console.log(`FAILED: ${what}${extra ? ` (${extra})` : ""}`); }
};

/// The kubernetes-models class of a document's apiVersion and kind ("apps/v1" Deployment: apps/v1/Deployment).
async function model(doc) {
  const module = await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`);
  return module[doc.kind];
}

/// Whether the schema refuses `doc`; the message when it does.
async function schemaError(doc) {
  try {
    new (await model(doc))(doc).validate();
    return null;
  } catch (e) {
    return e.message;
  }
}

const dir = join(root, "docker/kubernetes");
const docs = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort())
  for (const parsed of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
    check(`${file} parses as YAML`, parsed.errors.length === 0, parsed.errors.join("; "));
    const doc = parsed.toJS();
    if (doc) docs.push({ file, doc });
  }
for (const { file, doc } of docs) {
  const error = await schemaError(doc);
  check(`${file}: ${doc.kind} ${doc.metadata?.name} is valid`, error === null, error);
}

// The validator is not a formality: a document it must refuse, it refuses.
const byKind = (kind) => docs.find((d) => d.doc.kind === kind)?.doc;
const deployment = byKind("Deployment"), service = byKind("Service"), budget = byKind("PodDisruptionBudget");
check("there is one Deployment, one Service and one PodDisruptionBudget", deployment && service && budget);
const broken = structuredClone(deployment);
broken.spec.template.spec.containers[0].ports[0].containerPort = "http";
check("the schema refuses a port that is not a number", (await schemaError(broken)) !== null);

const pod = deployment.spec.template.spec;
const container = pod.containers.find((c) => c.name === "authd");
const labels = deployment.spec.template.metadata.labels;
const selects = (selector) => Object.entries(selector).every(([k, v]) => labels[k] === v);
check("the Deployment's selector selects its pods", selects(deployment.spec.selector.matchLabels));
check("the Service selects authd's pods", selects(service.spec.selector));
check("the disruption budget covers authd's pods", selects(budget.spec.selector.matchLabels));
check("more than one replica, so that the budget leaves one serving", deployment.spec.replicas >= 2);
check("liveness on /health/live", container.livenessProbe?.httpGet?.path === "/health/live");
check("readiness on /health/ready", container.readinessProbe?.httpGet?.path === "/health/ready");
check("the container has an image", typeof container.image === "string" && container.image.length > 0);
check("memory and CPU requested, memory limited",
  container.resources?.requests?.memory && container.resources?.requests?.cpu && container.resources?.limits?.memory);
check("runs as a user that is not root", pod.securityContext?.runAsNonRoot === true && pod.securityContext?.runAsUser > 0);
check("a read-only root file system", container.securityContext?.readOnlyRootFilesystem === true);

// Configuration: names authd knows, production, and no secret as a plain value.
const help = execFileSync(authd, ["--help"], { encoding: "utf8" });
const known = new Set([...help.matchAll(/^ {2}--([a-z0-9-]+)/gm)].map((m) => m[1].toUpperCase().replaceAll("-", "_")));
const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
for (const e of container.env)
  check(`${e.name} is a setting of authd`, known.has(e.name) || known.has(e.name.replace(/_FILE$/, "")));
check("production", env.APP_ENV === "production");
for (const secret of ["DATABASE_URL", "DB_ENCRYPTION_KEY", "REDIS_URL", "SMTP_PASSWORD", "JWT_SECRET_KEY"])
  check(`${secret} is not a plain value`, !(secret in env));
const mounted = container.volumeMounts.find((m) => m.name === "secrets")?.mountPath;
for (const [name, path] of Object.entries(env).filter(([n]) => n.endsWith("_FILE") && known.has(n.replace(/_FILE$/, ""))))
  check(`${name} is a file of the mounted Secret`, mounted && path.startsWith(`${mounted}/`), path);

// The same configuration, with the Secret's files made here (a SQLite database in place of the cluster's), starts
// authd in production: `authd keys list` reads it all, checks it, migrates and lists the key it made.
const work = mkdtempSync(join(tmpdir(), "authd-k8s-"));
try {
  const files = {
    "database-url": `sqlite:///${work}/authd.db`,
    "db-encryption-key": randomBytes(32).toString("base64"),
    "redis-url": "redis://127.0.0.1:1",
    "smtp-password": randomBytes(16).toString("hex"),
  };
  const runEnv = { PATH: process.env.PATH, ASAN_OPTIONS: "detect_leaks=0" };
  for (const [name, value] of Object.entries(env)) {
    if (name.endsWith("_FILE") && value.startsWith(`${mounted}/`)) {
      const file = basename(value);
      check(`the Secret's key ${file} is one the Deployment's comment says to create`, file in files);
      writeFileSync(join(work, file), files[file] ?? "");
      runEnv[name] = join(work, file);
    } else runEnv[name] = value;
  }
  const run = spawnSync(authd, ["keys", "list"], { env: runEnv, encoding: "utf8", timeout: 60000 });
  check("authd starts in production with the Deployment's configuration", run.status === 0,
    `exit ${run.status}: ${run.stderr}`);
  check("and made its EdDSA signing key", /EdDSA|active/.test(run.stdout), run.stdout);
  const comment = readFileSync(join(dir, "deployment.yaml"), "utf8");
  for (const file of Object.keys(files))
    check(`the Deployment's comment creates the Secret's key ${file}`, comment.includes(`--from-literal=${file}=`));
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
