"""One invitation or reminder e-mail: what is due to whom (`Planned`), its subject and bodies in
the recipient's language, and the message composed and checked byte for byte before it is sent
(services/reminders.py sends them). A message holds the unit, the quarter, the deadline and a
link to the check-in, never an answer, a score or a comment."""

from __future__ import annotations

import email.errors
import email.policy
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid

from dtmaturity.domain import mailconfig, release, textrules
from dtmaturity.domain.i18n import t
from dtmaturity.domain.mailconfig import MailConfig
from dtmaturity.domain.periods import Period
from dtmaturity.services import rendering, roundprogress


@dataclass(frozen=True)
class Planned:
    """One message that is due: to whom, for which unit of which round, which kind."""

    round_id: int
    period: str
    deadline: date
    unit_id: str
    unit: str
    person_id: str
    email: str | None
    lang: str
    kind: str

    def line(self, outcome: str) -> str:
        to = self.email or f"{self.person_id} (no e-mail address)"
        return f"{self.kind} to {to} for {self.unit_id} ({self.period}, {self.lang}): {outcome}"


def subject_and_bodies(planned: Planned, base_url: str, today: date) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one message, in the recipient's language.

    The subject is the catalogue's fixed text with the quarter and the deadline, both ours
    (a parsed quarter, a formatted date): no stored name ever goes into a header. The unit's
    name is in the body only, as one line of text (a name stored before names were checked
    may hold a line break or a control character: it shows as U+FFFD instead)."""
    lang = planned.lang
    period = str(Period.parse(planned.period))
    link = mailconfig.checkin_link(base_url, planned.unit_id, period, lang)
    params = {
        "unit": textrules.as_line(planned.unit),
        "period": period,
        "deadline": roundprogress.format_day(lang, planned.deadline),
        "days": max(release.days_left(planned.deadline, today), 0),
        "link": link,
    }
    kind = "invitation" if planned.kind == release.INVITATION else "reminder"
    subject = t(lang, f"mail_{kind}_subject", period=period, deadline=params["deadline"])
    intro = t(lang, f"mail_{kind}_intro", **params)
    deadline = t(lang, "mail_deadline", **params)
    action = t(lang, "mail_link_text", **params)
    footer = t(lang, "mail_footer", **params)
    text = f"{intro}\n\n{deadline}\n\n{action}:\n{link}\n\n-- \n{footer}\n"
    html = rendering.render(
        "mail.html",
        lang=lang,
        subject=subject,
        intro=intro,
        deadline=deadline,
        link=link,
        action=action,
        footer=footer,
    )
    return subject, text, html


class UnsafeMessage(ValueError):
    """A message that would not reach the recipient exactly as composed; never sent."""


def compose(config: MailConfig, planned: Planned, today: date) -> EmailMessage:
    """The e-mail: plain text with an HTML alternative, headers for a machine-sent message.

    Every header is ours: the fixed subject, the configured sender, the recipient's address
    (checked strictly: an address the rule of every way in refuses is never sent to), the
    kind and the language (both from fixed lists). The SMTP policy refuses CR/LF in a header.
    """
    refused = textrules.email_problem(planned.email)
    if refused or not planned.email:
        raise UnsafeMessage("the registered e-mail address is not one we can send to")
    if textrules.email_problem(config.sender):
        raise UnsafeMessage(f"{mailconfig.MAIL_FROM} is not an e-mail address we send from")
    if planned.kind not in release.KINDS or planned.lang not in roundprogress.BABEL_LOCALES:
        raise UnsafeMessage("unknown kind or language of message")
    subject, text, html = subject_and_bodies(planned, config.base_url, today)
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = subject
    message["From"] = config.sender
    message["To"] = planned.email
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message["X-Dtmaturity-Kind"] = planned.kind
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = planned.lang  # after the content, which clears Content-*
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as it goes on the wire, checked: parsed back, it must have exactly the
    headers we set, with the values we set. Python before 3.11.10 (CVE-2024-6923) folds a
    header that decodes to CR/LF into new header lines; this check refuses any such message,
    whatever the Python, so what is sent is what was composed."""
    try:
        data = message.as_bytes(policy=email.policy.SMTP)
    except email.errors.MessageError as exc:  # a Python that checks generated headers itself
        raise UnsafeMessage("a header would not arrive as composed") from exc
    back = BytesParser(policy=email.policy.SMTP).parsebytes(data, headersonly=True)
    sent = [(name.lower(), str(value)) for name, value in message.items()]
    received = [(name.lower(), str(value)) for name, value in back.items()]
    if sent != received:
        raise UnsafeMessage("a header would not arrive as composed")
    return data


def message_bytes(config: MailConfig, planned: Planned, today: date) -> bytes:
    """The checked bytes of one message. Whatever its stored data does to composing it, only
    this message fails: the run goes on with the others."""
    try:
        return wire_bytes(compose(config, planned, today))
    except UnsafeMessage:
        raise
    except Exception as exc:  # noqa: BLE001 (one record must not stop every leader's mail)
        raise UnsafeMessage(f"could not compose the message ({type(exc).__name__})") from None
