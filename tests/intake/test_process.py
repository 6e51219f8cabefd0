"""`process_message` against a real SQLite desk, real PDFs and e-mails built in code."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from intake_support import DESK, SteppingClock, email

from cases.messaging import Channel, OutboxItem, Outcome
from cases.services.outbox import deliver_outbox
from cases.services.progress import advance_stage
from cases.stages import Stage
from intake.context import Intake, Result
from intake.mailbox import FetchedMessage
from intake.outgoing import build_email
from intake.process import process_message


class Outgoing:
    """Records the e-mails the outbox delivers."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, item: OutboxItem) -> None:
        self.sent.append(build_email(item, DESK))


def run(intake: Intake, raw: bytes, key: str = "1") -> Result:
    return process_message(intake, FetchedMessage(key=key, raw=raw))


def deliver(intake: Intake) -> list[EmailMessage]:
    outgoing = Outgoing()
    deliver_outbox(intake.uow, {Channel.EMAIL: outgoing}, intake.now)
    return outgoing.sent


@pytest.fixture
def opened(intake: Intake, application_pdf: bytes) -> tuple[Result, list[EmailMessage]]:
    result = run(intake, email("Net metering application - 4417 N Williams",
                               attachments={"application.pdf": application_pdf}))
    return result, deliver(intake)


def test_an_application_opens_a_case_and_is_acknowledged(opened: tuple[Result, list[EmailMessage]],
                                                         intake: Intake) -> None:
    result, sent = opened
    assert (result.outcome, result.case_number) == (Outcome.NEW_CASE, "IC-2026-00001")
    [ack] = sent
    assert ack["Subject"] == "[IC-2026-00001] Received: net metering application, 4417 N Williams Ave"
    assert ack["To"] == "permits@bridgetownsolar.example"
    assert ack["In-Reply-To"] == "<app-1@bridgetownsolar.example>"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["X-Auto-Response-Suppress"] == "All"
    body = ack.get_content()
    assert "Your case number is IC-2026-00001" in body
    assert "Review: Tier 1 (7.6 kW nameplate, 7.6 kW export; OAR 860-039-0030)." in body
    assert "Fee: none for Tier 1." in body
    assert "  - a one-line diagram showing the AC disconnect and the utility meter" in body
    assert "If we do not receive them by Tuesday, November 17, 2026 (10 business days, OAR 860-039-0025(2))" in body
    with intake.uow as uow:
        case = uow.cases.get("IC-2026-00001")
        assert case.stage == Stage.INCOMPLETE
        assert {c.name: c.status.value for c in case.clocks} == {"nm_ack_and_completeness": "met",
                                                                  "nm_cure_missing_info": "running"}
        assert [d.kind for d in case.documents] == ["application"]
        assert {m.direction for m in case.messages} == {"in", "out"}


def test_the_same_message_twice_changes_nothing(opened: tuple[Result, list[EmailMessage]], intake: Intake,
                                                application_pdf: bytes) -> None:
    again = run(intake, email("Net metering application - 4417 N Williams",
                              attachments={"application.pdf": application_pdf}))
    assert again.duplicate
    assert again.case_number == "IC-2026-00001"
    assert deliver(intake) == []
    with intake.uow as uow:
        assert not uow.cases.exists("IC-2026-00002")


def test_documents_sent_as_a_reply_complete_the_case(opened: tuple[Result, list[EmailMessage]], intake: Intake,
                                                     clock: SteppingClock, documents_pdfs: dict[str, bytes]) -> None:
    _, [ack] = opened
    clock.advance(days=1)
    reply = email("Re: " + ack["Subject"], "Here they are.\n\nOn Mon, Interconnection wrote:\n> Hello",
                  message_id="<docs-1@bridgetownsolar.example>",
                  attachments={f"{k}.pdf": v for k, v in documents_pdfs.items()},
                  headers={"In-Reply-To": ack["Message-ID"]})
    result = run(intake, reply)
    assert (result.outcome, result.case_number) == (Outcome.SUPPLEMENT, "IC-2026-00001")
    [answer] = deliver(intake)
    assert answer["Subject"] == "[IC-2026-00001] Complete: 4417 N Williams Ave"
    assert "Your application is now complete. Next: Tier 1 screen result, by" in answer.get_content()
    with intake.uow as uow:
        case = uow.cases.get("IC-2026-00001")
        assert case.stage == Stage.COMPLETE
        assert sorted(d.kind for d in case.documents) == ["application", "one_line_diagram", "site_plan",
                                                          "spec_sheet"]
        assert "screening_review" in {t.kind for t in case.open_tasks()}


