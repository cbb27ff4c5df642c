#!/usr/bin/env bash
# Retention: keeps the newest KEEP verified base backups and the WAL they need, deletes the rest.
#
#   expire-backups.sh BACKUP_ROOT WAL_ARCHIVE KEEP [--dry-run]
#
# e.g.  expire-backups.sh /var/backups/tenantry/base /var/backups/tenantry/wal 14
#
# A base backup is a directory of BACKUP_ROOT named by base-backup.sh (a UTC time); the
# newest KEEP of them stay, older ones are removed. Then every WAL segment in WAL_ARCHIVE older
# than the oldest kept backup's start segment (backup.info's start_wal) is removed with
# pg_archivecleanup, so any time from the oldest kept backup's end up to the last archived
# segment stays restorable. Leftover temporary files of archive-wal.sh and of stopped
# base-backup.sh runs older than a day go too. Counting backups rather than days means failed
# nightly backups never expire the last good one. --dry-run prints what would go.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
    printf 'usage: %s BACKUP_ROOT WAL_ARCHIVE KEEP [--dry-run]\n' "$(basename "$0")" >&2
    exit 2
}

[ "$#" -eq 3 ] || [ "$#" -eq 4 ] || usage
root=$1 archive=$2 keep=$3 dry=${4:-}
[ -z "$dry" ] || [ "$dry" = --dry-run ] || usage
case "$keep" in '' | *[!0-9]*) fail "KEEP must be a whole number of backups, at least 1" ;; esac
[ "$keep" -ge 1 ] || fail "KEEP must be at least 1: expiring every backup is never what you want"
[ -d "$root" ] || fail "backup directory $root does not exist"
[ -d "$archive" ] || fail "WAL archive $archive does not exist"

mapfile -t backups < <(find "$root" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' -printf '%f\n' | sort)
[ "${#backups[@]}" -ge 1 ] || fail "no base backup in $root: nothing to keep, so nothing is expired"
count=${#backups[@]}
expired=$(( count > keep ? count - keep : 0 ))
oldest_kept=${backups[$expired]}
start_wal=$(sed -n 's/^start_wal=//p' "$root/$oldest_kept/backup.info" 2>/dev/null || true)
[ -n "$start_wal" ] || fail "$root/$oldest_kept/backup.info has no start_wal: cannot tell which WAL it needs"

remove() {
    if [ -n "$dry" ]; then printf 'would remove %s\n' "$1"; else rm -rf -- "$1"; note "removed $1"; fi
}
for name in "${backups[@]:0:$expired}"; do
    remove "$root/$name"
done
pg_archivecleanup=$(pg_tool pg_archivecleanup)
if [ -n "$dry" ]; then
    "$pg_archivecleanup" -n "$archive" "$start_wal" || fail "pg_archivecleanup failed"
else
    "$pg_archivecleanup" "$archive" "$start_wal" || fail "pg_archivecleanup failed"
fi
find "$root" -mindepth 1 -maxdepth 1 -name '.partial-*' -mmin +1440 -print0 \
    | while IFS= read -r -d '' stale; do remove "$stale"; done
find "$archive" -mindepth 1 -maxdepth 1 -name '.*.partial.*' -mmin +1440 -print0 \
    | while IFS= read -r -d '' stale; do remove "$stale"; done
note "kept ${backups[*]:$expired} and WAL from $start_wal on"
