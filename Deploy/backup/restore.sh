#!/usr/bin/env bash
# Restores a base backup into a NEW data directory, set up to replay the WAL archive up to a
# point in time and then promote (point-in-time recovery). Never touches an existing cluster.
#
#   restore.sh BACKUP_DIR WAL_ARCHIVE NEW_DATA_DIR TARGET_TIME
#
# e.g.  restore.sh /var/backups/tenantry/base/20250101T023000Z /var/backups/tenantry/wal \
#           /var/lib/postgresql/15/restored '2025-01-01 14:05:00+00'
#
# BACKUP_DIR is one directory base-backup.sh made; choose the newest whose backup finished
# (backup.info) before TARGET_TIME. TARGET_TIME is a PostgreSQL timestamp with a time zone;
# `latest` replays every archived segment instead. NEW_DATA_DIR must not exist, or be an
# empty directory. Run as the user that will run the server (postgres): the files keep it as
# owner. The backup is extracted into NEW_DATA_DIR.partial, checked against its manifest with
# pg_verifybackup, given restore_command and the recovery target in postgresql.auto.conf and
# a recovery.signal, and only then renamed to NEW_DATA_DIR.
#
# Then start a server on NEW_DATA_DIR (pg_ctl -D NEW_DATA_DIR start, on a port or socket of
# its own, with archive_mode off or another archive): it replays the archive up to
# TARGET_TIME, promotes to a new timeline and accepts writes. Its log says
# "recovery stopping before commit of transaction …, time …" and "archive recovery complete".
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
    printf 'usage: %s BACKUP_DIR WAL_ARCHIVE NEW_DATA_DIR TARGET_TIME|latest\n' "$(basename "$0")" >&2
    exit 2
}

[ "$#" -eq 4 ] || usage
backup=$1 archive=$2 target=$3 time=$4
[ -f "$backup/backup_manifest" ] && [ -f "$backup/base.tar.gz" ] && [ -f "$backup/pg_wal.tar.gz" ] \
    || fail "$backup is not a complete backup (base.tar.gz, pg_wal.tar.gz, backup_manifest)"
[ -d "$archive" ] || fail "WAL archive $archive does not exist"
case "$archive" in /*) ;; *) fail "WAL archive $archive must be an absolute path (the server reads it)" ;; esac
case "$target" in /*) ;; *) fail "NEW_DATA_DIR $target must be an absolute path" ;; esac
[ -n "$time" ] || fail "TARGET_TIME is empty"
if [ -e "$target" ] && [ -n "$(ls -A -- "$target" 2>/dev/null || echo unreadable)" ]; then
    fail "refusing to restore into $target: it exists and is not empty (restore into a new directory)"
fi
partial="$target.partial"
[ ! -e "$partial" ] || fail "$partial exists (an earlier restore stopped midway?): remove it first"

if [ "$time" != latest ] && [ -f "$backup/backup.info" ]; then
    started=$(sed -n 's/^started=//p' "$backup/backup.info")
    if wanted=$(date -u -d "$time" +%s 2>/dev/null) && begun=$(date -u -d "$started" +%s 2>/dev/null); then
        [ "$wanted" -ge "$begun" ] || fail "TARGET_TIME $time is before this backup started ($started): choose an older backup"
    fi
fi

pg_verifybackup=$(pg_tool pg_verifybackup)
trap 'rm -rf -- "$partial"' EXIT
mkdir -m 0700 "$partial" "$partial/pg_wal.restore"
note "extracting $backup into $partial"
tar -xzf "$backup/base.tar.gz" -C "$partial" || fail "could not extract base.tar.gz"
tar -xzf "$backup/pg_wal.tar.gz" -C "$partial/pg_wal.restore" || fail "could not extract pg_wal.tar.gz"
# The backup's pg_wal is empty in base.tar; the streamed WAL goes there.
find "$partial/pg_wal.restore" -mindepth 1 -maxdepth 1 -exec mv -t "$partial/pg_wal" -- {} +
rmdir "$partial/pg_wal.restore"
"$pg_verifybackup" --quiet --manifest-path="$backup/backup_manifest" "$partial" \
    || fail "pg_verifybackup found the extracted backup damaged; nothing was restored"
rm -f -- "$partial/postmaster.pid" "$partial/postmaster.opts"

# A postgresql.conf string literal: quotes doubled.
literal() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
{
    printf '\n# Point-in-time recovery, written by restore.sh from %s\n' "$backup"
    printf 'restore_command = %s\n' "$(literal "cp '$archive/%f' '%p'")"
    if [ "$time" != latest ]; then
        printf 'recovery_target_time = %s\n' "$(literal "$time")"
        printf "recovery_target_action = 'promote'\n"
    fi
    printf "recovery_target_timeline = 'latest'\n"
} >> "$partial/postgresql.auto.conf"
: > "$partial/recovery.signal"
chmod 0700 "$partial"
flush "$partial/postgresql.auto.conf" "$partial/recovery.signal" "$partial"

if [ -e "$target" ]; then
    rmdir -- "$target" || fail "could not replace the empty directory $target"
fi
mv -T -- "$partial" "$target" || fail "could not rename $partial to $target"
trap - EXIT
flush "$(dirname "$target")"
note "restored into $target: start a server on it to replay the WAL up to $time and promote"
printf '%s\n' "$target"
