"""`schedule` as a coordinator types it: the meeting goes on the case, the installer's
invitation goes into the outbox in the same commit, and the answer says to whom, or why
nobody could be invited."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from bot_support import BotDesk
from support import pacific

from bot.core import Role
from cases.entities import MeetingKind
from cases.persistence import tables
from cases.persistence.repository import SqlUnitOfWork


def emails(desk: BotDesk) -> list[dict[str, Any]]:
    """The e-mails in the outbox, oldest first."""
    with desk.engine.connect() as connection:
        rows = connection.execute(sa.select(tables.outbox).where(tables.outbox.c.channel == "email")
                                  .order_by(tables.outbox.c.id)).mappings().all()
    return [dict(row) for row in rows]


def test_a_witness_test_invites_the_installer(desk: BotDesk) -> None:
    number = desk.register(pacific(2026, 11, 2, 9))

    _, text = desk.ask(f"schedule {number} witness test 2026-12-03 10:00")

    assert text == (f"{number}: witness test on Thursday December 3 at 10:00 PST. An invitation goes to the "
                    "installer at dana@sunbridge.example, with a reminder the business day before.")
    (mail,) = emails(desk)
    assert mail["key"] == f"meeting:{number}:witness_test:0"
    assert mail["recipient"] == "dana@sunbridge.example"
    assert mail["case_number"] == number
    payload = mail["payload"]
    assert payload["subject"] == f"[{number}] Invitation: witness test, Thursday, December 3, 2026 at 10:00 AM PST"
    assert payload["template"] == "meeting_invitation"
    assert payload["values"]["where"] == "4417 N Williams Ave, Portland, OR"
    invitation = payload["invitation"]
    assert (invitation["uid"], invitation["sequence"]) == (f"{number}-witness-test", 0)
    assert invitation["starts_at"] == "2026-12-03T10:00:00-08:00"
    assert invitation["ends_at"] == "2026-12-03T12:00:00-08:00"
    with SqlUnitOfWork(desk.engine) as uow:
        (meeting,) = uow.cases.get(number).meetings
        assert meeting.kind == MeetingKind.WITNESS_TEST
        assert meeting.attendees == ["dana@sunbridge.example"]
        assert meeting.scheduled_by == "U100"


def test_scheduling_the_same_kind_again_sends_an_update(desk: BotDesk) -> None:
    number = desk.register(pacific(2026, 11, 2, 9))
    desk.ask(f"schedule {number} site visit 2026-12-03 09:00")
    desk.ask(f"schedule {number} review meeting 2026-12-04 11:00")

    _, text = desk.ask(f"schedule {number} site visit 2026-12-07 13:30")

    assert text == (f"{number}: site visit moved to Monday December 7 at 13:30 PST. An updated invitation goes to "
                    "the installer at dana@sunbridge.example, with a reminder the business day before.")
    invitations = [(m["payload"]["invitation"]["uid"], m["payload"]["invitation"]["sequence"]) for m in emails(desk)]
    assert invitations == [(f"{number}-site-visit", 0), (f"{number}-review-meeting", 0), (f"{number}-site-visit", 1)]


def test_without_any_e_mail_the_meeting_is_kept_and_the_answer_says_why_nobody_was_invited(desk: BotDesk) -> None:
    number = desk.register(pacific(2026, 11, 2, 9), installer__email=None, applicant__email=None)

    _, text = desk.ask(f"schedule {number} witness test 2026-12-03 10:00")

    assert text == (f"{number}: witness test on Thursday December 3 at 10:00 PST. The invitation could not be "
                    "sent: the case has no installer or applicant e-mail address.")
    assert emails(desk) == []
    with SqlUnitOfWork(desk.engine) as uow:
        assert [m.kind for m in uow.cases.get(number).meetings] == [MeetingKind.WITNESS_TEST]


@pytest.mark.parametrize(("private", "shown"), [(True, "marcus.bell@example.com"), (False, "••••.com")])
def test_without_an_installer_address_the_applicant_is_invited_and_masked_in_a_channel(
        desk: BotDesk, private: bool, shown: str) -> None:
    number = desk.register(pacific(2026, 11, 2, 9), installer__email=None)

    _, text = desk.ask(f"schedule {number} site visit 2026-12-03", private=private)

    assert text.endswith(f"An invitation goes to the applicant at {shown}, with a reminder the business day before.")
    assert "at 09:00 PST" in text  # no time given: nine in the morning
    (mail,) = emails(desk)
    assert mail["recipient"] == "marcus.bell@example.com"
    assert mail["payload"]["values"]["greeting"] == "Marcus Bell"


def test_a_time_already_past_is_recorded_but_not_sent(desk: BotDesk) -> None:
    number = desk.register(pacific(2026, 11, 2, 9))

    _, text = desk.ask(f"schedule {number} site visit 2026-11-30 09:00")  # the desk's clock reads 10:00 that day

    assert text.endswith("The invitation could not be sent: that time has already passed.")
    _, text = desk.ask(f"schedule {number} site visit 2025-12-01 09:00")  # a mistyped year shows
    assert text == (f"{number}: site visit moved to Monday December 1, 2025 at 09:00 PST. The invitation could not "
                    "be sent: that time has already passed.")
    assert emails(desk) == []


def test_only_coordinators_and_managers_schedule(desk: BotDesk) -> None:
    number = desk.register(pacific(2026, 11, 2, 9))

    _, text = desk.ask(f"schedule {number} witness test 2026-12-03 10:00", Role.PROTECTION)

    assert text.startswith("! ")
    assert emails(desk) == []
    assert desk.ask(f"schedule {number} witness test 2026-12-03 10:00", Role.MANAGER)[1].startswith(number)
    assert len(emails(desk)) == 1
