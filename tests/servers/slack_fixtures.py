"""Pytest fixture for the Slack Web API stand-in. Loaded as a plugin (`pytest_plugins`) so
that only the tests that ask for it start a server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from servers.slack_api import SlackApiServer
from servers.slack_api_files import SlackFilesApiServer

# slack_sdk sends through a proxy named in these and ignores NO_PROXY, so a proxy set on the
# machine would swallow the calls meant for the stand-in on loopback.
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")


@pytest.fixture
def slack_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackApiServer]:
    """A fresh Slack Web API stand-in on loopback for this test, stopped afterwards (with files
    as Slack handles them, `servers.slack_api_files`).

    Point a client at it with `WebClient(token=DEFAULT_TOKEN, base_url=slack_api.base_url)`.
    """
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    server = SlackFilesApiServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
