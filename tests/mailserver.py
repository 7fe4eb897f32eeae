"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from appserver import free_port


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.raw: list[bytes] = []  # each message exactly as it arrived (after the DATA dots)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.raw.append(bytes(envelope.original_content or envelope.content))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class MailServer:
    """Start and stop on a fixed loopback port (so 'down, then up' keeps the address)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.keeper = _Keeper()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.keeper.lock:
            return list(self.keeper.messages)

    @property
    def raw(self) -> list[bytes]:
        with self.keeper.lock:
            return list(self.keeper.raw)

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        with self.keeper.lock:
            return list(self.keeper.envelopes)

    def start(self) -> MailServer:
        self._controller = Controller(self.keeper, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        """The messages once at least `count` have arrived (or whatever came by the timeout)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and len(self.messages) < count:
            time.sleep(0.1)
        return self.messages


def mail_env(monkeypatch, server: MailServer, base_url: str = "https://dt.etat.example") -> None:
    monkeypatch.setenv("DTMATURITY_SMTP_URL", server.url)
    monkeypatch.setenv("DTMATURITY_MAIL_FROM", "dtmaturity@fjordetaten.example")
    monkeypatch.setenv("DTMATURITY_BASE_URL", base_url)
    monkeypatch.delenv("DTMATURITY_SMTP_PASSWORD", raising=False)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
