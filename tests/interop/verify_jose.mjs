// Verifies an access token as a Node service would: jose's remote JWK Set, the algorithm, issuer and audience fixed
// here.   node verify_jose.mjs JWKS_URL ALG AUDIENCE TOKEN   prints the subject, or exits 1 with the reason
import { createRequire } from "node:module";
import path from "node:path";

const [url, alg, audience, token] = process.argv.slice(2);
const require = createRequire(path.join(process.env.AUTHD_ROOT ?? process.cwd(), "package.json"));
const { createRemoteJWKSet, jwtVerify } = require("jose");
try {
  const jwks = createRemoteJWKSet(new URL(url), { cooldownDuration: 0 });
  const { payload } = await jwtVerify(token, jwks, { algorithms: [alg], issuer: "authd", audience });
  console.log(payload.sub);
} catch (e) {
  console.log(`refused: ${e.code ?? e.name}: ${e.message}`);
  process.exit(1);
}
