"""Verifies an access token as a Python service would: PyJWT's PyJWKClient fetches authd's JWKS and picks the key
the token names; the algorithm, issuer and audience come from this side, never from the token.

    verify_pyjwt.py JWKS_URL ALG AUDIENCE TOKEN   prints the subject, or exits 1 with the reason
"""
import sys

import jwt

url, alg, audience, token = sys.argv[1:5]
try:
    key = jwt.PyJWKClient(url, cache_keys=False).get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key.key, algorithms=[alg], audience=audience, issuer="authd")
except Exception as e:  # every refusal: an unknown kid, a bad signature, a wrong audience...
    print(f"refused: {type(e).__name__}: {e}")
    sys.exit(1)
print(claims["sub"])
