# Shared by the backup scripts (sourced, not run): errors, the PostgreSQL binaries, fsync.
# shellcheck shell=bash

# fail MESSAGE: one line on stderr, prefixed with the script's name, and exit 1.
fail() {
    printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}

# note MESSAGE: one line of progress on stderr.
note() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

# pg_tool NAME: the path of PostgreSQL's NAME (pg_basebackup, pg_verifybackup, ...): from
# $TENANTRY_PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian's layout), else PATH.
pg_tool() {
    local dir
    if [ -n "${TENANTRY_PG_BIN:-}" ]; then
        [ -x "$TENANTRY_PG_BIN/$1" ] || fail "$TENANTRY_PG_BIN/$1 is missing (TENANTRY_PG_BIN)"
        printf '%s\n' "$TENANTRY_PG_BIN/$1"
        return
    fi
    dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$dir" ] && [ -x "$dir/$1" ]; then
        printf '%s\n' "$dir/$1"
        return
    fi
    command -v "$1" >/dev/null 2>&1 || fail "$1 not found: install Debian's postgresql package or set TENANTRY_PG_BIN"
    command -v "$1"
}

# flush PATH...: fsync each file or directory (GNU coreutils' sync with arguments).
flush() {
    sync -- "$@" || fail "could not fsync $*"
}
