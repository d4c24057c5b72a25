"""Who is coding: reserved coder names and the coder name from a team login.

**Reserved names.** ``gold`` (the demo's hand-assigned codes) and ``consensus`` (the
adjudicated set, see :func:`textanalysis.reliability.adjudicate`) are written only by
the library's own paths: demo gold loading and adjudication pass :data:`GOLD_CODER` /
:data:`CONSENSUS_CODER` to the Store themselves. Every name a person types or passes
(the app's coder field, ``autocode --coder``, a second coder for double coding, an
adjudicator) goes through :func:`check_coder_name`, which refuses the reserved names in
any letter case with ``[A001]``.

**Team logins.** A coder name typed in the app is an identity, not an authentication.
With a login in front of the app the logged-in user *is* the coder, and the name cannot
be typed:

* a reverse proxy (nginx, Caddy, oauth2-proxy) that authenticates and passes the user
  in a header: set ``TEXTANALYSIS_AUTH_HEADER=X-Forwarded-User`` (any header name). A
  request without that header, or with an empty or reserved name, gets no access
  (``[A002]``/``[A001]``). The app must then be reachable only through the proxy, and the
  proxy must overwrite the header a client sends;
* Streamlit's own OpenID Connect login (``st.login``), when ``.streamlit/secrets.toml``
  has an ``[auth]`` section: the coder is the user's e-mail address (else
  ``preferred_username``, else ``name``) (:func:`coder_from_oidc`, ``[A003]``).

No Streamlit import here: the app passes the request headers and the user's claims in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import AppError, Errors

GOLD_CODER = "gold"
CONSENSUS_CODER = "consensus"
RESERVED_CODERS: frozenset[str] = frozenset({GOLD_CODER, CONSENSUS_CODER})
AUTH_HEADER_ENV = "TEXTANALYSIS_AUTH_HEADER"
MAX_CODER_LENGTH = 200
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")  # an RFC 9110 token


def is_reserved_coder(name: Any) -> bool:
    """Whether ``name`` is ``gold`` or ``consensus`` in any letter case (spaces ignored)."""
    return str(name or "").strip().casefold() in RESERVED_CODERS


def check_coder_name(name: Any, *, what: str = "coder name") -> str:
    """The stripped name a person chose; ``[A001]`` for a reserved or unusable name."""
    text = str(name if name is not None else "").strip()
    if text.casefold() in RESERVED_CODERS:
        raise AppError(
            Errors.A001,
            what=what,
            text=text,
            gold_coder=GOLD_CODER,
            consensus_coder=CONSENSUS_CODER,
        )
    if not text:
        raise AppError(Errors.A005, what=what)
    if len(text) > MAX_CODER_LENGTH or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise AppError(
            Errors.A006,
            what=what,
            limit=MAX_CODER_LENGTH,
        )
    return text


@dataclass(frozen=True)
class LoginConfig:
    """How the app learns who is coding: ``header`` (a reverse-proxy user header) or None
    (no header login; Streamlit's OIDC login may still apply, or the name is typed)."""

    header: str | None = None

    @property
    def enabled(self) -> bool:
        return self.header is not None


def login_config(env: Mapping[str, str] | None = None) -> LoginConfig:
    """The login set-up from ``TEXTANALYSIS_AUTH_HEADER`` (``env`` defaults to os.environ)."""
    env = os.environ if env is None else env
    header = str(env.get(AUTH_HEADER_ENV, "") or "").strip()
    if not header:
        return LoginConfig()
    if not _HEADER_NAME.match(header):
        raise AppError(
            Errors.A004,
            auth_header_env=AUTH_HEADER_ENV,
            header=header,
        )
    return LoginConfig(header=header)


def coder_from_headers(headers: Mapping[str, Any] | None, header: str) -> str:
    """The logged-in user from the proxy's ``header`` (case-insensitive), as the coder name.

    ``[A002]`` when the request has no such header or it is blank: no login, no access.
    """
    wanted = header.strip().lower()
    value = None
    for key, val in (headers or {}).items():
        if str(key).strip().lower() == wanted:
            value = val
            break
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    user = str(value or "").strip()
    if not user:
        raise AppError(
            Errors.A002,
            header=header,
            auth_header_env=AUTH_HEADER_ENV,
        )
    return check_coder_name(user, what=f"user name in header '{header}'")


def coder_from_oidc(claims: Mapping[str, Any] | None) -> str:
    """The coder name from Streamlit's OIDC user (``st.user``): e-mail, else
    ``preferred_username``, else ``name``. ``[A003]`` when none is given."""
    claims = claims or {}
    for key in ("email", "preferred_username", "name"):
        value = str(claims.get(key) or "").strip()
        if value:
            return check_coder_name(value, what=f"login {key}")
    raise AppError(
        Errors.A003,
    )
