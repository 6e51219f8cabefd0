"""`icdesk demo` (what `make run` opens) on a fresh folder: the sample mail becomes cases."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from support import PACIFIC

ICDESK = str(Path(sys.executable).with_name("icdesk"))
# Case numbers carry the year the desk receives the mail in, which is today's.
YEAR = datetime.now(PACIFIC).year


def test_demo_turns_the_sample_mail_drop_into_cases_and_replies(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ICDESK_")}
    result = subprocess.run([ICDESK, "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("processed 5 messages: 4 new cases, 0 supplements, 0 questions, 1 ignored or unmatched, "
            "0 quarantined; sent 4 e-mails") in out
    assert f"IC-{YEAR}-00002  Linh Nguyen" in out
    assert "Tier 2   incomplete (the application fee: $200.00 outstanding of $200.00)" in out
    assert f"IC-{YEAR}-00004  Rosa Delgado" in out  # the scanned form, read by OCR
    assert f"── mail to priya@columbiacs.example · [IC-{YEAR}-00003] Received" in out
    assert len(list((tmp_path / "var" / "outgoing-mail").glob("*.eml"))) == 4
    assert len(list((tmp_path / "var" / "maildrop" / "processed").glob("*.eml"))) == 5
    again = subprocess.run([ICDESK, "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                           check=False)
    assert "processed 0 messages" in again.stdout
    assert "4 cases on the desk" in again.stdout
