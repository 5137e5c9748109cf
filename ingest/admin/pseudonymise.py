"""Keyed-hash pseudonymisation of personal identifiers (NIK, AK1 registration numbers).

HMAC-SHA256 with a secret key: the same NIK always gives the same pseudonym (so job seekers can be
joined to their placements across exports), but without the key nobody can recompute it from a
guessed NIK — which a plain hash would allow, since NIKs are structured and enumerable.

The key comes from `LMIS_PSEUDONYM_KEY`. With `LMIS_ENV=production` and no key the job refuses to
run. Otherwise a documented development key is used and a warning says so: pseudonyms made with it
are NOT protection, they only let the shipped synthetic samples and the tests run anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)

KEY_VARIABLE = "LMIS_PSEUDONYM_KEY"
ENV_VARIABLE = "LMIS_ENV"
DEVELOPMENT_KEY = "lmis-development-pseudonym-key-NOT-SECRET-do-not-use-in-production"
"""Published in docs/admin-sources.md on purpose: only for synthetic samples and tests."""
MIN_PRODUCTION_KEY_LENGTH = 32
ENVIRONMENTS = ("development", "production")
"""The values `LMIS_ENV` may take (any case; unset or empty: development). Another one, such as
`prod`, is refused rather than taken for development: that would pseudonymise with the
published key on a machine its operator meant as production."""


class PseudonymKeyError(RuntimeError):
    """No usable key where one is required (production mode)."""


@dataclass(frozen=True)
class PseudonymKey:
    secret: bytes
    is_development: bool

    def __repr__(self) -> str:  # never print the secret in logs or tracebacks
        return f"PseudonymKey(is_development={self.is_development})"


def environment_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """What is wrong with `LMIS_ENV` (a line naming its value and the values allowed), or None
    when it is one of `ENVIRONMENTS`, unset or empty."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_VARIABLE, "")
    if value.strip().lower() in ("", *ENVIRONMENTS):
        return None
    return f"{ENV_VARIABLE}={value!r} is not allowed: one of {', '.join(ENVIRONMENTS)}"


def load_pseudonym_key(environ: Mapping[str, str] | None = None) -> PseudonymKey:
    """The key from the environment; refuse production without one (or with a short one), and an
    `LMIS_ENV` that is neither development nor production."""
    env = os.environ if environ is None else environ
    problem = environment_problem(env)
    if problem is not None:
        raise PseudonymKeyError(problem)
    secret = env.get(KEY_VARIABLE, "")
    is_production = env.get(ENV_VARIABLE, "").strip().lower() == "production"
    if secret:
        if is_production and len(secret) < MIN_PRODUCTION_KEY_LENGTH:
            raise PseudonymKeyError(
                f"{KEY_VARIABLE} is {len(secret)} characters; production needs at least "
                f"{MIN_PRODUCTION_KEY_LENGTH} (for example `openssl rand -hex 32`)"
            )
        if secret == DEVELOPMENT_KEY and is_production:
            raise PseudonymKeyError(f"{KEY_VARIABLE} is the published development key")
        return PseudonymKey(secret.encode("utf-8"), is_development=secret == DEVELOPMENT_KEY)
    if is_production:
        raise PseudonymKeyError(
            f"{ENV_VARIABLE}=production but {KEY_VARIABLE} is not set: refusing to pseudonymise "
            "personal identifiers with the published development key"
        )
    log.warning(
        "%s is not set: using the documented DEVELOPMENT pseudonym key; pseudonyms are not "
        "protected (fine for synthetic samples and tests only)",
        KEY_VARIABLE,
    )
    return PseudonymKey(DEVELOPMENT_KEY.encode("utf-8"), is_development=True)


_ID_SEPARATORS = re.compile(r"[\s.\-/]")


def normalise_identifier(value: str) -> str:
    """Drop spaces, dots, dashes and slashes so `3201-0112-…` and `32010112…` hash alike."""
    return _ID_SEPARATORS.sub("", value.strip()).upper()


def pseudonymise(value: str | None, key: PseudonymKey, kind: str) -> str | None:
    """Hex HMAC-SHA256 of `kind:value`; `kind` keeps a NIK and an equal-looking number apart."""
    if value is None or value.strip() == "":
        return None
    message = f"{kind}:{normalise_identifier(value)}".encode()
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


def pseudonymise_many(
    values: Iterable[str | None], key: PseudonymKey, kind: str
) -> list[str | None]:
    return [pseudonymise(value, key, kind) for value in values]
