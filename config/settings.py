"""The settings schema: environment variables `ICDESK_<NAME>`, or the same names in an
optional `icdesk.toml` (with or without the `ICDESK_` prefix). The environment wins.

Validated once at start-up; `load_settings` turns every problem into one readable line.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

ENV_PREFIX = "ICDESK_"

Security = Literal["ssl", "starttls", "none"]


def _slack_alias(name: str) -> AliasChoices:
    """Slack's own variable name, ours with the prefix, and the plain field name (icdesk.toml)."""
    return AliasChoices(name.upper(), ENV_PREFIX + name.upper(), name)


class SettingsError(Exception):
    """Settings that cannot be used; the message lists each problem on its own line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite:///var/icdesk.db",
        description="SQLAlchemy URL: sqlite:///path/to/file.db or postgresql+psycopg://user@host/db",
    )
    rules_dir: Path | None = Field(
        default=None, description="folder of rule files; default: the rules shipped with icdesk"
    )
    storage_dir: Path = Field(default=Path("var/storage"), description="received documents, by sha256")
    log_dir: Path = Field(default=Path("var/log"), description="where internal errors are logged")
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto", description="log lines on stderr: JSON when not on a terminal (auto), or always one kind")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = Field(
        default=None, description="default: INFO for `icdesk serve`, WARNING for the other commands")

    # The health and metrics endpoints of `icdesk serve`. The bot serves them beside
    # /slack/events; the other processes on a port of their own (default: see deploy.md).
    health_host: str = Field(default="127.0.0.1", description="address of the health server (not the bot's)")
    health_port: int | None = Field(default=None, ge=0, le=65535,
                                    description="port of /healthz and /metrics: default 3001 (--only intake), "
                                                "3002 (--only scheduler), ICDESK_BOT_PORT otherwise")
    health_outbox_max_age_s: float = Field(default=900.0, gt=0,
                                           description="an undelivered notification older than this is unhealthy")
    health_outbox_max_depth: int = Field(default=1000, ge=1, description="more undelivered notifications is unhealthy")
    health_leader_grace_s: float = Field(default=120.0, ge=0,
                                         description="PostgreSQL: how long no process may lead the scheduler")

    # Mail. With no IMAP host the desk reads the local mail drop; with no SMTP host it writes
    # outgoing mail to a folder instead of sending it.
    imap_host: str | None = None
    imap_port: int | None = Field(default=None, description="default 993 for ssl, else 143")
    imap_user: str | None = None
    imap_password: str | None = None
    imap_security: Security = "ssl"
    imap_folder: str = "INBOX"
    imap_ca_file: Path | None = None
    imap_oauth_tenant: str | None = Field(default=None, description="Microsoft 365 tenant id for XOAUTH2")
    imap_oauth_client_id: str | None = None
    imap_oauth_client_secret: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, description="default 465 for ssl, 587 for starttls, else 25")
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_security: Security = "ssl"
    smtp_ca_file: Path | None = None
    mail_from: str = Field(default="interconnection@icdesk.localhost", pattern=r"^[^@\s]+@[^@\s]+$")
    maildrop: Path = Field(default=Path("var/maildrop"), description="local mail drop (Maildir or .eml folder)")
    outgoing_mail_dir: Path = Field(default=Path("var/outgoing-mail"), description="mail 'sent' with no SMTP host")
    max_message_mb: float = Field(default=25.0, gt=0)
    replies_per_sender_per_hour: int = Field(default=5, ge=1)
    template_dir: Path | None = Field(default=None, description="folder of reply templates overriding the shipped")

    # Slack. The three secrets keep Slack's own names (SLACK_BOT_TOKEN, …), as Slack's tools
    # and docs use them; the ICDESK_ names work too.
    slack_bot_token: str | None = Field(default=None, validation_alias=_slack_alias("slack_bot_token"))
    slack_signing_secret: str | None = Field(default=None, validation_alias=_slack_alias("slack_signing_secret"))
    slack_app_token: str | None = Field(default=None, validation_alias=_slack_alias("slack_app_token"),
                                        description="xapp-… token: Socket Mode instead of HTTP")
    slack_api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://",
                               description="Slack Web API base URL (a / is added at the end if missing)")
    bot_port: int = Field(default=3000, ge=0, le=65535, description="port of POST /slack/events")
    # Slack user ids (U…) or user-group ids (S…) per role, comma-separated; anyone else is a viewer.
    role_coordinator: str = ""
    role_manager: str = ""
    role_protection: str = ""
    role_metering: str = ""
    role_billing: str = ""
    role_viewer: str = ""
    # Where each team's work is posted (channel ids, C…); a team without one gets no posts.
    slack_channel_coordinator: str | None = None
    slack_channel_protection: str | None = None
    slack_channel_metering: str | None = None
    slack_channel_billing: str | None = None
    slack_channel_manager: str | None = None

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("use a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _ends_with_slash(cls, value: str) -> str:
        # slack_sdk joins method names onto the base URL as text: without the slash,
        # "…/api" + "chat.postMessage" would miss.
        return value if value.endswith("/") else value + "/"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls))


class _TomlSource(PydanticBaseSettingsSource):
    """`icdesk.toml` in the working directory, or the file `ICDESK_CONFIG` names."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        named = os.environ.get(f"{ENV_PREFIX}CONFIG")
        self.path = Path(named) if named else Path("icdesk.toml")
        self.required = named is not None

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if not self.path.exists():
            if self.required:
                raise SettingsError(f"{ENV_PREFIX}CONFIG names {self.path}, which does not exist")
            return {}
        try:
            raw = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SettingsError(f"{self.path}: not valid TOML: {error}") from None
        values = {}
        for key, value in raw.items():
            name = key.lower().removeprefix(ENV_PREFIX.lower())
            values[name] = value
        return values


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; raise `SettingsError` with one line per problem."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        lines = []
        for item in error.errors():
            name = ENV_PREFIX + "_".join(str(part) for part in item["loc"]).upper()
            lines.append(f"{name}: {item['msg']} (got {item.get('input')!r})")
        raise SettingsError("\n".join(lines)) from None
