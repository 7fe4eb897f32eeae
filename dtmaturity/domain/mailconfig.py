"""The e-mail settings, read from the environment and checked. Pure Python.

- DTMATURITY_SMTP_URL: `smtp://host:port` (plain, or with `?starttls=1`), `smtps://host:port`
  (TLS from the start); user and password may be in the URL (`smtp://user:pw@host:587`),
  percent-encoded;
- DTMATURITY_SMTP_PASSWORD: the password, when it is not in the URL;
- DTMATURITY_MAIL_FROM: the sender address;
- DTMATURITY_BASE_URL: the address people open the app at (the e-mails link to it).

Unset DTMATURITY_SMTP_URL means: mail is not configured, nothing is sent (the rounds still
work). A setting that is wrong stops with a message naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from dtmaturity.domain.textrules import email_problem

SMTP_URL = "DTMATURITY_SMTP_URL"
SMTP_PASSWORD = "DTMATURITY_SMTP_PASSWORD"
MAIL_FROM = "DTMATURITY_MAIL_FROM"
BASE_URL = "DTMATURITY_BASE_URL"
_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


class MailConfigError(ValueError):
    """A mail setting that cannot be used; the message names the setting and the value."""


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int
    tls: bool  # smtps: TLS from the first byte
    starttls: bool
    user: str | None
    password: str | None = None
    sender: str = ""
    base_url: str = ""

    def __repr__(self) -> str:  # never print the password
        return f"MailConfig({self.host}:{self.port}, tls={self.tls}, starttls={self.starttls})"

    def describe(self) -> str:
        scheme = "smtps" if self.tls else "smtp"
        extra = " with STARTTLS" if self.starttls else ""
        who = f" as {self.user}" if self.user else ""
        return f"{scheme}://{self.host}:{self.port}{extra}{who}, from {self.sender}"


def checkin_link(base_url: str, unit_id: str, period: str, lang: str) -> str:
    """The address that opens the check-in page for this unit and quarter, in this language."""
    query = urlencode({"unit": unit_id, "period": period, "lang": lang}, quote_via=quote)
    return f"{base_url.rstrip('/')}/checkin?{query}"


def parse(env: Mapping[str, str]) -> MailConfig | None:
    """The mail settings in `env`, or None when DTMATURITY_SMTP_URL is unset (mail off)."""
    url = env.get(SMTP_URL, "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS:
        raise MailConfigError(
            f"{SMTP_URL}={_safe(url)}: the address must start with smtp:// or smtps://"
        )
    if not parts.hostname:
        raise MailConfigError(f"{SMTP_URL}={_safe(url)}: no host name")
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise MailConfigError(f"{SMTP_URL}={_safe(url)}: the port is not a number") from exc
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"starttls"})
    if unknown:
        raise MailConfigError(
            f"{SMTP_URL}={_safe(url)}: unknown option {unknown[0]!r} (known: starttls)"
        )
    flag = (query.get("starttls") or [""])[-1].strip().lower()
    if flag not in _TRUE + _FALSE:
        raise MailConfigError(f"{SMTP_URL}={_safe(url)}: starttls must be 1 or 0, not {flag!r}")
    starttls = flag in _TRUE
    if starttls and parts.scheme == "smtps":
        raise MailConfigError(f"{SMTP_URL}={_safe(url)}: smtps:// is TLS already; drop starttls")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    password = password or env.get(SMTP_PASSWORD) or None
    sender = env.get(MAIL_FROM, "").strip()
    if not sender:
        raise MailConfigError(f"{MAIL_FROM} is not set: the address the e-mails come from")
    if email_problem(sender):  # the one rule for addresses: plain ASCII, no CR/LF, no =?…?=
        raise MailConfigError(f"{MAIL_FROM}={sender!r} is not an e-mail address")
    base_url = env.get(BASE_URL, "").strip()
    if not base_url:
        raise MailConfigError(
            f"{BASE_URL} is not set: the address people open the app at, which the e-mails "
            "link to (for example https://dtmaturity.etaten.no)"
        )
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise MailConfigError(f"{BASE_URL}={base_url!r} must be an http:// or https:// address")
    return MailConfig(
        host=parts.hostname,
        port=port,
        tls=parts.scheme == "smtps",
        starttls=starttls,
        user=user,
        password=password,
        sender=sender,
        base_url=base_url.rstrip("/"),
    )


def _safe(url: str) -> str:
    """The URL with any password replaced, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
