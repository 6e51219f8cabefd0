#!/usr/bin/env bash
# Prepares this machine for the test suite: the Debian packages it needs (Dovecot for the IMAP
# tests, Tesseract and poppler for OCR), the unprivileged `postgres` user that runs the throwaway
# PostgreSQL clusters, and a check that the PostgreSQL server binaries are there.
# Idempotent and quick when everything is already in place; `make test` runs it every time.
set -euo pipefail

PACKAGES=(dovecot-imapd tesseract-ocr tesseract-ocr-eng poppler-utils)
PG_USER=postgres
POLICY=/usr/sbin/policy-rc.d

say() { printf 'setup-system: %s\n' "$*"; }
die() { printf 'setup-system: error: %s\n' "$*" >&2; exit 1; }

# Runs a command with its output kept aside, shown only if it fails.
quietly() {
    local log status=0
    log="$(mktemp)"
    "$@" >"$log" 2>&1 || status=$?
    if [[ $status -ne 0 ]]; then
        cat "$log" >&2
        rm -f "$log"
        die "'$*' failed with status $status"
    fi
    rm -f "$log"
}

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for package in "${PACKAGES[@]}"; do
    is_installed "$package" || missing+=("$package")
done

user_missing=false
id -u "$PG_USER" >/dev/null 2>&1 || user_missing=true

initdb_found=false
for candidate in /usr/lib/postgresql/*/bin/initdb; do
    if [[ -x "$candidate" ]]; then initdb_found=true; fi
done
[[ "$initdb_found" == true ]] || die "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb);" \
    "install the Debian package postgresql-15 (apt-get install postgresql) and run this script again"

if [[ "$(id -u)" -ne 0 ]]; then
    if [[ ${#missing[@]} -eq 0 && "$user_missing" == false ]]; then
        say "not root; system packages and the '$PG_USER' user are already in place"
        exit 0
    fi
    [[ ${#missing[@]} -eq 0 ]] || say "would install: ${missing[*]}"
    [[ "$user_missing" == false ]] || say "would create the system user '$PG_USER'"
    die "this needs root: run 'sudo bash scripts/setup-system.sh' once, then 'make test' again"
fi

if [[ "$user_missing" == true ]]; then
    if getent group "$PG_USER" >/dev/null; then
        useradd --system --gid "$PG_USER" --home-dir /var/lib/postgresql --no-create-home \
            --shell /usr/sbin/nologin "$PG_USER"
    else
        useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
            --shell /usr/sbin/nologin "$PG_USER"
    fi
    say "created the system user '$PG_USER'"
fi

if [[ ${#missing[@]} -gt 0 ]]; then
    # Installing dovecot-imapd would otherwise start a system Dovecot listening on ports 143
    # and 993 on every interface. A policy-rc.d that exits 101 forbids starting services;
    # ours lives only for the duration of the install and never replaces one already there.
    temporary_policy=false
    if [[ ! -e "$POLICY" ]]; then
        printf '#!/bin/sh\n# temporary, written by icdesk scripts/setup-system.sh\nexit 101\n' >"$POLICY"
        chmod 755 "$POLICY"
        temporary_policy=true
        trap 'rm -f "$POLICY"' EXIT
        say "wrote a temporary $POLICY so apt starts no services"
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Another apt run (a colleague's, unattended upgrades) may hold the lock: wait, don't fail.
    apt_options=(-o DPkg::Lock::Timeout=300 -qq)
    say "apt-get update"
    quietly apt-get "${apt_options[@]}" update
    say "installing: ${missing[*]}"
    quietly apt-get "${apt_options[@]}" install -y --no-install-recommends "${missing[@]}"
    if [[ "$temporary_policy" == true ]]; then
        rm -f "$POLICY"
        trap - EXIT
        say "removed the temporary $POLICY"
    fi
fi

# Tests start their own Dovecot on loopback with their own configuration: a system one on
# the standard ports is never wanted. Tolerant: there may be no systemd, no service, no daemon.
if is_installed dovecot-core; then
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
        if systemctl is-active --quiet dovecot.service dovecot.socket 2>/dev/null \
            || systemctl is-enabled --quiet dovecot.service 2>/dev/null; then
            systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
            say "stopped and disabled the system dovecot service"
        fi
    elif [[ -s /run/dovecot/master.pid ]] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; then
        dovecot stop >/dev/null 2>&1 || kill "$(cat /run/dovecot/master.pid)" 2>/dev/null || true
        say "stopped the system dovecot daemon"
    fi
    if [[ ! -d /run/systemd/system ]] && command -v update-rc.d >/dev/null \
        && compgen -G '/etc/rc[2-5].d/S*dovecot' >/dev/null; then
        update-rc.d dovecot disable >/dev/null 2>&1 || true
        say "disabled the dovecot init script"
    fi
fi

if [[ ${#missing[@]} -eq 0 && "$user_missing" == false ]]; then
    say "system packages and the '$PG_USER' user are already in place"
fi
