"""A throwaway Dovecot IMAP server on loopback for the intake tests.

Everything it needs (configuration, users file, certificate, state, log and the mail itself)
lives in one temporary directory; /etc is never read or touched. Dovecot refuses to deliver
mail as root, so the mail root belongs to nobody:nogroup and a static userdb maps every user
to that account. The master runs in the foreground as our child in a process group of its own,
so stopping it is one SIGTERM to that group and a wait, and nothing it forked outlives the session.
"""

from __future__ import annotations

import atexit
import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

SETUP_HINT = "run `make test` (it prepares the machine), or as root `bash scripts/setup-system.sh`"
MAIL_OWNER = ("nobody", "nogroup")
DH_PARAMS = Path("/usr/share/dovecot/dh.pem")
AUTO_FOLDERS = ("Processed", "Quarantine")
_LOG_TAIL_LINES = 40
_START_TIMEOUT_S = 15.0
_STOP_TIMEOUT_S = 10.0

_CONFIG = """\
# Written by the icdesk test suite; a standalone configuration, nothing is included from /etc.
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
instance_name = icdesk-test-{port}
ssl = yes
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
ssl_dh = <{dh}
# The plain port is loopback only and the tests log in on it without STARTTLS too.
disable_plaintext_auth = no
auth_mechanisms = plain login
# A refused login answers at once, and no penalty grows for the loopback address after refused
# logins: the tests of wrong passwords must not slow down every login after them.
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
mail_location = maildir:~/Maildir
# Mail delivered between a client's last command and its IDLE is noticed by this periodic
# check, not by the change notification (30 s by default, as a real server might take).
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  # One file per user: Dovecot rereads a changed file at most once a second, but a file it
  # has never opened is read at once, so users added while it runs can log in straight away.
  args = scheme=PLAIN username_format=%u {base}/users/%u
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/mail/%d/%n
}}
namespace inbox {{
  inbox = yes
  separator = /
{folders}}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
"""


def _die_with_parent() -> list[str]:
    # A test run killed outright (a timeout, SIGKILL) runs no finalizer and no atexit hook;
    # with this the kernel sends the master SIGTERM when the test process dies, and the master
    # takes its children along. setpriv is part of util-linux, on every Debian machine.
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


