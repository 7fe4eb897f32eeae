"""E-mails say only what we wrote: hostile unit names and addresses stored in an older database
(before names were checked at every way in) go through a real round, a real reminders run and
a real SMTP server on loopback, and what arrives is checked byte for byte."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dtmaturity.domain import clock, textrules
from dtmaturity.domain.periods import Period
from dtmaturity.services import mailmessages, release_rule, reminders, roundprogress, rounds
from dtmaturity.services.context import Context

CURRENT = str(Period.current())
DEADLINE = clock.today() + timedelta(days=14)
PHISH = "Passordet ditt utløper. Logg inn: http://evil.example/phish"
# An RFC 2047 encoded word holding CR/LF: Python before 3.11.10 decodes it when the header is
# set and folds the CR/LF onto the wire (CVE-2024-6923), giving a Reply-To and a new body.
ENCODED = (
    "Kundesenteret =?utf-8?q?=0D=0AReply-To:_it-support@evil.example=0D=0A=0D=0A"
    "Passordet_ditt_utl=C3=B8per._Logg_inn:_http://evil.example/phish?="
)
RAW = f"Kundesenteret\r\nReply-To: it-support@evil.example\r\n\r\n{PHISH}"
HOSTILE_NAMES = {
    "demo-bruker-01": ENCODED,
    "demo-bruker-02": RAW,
    "demo-bruker-04": "Seksjon \u202etnemtrapeD",  # a bidi override
    "demo-bruker-05": "Enhet\x00\x1b[31m",  # NUL and an escape sequence
}
# What every message carries at its top level, in this order, and nothing else.
HEADERS = [
    "Subject",
    "From",
    "To",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "X-Dtmaturity-Kind",
    "MIME-Version",
    "Content-Type",
    "Content-Language",
]


def header_block(raw: bytes) -> list[tuple[str, str]]:
    """(name, value) of each top-level header line as it arrived, unfolded by hand."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # a header on the wire is ASCII
    fields: list[tuple[str, str]] = []
    for line in head.split("\r\n"):
        if line[:1] in (" ", "\t"):
            name, value = fields[-1]
            fields[-1] = (name, value + line)
        else:
            name, _, value = line.partition(":")
            fields.append((name, value.strip()))
    return fields


def plant(ctx: Context, names: dict[str, str], emails: dict[str, str] | None = None) -> None:
    """Store what an older version let in, straight into the database."""
    with ctx.store.reader() as cur:
        for unit_id, name in names.items():
            cur.execute("UPDATE unit SET name = ? WHERE unit_id = ?", [name, unit_id])
        for person_id, address in (emails or {}).items():
            cur.execute("UPDATE person SET email = ? WHERE person_id = ?", [address, person_id])


def leaders_of(ctx: Context, unit_id: str) -> list[str]:
    r = release_rule.covering(ctx, unit_id, CURRENT)
    frame = roundprogress.expected(ctx, r)
    return frame[frame["unit_id"] == unit_id]["person_id"].tolist()


def expected_text(planned: mailmessages.Planned, name: str) -> tuple[str, str]:
    """(subject, plain text) the message must have: the one a plain name gets, with the name
    as one line of visible text."""
    plain = mailmessages.Planned(**{**planned.__dict__, "unit": "PLAIN NAME"})
    subject, text, _ = mailmessages.subject_and_bodies(
        plain, "https://dt.etat.example", clock.today()
    )
    return subject, text.replace("PLAIN NAME", textrules.as_line(name))


def test_hostile_unit_names_change_no_header_and_no_body_of_what_arrives(demo_ctx, mail):
    plant(demo_ctx, HOSTILE_NAMES)
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    run = reminders.run(demo_ctx)
    assert run.sent and not run.failed
    mail.wait_for(len(run.sent))
    assert len(mail.raw) == len(run.sent)
    by_to = {p.email: p for p in run.sent}
    for raw, (sender, recipients) in zip(mail.raw, mail.envelopes, strict=True):
        fields = header_block(raw)
        assert [name for name, _ in fields] == HEADERS
        planned = by_to[dict(fields)["To"]]
        assert recipients == [planned.email] and sender == "dtmaturity@fjordetaten.example"
        assert b"evil.example" not in raw.split(b"\r\n\r\n", 1)[0]
        message = [m for m in mail.messages if m["To"] == planned.email][0]
        subject, text = expected_text(planned, HOSTILE_NAMES.get(planned.unit_id, planned.unit))
        assert str(message["Subject"]) == subject
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert body.replace("\r\n", "\n") == text  # lines end in CRLF on the wire
        assert PHISH not in text.splitlines()  # the phishing text is no line of its own
    hostile = [p for p in run.sent if p.unit_id in HOSTILE_NAMES]
    assert {p.unit_id for p in hostile} == set(HOSTILE_NAMES)  # their leaders are invited too


def test_an_address_that_would_add_a_header_fails_alone_and_every_other_leader_is_invited(
    demo_ctx, mail
):
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    victim, *others = leaders_of(demo_ctx, "demo-bruker-03")
    plant(demo_ctx, {}, {victim: "leder@etat.example\r\nBcc: everyone@evil.example"})
    run = reminders.run(demo_ctx)
    assert [(p.person_id, reason) for p, reason in run.failed] == [
        (victim, "the registered e-mail address is not one we can send to")
    ]
    assert {p.person_id for p in run.sent} >= set(others) and others
    mail.wait_for(len(run.sent))
    assert len(mail.raw) == len(run.sent)
    assert not [raw for raw in mail.raw if b"evil.example" in raw]
    assert all(recipients != [] and "evil" not in recipients[0] for _, recipients in mail.envelopes)


@pytest.mark.parametrize("name", [ENCODED, RAW, "Seksjon \u202eønsket\u202c", "Enhet\x00"])
def test_a_composed_message_has_only_our_headers_on_the_wire(name):
    planned = mailmessages.Planned(
        1, CURRENT, DEADLINE, "u1", name, "p1", "leder@etat.example", "nb", "invitation"
    )
    config = reminders.MailConfig(
        "127.0.0.1", 25, False, False, None, sender="dt@etat.example", base_url="https://x.no"
    )
    data = mailmessages.wire_bytes(mailmessages.compose(config, planned, clock.today()))
    assert [n for n, _ in header_block(data)] == HEADERS
    assert b"evil.example" not in data.split(b"\r\n\r\n", 1)[0]


@pytest.mark.parametrize(
    "address",
    [
        "leder@etat.example\r\nBcc: x@evil.example",
        "=?utf-8?q?leder=0D=0ABcc:_x@evil.example?=@etat.example",
        "Leder <leder@etat.example>, x@evil.example",
        "leder@etat.example\u202e",
    ],
)
def test_an_address_we_would_not_send_to_is_refused_before_anything_is_written(address):
    planned = mailmessages.Planned(
        1, CURRENT, DEADLINE, "u1", "Enhet", "p1", address, "nb", "invitation"
    )
    config = reminders.MailConfig(
        "127.0.0.1", 25, False, False, None, sender="dt@etat.example", base_url="https://x.no"
    )
    with pytest.raises(mailmessages.UnsafeMessage):
        mailmessages.compose(config, planned, clock.today())


def test_the_wire_check_refuses_a_header_that_would_fold_into_new_lines():
    """The guard itself, on whatever Python runs the tests: a subject holding the encoded word
    (which no code of ours sets) is never turned into bytes to send."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = ENCODED
    message["To"] = "leder@etat.example"
    message.set_content("Hei")
    with pytest.raises(mailmessages.UnsafeMessage):
        mailmessages.wire_bytes(message)
