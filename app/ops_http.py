"""The operators' HTTP endpoints, `GET /healthz` and `GET /metrics`, as a WSGI app: mounted
beside `/slack/events` on the bot's server, or served alone by the intake and scheduler
processes on a port of their own."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from waitress.server import BaseWSGIServer, create_server

from app.health import HealthChecks
from cases.errors import DeskError

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
OPS_PATHS = (HEALTH_PATH, METRICS_PATH)
# A probe and a scraper at a time; these threads never touch the bot's.
OPS_THREADS = 2

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _respond(start_response: StartResponse, status: str, content_type: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store")])
    return [body]


def health_body(checks: HealthChecks, process: str) -> tuple[bool, bytes]:
    healthy, results = checks.run()
    body = {"status": "ok" if healthy else "unhealthy", "process": process,
            "checks": {name: {"status": result.status, "detail": result.detail} for name, result in results.items()}}
    if not healthy:
        failed = ", ".join(f"{name}: {result.detail}" for name, result in results.items() if result.failed)
        log.warning("unhealthy: %s", failed)
    return healthy, json.dumps(body, indent=1).encode()


def ops_app(checks: HealthChecks, registry: CollectorRegistry, process: str) -> WsgiApp:
    """`/healthz` (200 or 503, JSON) and `/metrics` (Prometheus text); 404 elsewhere, 405 for
    anything but GET or HEAD."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in OPS_PATHS:
            return _respond(start_response, "404 Not Found", "text/plain; charset=utf-8", b"not found\n")
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _respond(start_response, "405 Method Not Allowed", "text/plain; charset=utf-8", b"use GET\n")
        if path == METRICS_PATH:
            return _respond(start_response, "200 OK", CONTENT_TYPE_LATEST, generate_latest(registry))
        healthy, body = health_body(checks, process)
        status = "200 OK" if healthy else "503 Service Unavailable"
        return _respond(start_response, status, "application/json", body)

    return app


def with_ops_routes(main: WsgiApp, ops: WsgiApp) -> WsgiApp:
    """`main` (the Slack handler) for everything but the operators' paths."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        target = ops if environ.get("PATH_INFO", "") in OPS_PATHS else main
        return target(environ, start_response)

    return app


def ops_server(app: WsgiApp, host: str, port: int) -> BaseWSGIServer:
    """A small waitress server for `app` alone (port 0: the system picks)."""
    try:
        server = create_server(app, host=host, port=port, threads=OPS_THREADS, ident="icdesk")
    except OSError as error:
        raise DeskError(f"cannot serve /healthz on {host}:{port} ({error.strerror or error}); "
                        "set ICDESK_HEALTH_PORT to a free port") from None
    if not isinstance(server, BaseWSGIServer):
        raise DeskError(f"ICDESK_HEALTH_HOST {host!r} names more than one address; give one")
    return server
