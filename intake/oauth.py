"""Access tokens for reading an Exchange Online mailbox over IMAP with XOAUTH2.

Microsoft removed password logins from Exchange Online, so the desk signs in as an Entra
application (client-credentials flow) that the tenant has allowed to read the intake
mailbox. msal does the OAuth exchange; this module hands `ImapSettings.token_provider` a
callable that returns a token valid for a while yet, asking msal only when the last one is
about to expire.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import msal  # type: ignore[import-untyped]

from intake.mailbox import MailboxUnavailable

IMAP_SCOPE = "https://outlook.office365.com/.default"
AUTHORITY = "https://login.microsoftonline.com/{tenant_id}"
# A token is renewed this long before it expires, so that a login started with it does not
# reach the server after the expiry.
RENEW_BEFORE_S = 300.0


class ClientCredentialsApp(Protocol):
    """The part of msal's ConfidentialClientApplication this module uses."""

    def acquire_token_for_client(self, scopes: list[str]) -> Mapping[str, Any]: ...


AppFactory = Callable[[str, str, str], ClientCredentialsApp]
"""Builds the app from (authority URL, client id, client secret)."""


def _msal_app(authority: str, client_id: str, client_secret: str) -> ClientCredentialsApp:
    app: ClientCredentialsApp = msal.ConfidentialClientApplication(
        client_id, client_credential=client_secret, authority=authority
    )
    return app


def microsoft_token_provider(
    tenant_id: str,
    client_id: str,
    client_secret: str,
    app_factory: AppFactory = _msal_app,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[], str]:
    """A token provider for `ImapSettings` that signs in to Entra tenant `tenant_id` as the
    application `client_id` and asks for the Exchange Online scope.

    Nothing is contacted until the first token is asked for (msal looks the tenant up when
    the app is built). Tokens are reused until `RENEW_BEFORE_S` seconds before they expire.
    A refusal raises `MailboxUnavailable` with Entra's own one-line reason.
    """
    lock = threading.Lock()
    app: ClientCredentialsApp | None = None
    token, renew_at = "", 0.0

    def provide() -> str:
        nonlocal app, token, renew_at
        with lock:
            if token and clock() < renew_at:
                return token
            if app is None:
                app = app_factory(AUTHORITY.format(tenant_id=tenant_id), client_id, client_secret)
            result = app.acquire_token_for_client(scopes=[IMAP_SCOPE])
            if "access_token" not in result:
                reason = str(result.get("error_description") or result.get("error") or "no reason given")
                raise MailboxUnavailable(
                    f"Microsoft Entra refused a mailbox token for application {client_id} in tenant "
                    f"{tenant_id}: {reason.splitlines()[0]}"
                )
            token = str(result["access_token"])
            renew_at = clock() + max(0.0, float(result.get("expires_in", 0)) - RENEW_BEFORE_S)
            return token

    return provide