class DovecotServerError(RuntimeError):
    """The test Dovecot server could not be found, started or used."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class DovecotServer:
    """One Dovecot with a plain IMAP port and an IMAPS port, both on 127.0.0.1."""

    def __init__(self) -> None:
        self._base: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._users: dict[str, str] = {}
        self.host = "127.0.0.1"
        self.port = 0
        self.ssl_port = 0

    # -- life cycle ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def ca_file(self) -> Path:
        """The self-signed certificate, which is its own CA: give it to clients to verify TLS."""
        return self._base_dir() / "cert.pem"

    @property
    def log_path(self) -> Path:
        return self._base_dir() / "dovecot.log"

    def start(self) -> None:
        """Write the configuration on first use, start the master and wait for both ports."""
        if self.running:
            return
        if self._base is None:
            self._prepare()
        binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
        if binary is None:
            raise DovecotServerError(f"the dovecot binary is not installed: {SETUP_HINT}")
        output = (self._base_dir() / "master.out").open("ab")
        try:
            # -F keeps the master our child; its own session lets stop() reach every process
            # it forked through the process group, whatever state they are in.
            self._process = subprocess.Popen(
                [*_die_with_parent(), binary, "-F", "-c", str(self._base_dir() / "dovecot.conf")],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            output.close()
        try:
            self._wait_for_ports()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """SIGTERM the master and its children and wait; anything left over is killed."""
        process, self._process = self._process, None
        if process is None:
            return
        # The whole group at once: a master alone waits about a second for its children to
        # go, and the tests restart it often. Maildir keeps every message safe from this.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait(timeout=_STOP_TIMEOUT_S)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def restart(self) -> None:
        """Stop and start again on the same ports, keeping the users and the mail."""
        self.stop()
        self.start()

    def cleanup(self) -> None:
        """Stop the server and remove its directory (mail, log, certificate)."""
        self.stop()
        atexit.unregister(self.cleanup)
        if self._base is not None:
            shutil.rmtree(self._base, ignore_errors=True)
            self._base = None

    # -- users and mail --------------------------------------------------------------------

    def add_user(self, name: str, password: str) -> None:
        """Add a login, before or after start: each user has a passwd-file of its own."""
        if any(bad in name for bad in ":/\n") or name.startswith(".") or any(bad in password for bad in ":\n"):
            raise ValueError(f"{name!r} cannot be a passwd-file user (no ':', '/' or newline; no leading '.')")
        self._users[name] = password
        if self._base is not None:
            self._write_users()

    def connect(self, user: str) -> IMAPClient:
        """A logged-in client on the plain port, for setting up and inspecting mail."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        try:
            client.login(user, self._users[user])
        except BaseException:
            client.shutdown()
            raise
        return client

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> int:
        """Store `raw` in the user's folder as another client would; returns the new UID."""
        with self.connect(user) as client:
            response = client.append(folder, raw)
        # Dovecot answers with UIDPLUS's APPENDUID: "[APPENDUID <validity> <uid>] ...".
        text = response.decode() if isinstance(response, bytes) else str(response)
        return int(text.split("]")[0].split()[-1])

    def message_ids(self, user: str, folder: str = "INBOX") -> list[str]:
        """The Message-ID headers in the folder, in UID order (messages flagged deleted too)."""
        with self.connect(user) as client:
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
        ids = []
        for uid in uids:
            header = next(value for key, value in fetched[uid].items() if key.startswith(b"BODY["))
            ids.append(header.decode().partition(":")[2].strip())
        return ids

    def count(self, user: str, folder: str = "INBOX") -> int:
        """How many messages the folder holds."""
        with self.connect(user) as client:
            status = client.folder_status(folder, ["MESSAGES"])
        return int(status[b"MESSAGES"])

    def flags(self, user: str, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """The flags of every message in the folder, by UID."""
        with self.connect(user) as client:
            client.select_folder(folder, readonly=True)
            found = client.get_flags(client.search("ALL"))
        return {int(uid): tuple(value) for uid, value in found.items()}

    # -- internals -------------------------------------------------------------------------

    def _base_dir(self) -> Path:
        if self._base is None:
            raise DovecotServerError("the Dovecot test server has not been started")
        return self._base

    def _prepare(self) -> None:
        try:
            owner = pwd.getpwnam(MAIL_OWNER[0])
            group = grp.getgrnam(MAIL_OWNER[1])
        except KeyError:
            raise DovecotServerError(f"the mail owner {':'.join(MAIL_OWNER)} does not exist") from None
        # /tmp, not $TMPDIR, and world-traversable: the mail processes run as nobody.
        base = self._base = Path(tempfile.mkdtemp(prefix="icdesk-dovecot-", dir="/tmp"))
        # Belt and braces: a session that dies before its fixture finalizer leaves no daemon.
        atexit.register(self.cleanup)
        base.chmod(0o755)
        for name in ("run", "state", "users"):
            (base / name).mkdir()
        mail = base / "mail"
        mail.mkdir()
        os.chown(mail, owner.pw_uid, group.gr_gid)
        self._make_certificate(base)
        self.port, self.ssl_port = _free_port(), _free_port()
        folders = "".join(f"  mailbox {name} {{\n    auto = create\n  }}\n" for name in AUTO_FOLDERS)
        config = _CONFIG.format(
            base=base, dh=DH_PARAMS, uid=MAIL_OWNER[0], gid=MAIL_OWNER[1],
            port=self.port, ssl_port=self.ssl_port, folders=folders,
        )
        (base / "dovecot.conf").write_text(config)
        self._write_users()

    def _write_users(self) -> None:
        for name, password in self._users.items():
            path = self._base_dir() / "users" / name
            # Written aside and renamed, so the auth process never reads half a file.
            staging = path.with_name(f".{name}.new")
            staging.write_text(f"{name}:{{PLAIN}}{password}\n")
            staging.chmod(0o644)
            staging.replace(path)

    @staticmethod
    def _make_certificate(base: Path) -> None:
        # An EC key is generated in milliseconds where RSA takes noticeably longer.
        argv = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(base / "key.pem"), "-out", str(base / "cert.pem"),
        ]
        result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
        if result.returncode != 0:
            raise DovecotServerError(f"openssl could not make the test certificate:\n{result.stderr}")

    def _wait_for_ports(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT_S
        waiting = {self.port, self.ssl_port}
        while waiting:
            if self._process is None or self._process.poll() is not None:
                raise DovecotServerError(f"dovecot exited while starting\n{self._log_tail()}")
            for port in sorted(waiting):
                if self._answers(port):
                    waiting.discard(port)
            if waiting and time.monotonic() > deadline:
                raise DovecotServerError(
                    f"dovecot did not listen on 127.0.0.1 port(s) {sorted(waiting)} "
                    f"within {_START_TIMEOUT_S:.0f} s\n{self._log_tail()}"
                )
            if waiting:
                time.sleep(0.02)

    def _answers(self, port: int) -> bool:
        # A greeting, not only an accepted connection: the login process must be ready.
        try:
            with socket.create_connection((self.host, port), timeout=1) as sock:
                if port == self.ssl_port:
                    context = ssl.create_default_context(cafile=str(self.ca_file))
                    with context.wrap_socket(sock, server_hostname="localhost") as tls:
                        return tls.recv(64).startswith(b"* OK")
                return sock.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def _log_tail(self) -> str:
        parts = []
        for path in (self.log_path, self._base_dir() / "master.out"):
            try:
                lines = path.read_text(errors="replace").splitlines()
            except OSError:
                continue
            parts.append(f"last lines of {path}:\n" + "\n".join(lines[-_LOG_TAIL_LINES:]))
        return "\n".join(parts) or "(dovecot wrote no log)"
