"""The written notice of a decision (OAR 860-039-0030(3)): recorded with the decision, sent
once through the outbox to a real SMTP server, threaded to the application, saying what was
decided and why; a deemed approval says it is by rule. And which SMTP answers are refusals."""

from __future__ import annotations

import smtplib
from datetime import date, datetime, timedelta

from intake_support import DESK
from servers.smtp_sink import SmtpSink
from sqlalchemy.engine import Engine
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.messaging import Channel
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from cases.services.outbox import deliver_outbox
from cases.stages import Stage
from intake.outgoing import SmtpSender, SmtpSettings, permanent_refusal

RECEIVED = pacific(2026, 11, 2, 9)


def register(engine: Engine, book: RuleBook, *, complete: bool = True) -> str:
    application = application_from_contract(contract(), "residential")
    documents = tuple(Document(kind, f"{kind}.pdf", kind.ljust(64, "0"), 1, RECEIVED)
                      for kind in ("one_line_diagram", "site_plan", "spec_sheet") if complete)
    return services.register_application(SqlUnitOfWork(engine), book, application, RECEIVED, "intake",
                                         message_id="<application-1@sunbridge.example>", documents=documents)


def deliver(engine: Engine, sink: SmtpSink, at: datetime) -> int:
    sender = SmtpSender(SmtpSettings(sink.host, sink.port, security="none", timeout_s=5), DESK)
    return len(deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, lambda: at).delivered)


def decision_mails(sink: SmtpSink) -> list[tuple[str, str]]:
    found = []
    for mail in sink.messages:
        body = mail.message.get_body(("plain",))
        assert body is not None
        if "] Received" not in mail.message["Subject"]:
            found.append((mail.message["Subject"], str(body.get_content())))
    return found


def test_a_denial_tells_the_installer_why_once(engine: Engine, book: RuleBook, smtp_sink: SmtpSink) -> None:
    number = register(engine, book)
    for stage, why in ((Stage.IN_REVIEW, None), (Stage.DENIED, "the transformer is overloaded at peak")):
        services.advance_stage(SqlUnitOfWork(engine), book, number, stage, pacific(2026, 11, 9, 10), "U100", why)
    assert deliver(engine, smtp_sink, pacific(2026, 11, 9, 11)) >= 1
    assert deliver(engine, smtp_sink, pacific(2026, 11, 9, 12)) == 0  # nothing twice

    ((subject, text),) = decision_mails(smtp_sink)
    assert subject == f"[{number}] Denied: 4417 N Williams Ave"
    assert "we cannot approve the application, because:\n  the transformer is overloaded at peak\n" in text
    assert "interconnection agreement" not in text
    (mail,) = [m for m in smtp_sink.messages if m.message["Subject"] == subject]
    assert mail.rcpt_tos == ("dana@sunbridge.example",)
    assert mail.message["In-Reply-To"] == "<application-1@sunbridge.example>"


def test_an_unanswered_tier_1_is_told_it_is_deemed_approved(engine: Engine, book: RuleBook,
                                                            smtp_sink: SmtpSink) -> None:
    number = register(engine, book)
    services.send_completeness_notice(SqlUnitOfWork(engine), book, number, RECEIVED, "intake")
    due = book.calendar.add_business_days(date(2026, 11, 2), 20)
    after = due + timedelta(days=1)
    services.sweep_clocks(SqlUnitOfWork(engine), book, after, pacific(after.year, after.month, after.day, 6))
    deliver(engine, smtp_sink, pacific(after.year, after.month, after.day, 7))

    ((subject, text),) = decision_mails(smtp_sink)
    assert subject == f"[{number}] Deemed approved: 4417 N Williams Ave"
    assert "so your application is approved by rule:\n  deemed approved: Tier 1 decision before deemed approval" in text
    assert "Next: we will send you the interconnection agreement to sign." in text
    assert "exchange the meter, and enrol the account on net\nmetering billing." in text


def test_an_application_left_incomplete_is_told_it_is_withdrawn(engine: Engine, book: RuleBook,
                                                                smtp_sink: SmtpSink) -> None:
    number = register(engine, book, complete=False)
    services.send_completeness_notice(SqlUnitOfWork(engine), book, number, RECEIVED, "intake")
    # Ten business days from Monday the 2nd, Veterans Day not counted: due the 17th.
    services.sweep_clocks(SqlUnitOfWork(engine), book, date(2026, 11, 18), pacific(2026, 11, 18, 6))
    deliver(engine, smtp_sink, pacific(2026, 11, 18, 7))

    ((subject, text),) = decision_mails(smtp_sink)
    assert subject == f"[{number}] Withdrawn: 4417 N Williams Ave"
    assert "did not reach us within the time the rules allow, so the application is withdrawn:\n" in text
    assert "send a new application with everything it needs" in text


def test_only_a_5xx_for_the_message_or_its_recipient_counts_as_a_refusal() -> None:
    assert permanent_refusal(smtplib.SMTPRecipientsRefused({"typo@example.com": (550, b"no such mailbox")}))
    assert not permanent_refusal(smtplib.SMTPRecipientsRefused({"full@example.com": (452, b"mailbox full")}))
    assert permanent_refusal(smtplib.SMTPDataError(554, b"rejected as spam"))
    assert not permanent_refusal(smtplib.SMTPDataError(451, b"try again later"))
    # The desk's own login or sender address refused: its configuration, not this message.
    assert not permanent_refusal(smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    assert not permanent_refusal(smtplib.SMTPSenderRefused(550, b"not allowed", "desk@utility.example"))
    assert not permanent_refusal(TimeoutError("timed out"))