def test_a_case_number_in_the_subject_threads_a_question(opened: tuple[Result, list[EmailMessage]],
                                                          intake: Intake) -> None:
    question = email("Question about [IC-2026-00001]", "Does the battery change anything?\n\n-- \nDana",
                     message_id="<q-1@bridgetownsolar.example>")
    result = run(intake, question)
    assert (result.outcome, result.case_number) == (Outcome.QUESTION, "IC-2026-00001")
    assert deliver(intake) == []  # a coordinator answers questions
    with intake.uow as uow:
        [issue] = uow.cases.get("IC-2026-00001").issues
        assert issue.text == "Does the battery change anything?"


@pytest.mark.parametrize(("headers", "sender", "reason"), [
    ({"Auto-Submitted": "auto-replied"}, "dana@bridgetownsolar.example", "Auto-Submitted: auto-replied"),
    ({"Precedence": "bulk"}, "news@solar-news.example", "Precedence: bulk"),
    ({"List-Id": "<installers.lists.example>"}, "list@lists.example", "mailing list"),
    ({}, "MAILER-DAEMON@mx.example", "mailer-daemon"),
    ({}, DESK, "sent from our own address"),
])
def test_robots_are_never_answered(intake: Intake, application_pdf: bytes, headers: dict[str, str], sender: str,
                                   reason: str) -> None:
    result = run(intake, email("Application", sender=sender, headers=headers,
                               attachments={"application.pdf": application_pdf}))
    assert result.outcome == Outcome.IGNORED
    assert reason.lower() in (result.detail or "").lower()
    assert deliver(intake) == []
    with intake.uow as uow:
        assert not uow.cases.exists("IC-2026-00001")


def test_an_unreadable_pdf_is_quarantined_and_the_sender_told(intake: Intake) -> None:
    result = run(intake, email("Application", attachments={"application.pdf": b"%PDF-1.7\n%broken"}))
    assert result.outcome == Outcome.QUARANTINED
    assert result.quarantine
    [answer] = deliver(intake)
    assert answer["Subject"] == "Could not process: Application"
    assert "application.pdf:" in answer.get_content()
    with intake.uow as uow:
        [record] = uow.messages.quarantined()
        assert record.raw_path is not None
        assert intake.files.verify(record.raw_path)


def test_an_oversized_message_is_not_parsed_and_the_sender_told(intake: Intake) -> None:
    big = email("Huge scan", attachments={"scan.pdf": b"%PDF-1.4\n" + b"0" * 2_100_000})
    result = run(intake, big)
    assert result.outcome == Outcome.OVERSIZE
    [answer] = deliver(intake)
    assert answer["Subject"] == "Too large to process: Huge scan"
    assert "more than the 2 MB we accept" in answer.get_content()


def test_mail_without_application_or_case_gets_one_helpful_answer(intake: Intake) -> None:
    result = run(intake, email("Hello", "Can I put solar on my barn?", message_id="<hello@example.net>",
                               sender="someone@example.net"))
    assert result.outcome == Outcome.NO_CASE
    [answer] = deliver(intake)
    assert "reply with the completed application form as a PDF" in answer.get_content()


def test_a_mail_loop_with_an_auto_responder_gets_one_acknowledgement(opened: tuple[Result, list[EmailMessage]],
                                                                     intake: Intake) -> None:
    _, [ack] = opened
    # A careless robot answers our acknowledgement without saying it is automatic...
    for n in range(5):
        robot = email("Re: " + ack["Subject"], "I am out of the office until Monday.",
                      message_id=f"<ooo-{n}@bridgetownsolar.example>", headers={"In-Reply-To": ack["Message-ID"]})
        assert run(intake, robot, key=f"ooo-{n}").outcome == Outcome.QUESTION
    assert deliver(intake) == []  # ...and we never answer a reply that is not a document


