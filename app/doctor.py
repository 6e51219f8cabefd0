"""The checks of `icdesk doctor`: everything a running desk needs, each answered with what is
wrong and what to do about it. The database, mailbox and Slack checks are the health
endpoint's own; the rest (rules, SMTP, channels, Tesseract, storage, stored documents) are
asked only here, since they change only when someone changes the installation."""

from __future__ import annotations

import hashlib
import shutil
import smtplib
import ssl
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.health import PROBE_TIMEOUT_S, CheckResult, database_check, fail, mailbox_check, ok, slack_check
from app.mail import CHANNEL_TEAMS
from app.rules_files import SHIPPED_RULES, load_catalog
from cases.errors import DeskError
from cases.persistence import tables
from config.settings import Settings
from intake.storage import FileStore


def rules_check(settings: Settings) -> CheckResult:
    try:
        catalog = load_catalog(settings.rules_dir)
    except DeskError as error:
        return fail(f"{error}; fix the file, then `icdesk rules check`")
    versions = ", ".join(rule_set.version for rule_set in catalog.rule_sets)
    unverified = len(catalog.unverified())
    note = f"; {unverified} values marked unverified (`icdesk rules check` lists them)" if unverified else ""
    return ok(f"{settings.rules_dir or SHIPPED_RULES}: valid, versions {versions}{note}")


def _smtp_session(settings: Settings) -> str:
    """Connect, EHLO, secure and log in as the desk will; returns how it went, in words."""
    host = settings.smtp_host or ""
    port = settings.smtp_port or {"ssl": 465, "starttls": 587}.get(settings.smtp_security, 25)
    context = ssl.create_default_context(cafile=str(settings.smtp_ca_file) if settings.smtp_ca_file else None)
    client: smtplib.SMTP
    if settings.smtp_security == "ssl":
        client = smtplib.SMTP_SSL(host, port, timeout=PROBE_TIMEOUT_S, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=PROBE_TIMEOUT_S)
    with client:
        client.ehlo()
        if settings.smtp_security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password or "")
        client.noop()
    security = {"ssl": "TLS", "starttls": "STARTTLS", "none": "no TLS"}[settings.smtp_security]
    who = f", logged in as {settings.smtp_user}" if settings.smtp_user else ""
    return f"{host}:{port} answers ({security}{who})"


def smtp_check(settings: Settings) -> CheckResult:
    if not settings.smtp_host:
        return CheckResult("skipped", f"no ICDESK_SMTP_HOST: replies are written to {settings.outgoing_mail_dir}")
    try:
        return ok(_smtp_session(settings))
    except smtplib.SMTPAuthenticationError as error:
        return fail(f"the server refused the login of {settings.smtp_user} ({error.smtp_code}); "
                    "check ICDESK_SMTP_USER and ICDESK_SMTP_PASSWORD")
    except ssl.SSLError as error:
        return fail(f"TLS failed ({error.reason or error}); check ICDESK_SMTP_SECURITY and ICDESK_SMTP_CA_FILE")
    except smtplib.SMTPNotSupportedError as error:
        return fail(f"{error}; set ICDESK_SMTP_SECURITY to what the server offers")
    except (smtplib.SMTPException, OSError) as error:
        return fail(f"cannot reach {settings.smtp_host}: {error}; check ICDESK_SMTP_HOST and ICDESK_SMTP_PORT")


def channel_checks(settings: Settings) -> list[tuple[str, CheckResult]]:
    """Each configured team channel exists and has the bot among its members."""
    if not settings.slack_bot_token:
        return []
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=int(PROBE_TIMEOUT_S))
    found = []
    for team in CHANNEL_TEAMS:
        channel = getattr(settings, f"slack_channel_{team}")
        if not channel:
            continue
        variable = f"ICDESK_SLACK_CHANNEL_{team.upper()}"
        try:
            info = client.conversations_info(channel=channel)["channel"]
        except SlackApiError as error:
            reason = error.response.get("error", "unknown error")
            advice = ("reinstall the app from slack/manifest.yaml, which grants channels:read and groups:read"
                      if reason == "missing_scope" else "give the channel's id (C…) from its details")
            found.append((f"slack {team}", fail(f"{variable}={channel}: Slack answers {reason}; {advice}")))
            continue
        except OSError as error:
            found.append((f"slack {team}", fail(f"cannot ask Slack about {channel}: {error}")))
            continue
        name = info.get("name", channel)
        if info.get("is_member"):
            found.append((f"slack {team}", ok(f"#{name} ({channel}), the bot is a member")))
        else:
            found.append((f"slack {team}", fail(f"the bot is not in #{name} ({channel}): type `/invite @icdesk` "
                                                "in the channel")))
    return found


def tesseract_check(which: Callable[[str], str | None] = shutil.which) -> CheckResult:
    found = which("tesseract")
    if found is None:
        return fail("tesseract is not installed: scanned applications cannot be read; "
                    "install it (Debian: apt-get install tesseract-ocr)")
    version = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30, check=False)
    first = (version.stdout or version.stderr).strip().splitlines()
    return ok(f"{first[0] if first else 'tesseract'} at {found}")


def storage_check(settings: Settings) -> CheckResult:
    root = settings.storage_dir
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".doctor-"):
            pass
    except OSError as error:
        return fail(f"{root} is not writable ({error.strerror}); give the desk's user write access "
                    "or set ICDESK_STORAGE_DIR")
    return ok(f"{root} is writable")


def _matches(path: Path, sha256: str) -> bool:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == sha256


def documents_check(settings: Settings, engine: Engine) -> CheckResult:
    """Every document a case lists is stored, and its bytes still hash to its name."""
    try:
        with engine.connect() as connection:
            hashes = sorted(set(connection.execute(sa.select(tables.documents.c.sha256)).scalars()))
    except SQLAlchemyError as error:
        return fail(f"cannot list the documents: {str(getattr(error, 'orig', error)).strip().splitlines()[0]}")
    store = FileStore(settings.storage_dir)
    missing, altered = [], []
    for sha256 in hashes:
        try:
            path = store.path_for(sha256)
        except ValueError:  # not a hash the store could have written: nothing stored under it
            missing.append(sha256)
            continue
        if not path.is_file():
            missing.append(sha256)
        elif not _matches(path, sha256):
            altered.append(sha256)
    if missing or altered:
        first = ", ".join(f"{h[:12]}…" for h in (missing + altered)[:3])
        return fail(f"of {len(hashes)} stored documents, {len(missing)} missing and {len(altered)} altered "
                    f"(e.g. {first}) in {settings.storage_dir}; restore them from a backup of the folder")
    return ok(f"{len(hashes)} stored documents match their sha256")


def run_checks(settings: Settings, engine: Engine) -> list[tuple[str, CheckResult]]:
    """Every check, in the order an administrator would fix them."""
    database = database_check(engine)
    results = [("database", database), ("rules", rules_check(settings)), ("mailbox", mailbox_check(settings)),
               ("smtp", smtp_check(settings)), ("slack", slack_check(settings))]
    if results[-1][1].status == "ok":
        results.extend(channel_checks(settings))
    results += [("tesseract", tesseract_check()), ("storage", storage_check(settings))]
    if database.status == "ok":
        results.append(("documents", documents_check(settings, engine)))
    return results