def test_replies_per_sender_are_rate_limited(intake: Intake) -> None:
    sent = 0
    for n in range(8):
        run(intake, email(f"Hello {n}", "no application here", message_id=f"<h{n}@example.net>",
                          sender="robot@example.net"), key=str(n))
        sent += len(deliver(intake))
    assert sent == intake.settings.replies_per_sender_per_hour


def test_inspection_sign_off_moves_a_case_in_construction(opened: tuple[Result, list[EmailMessage]],
                                                          intake: Intake) -> None:
    with intake.uow as uow:
        case = uow.cases.get("IC-2026-00001")
        case.missing = []
        uow.commit()
    for stage in (Stage.COMPLETE, Stage.IN_REVIEW, Stage.APPROVED, Stage.AGREEMENT_EXECUTED, Stage.CONSTRUCTION):
        advance_stage(intake.uow, intake.book, "IC-2026-00001", stage, intake.now(), "c", "ok")
    result = run(intake, email("IC-2026-00001 city electrical inspection passed", "Final inspection approved today.",
                               message_id="<insp@bridgetownsolar.example>",
                               attachments={"signoff.pdf": b"%PDF-1.4 not really a pdf"}))
    # The sign-off PDF is unreadable here, so the message is quarantined with a reply; a readable one moves it.
    assert result.outcome == Outcome.QUARANTINED
    result = run(intake, email("IC-2026-00001 city electrical inspection passed",
                               "Final inspection approved today.", message_id="<insp2@bridgetownsolar.example>"))
    assert result.outcome == Outcome.INSPECTION
    with intake.uow as uow:
        assert uow.cases.get("IC-2026-00001").stage == Stage.LOCAL_INSPECTION_PASSED


def test_payment_reference_opens_a_billing_check(opened: tuple[Result, list[EmailMessage]], intake: Intake) -> None:
    result = run(intake, email("Payment for IC-2026-00001", "We mailed check number 4471 for the fee.",
                               message_id="<pay@bridgetownsolar.example>"))
    assert result.outcome == Outcome.PAYMENT_REFERENCE
    with intake.uow as uow:
        tasks = {t.kind: t.title for t in uow.cases.get("IC-2026-00001").open_tasks()}
    assert tasks["verify_payment_reference"].startswith("verify the payment the applicant reported: We mailed check")


def test_attachment_names_cannot_escape_storage(intake: Intake, application_pdf: bytes) -> None:
    result = run(intake, email("Application", attachments={"../../etc/passwd.pdf": application_pdf}))
    assert result.outcome == Outcome.NEW_CASE
    with intake.uow as uow:
        [document] = uow.cases.get("IC-2026-00001").documents
        filename, digest = document.filename, document.sha256
    assert "/" not in filename
    assert ".." not in filename
    assert intake.files.verify(digest)
    stored = intake.files.path_for(digest)
    assert stored.resolve().is_relative_to(intake.files.root.resolve())


def test_quoted_history_and_headers_survive_round_trip_parsing() -> None:
    raw = email("Re: [IC-2026-00001] Received", "Thanks!\n\nOn Mon, Nov 2, 2026 Interconnection wrote:\n> old text")
    assert message_from_bytes(raw, policy=default)["Subject"] == "Re: [IC-2026-00001] Received"


def test_a_case_opened_from_mail_tells_the_team_channel(opened: tuple[Result, list[EmailMessage]],
                                                         intake: Intake) -> None:
    # Regression: the case object was collected between flush and commit (the session holds
    # loaded objects weakly), losing the task notification it had queued.
    posted: list[OutboxItem] = []

    class Recorder:
        def send(self, item: OutboxItem) -> None:
            posted.append(item)

    deliver_outbox(intake.uow, {Channel.SLACK: Recorder()}, intake.now)
    cards = [(p.recipient, p.payload["task"]) for p in posted if p.payload["kind"] == "task_card"]
    assert cards == [("team:coordinator", "review_application")]
