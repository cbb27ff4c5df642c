#!/usr/bin/env bash
# Takes a base backup of the whole cluster with pg_basebackup and verifies it.
#
#   base-backup.sh BACKUP_ROOT [pg_basebackup connection options...]
#
# e.g.  base-backup.sh /var/backups/tenantry/base
#       base-backup.sh /var/backups/tenantry/base -h /var/run/postgresql -U postgres
#
# Connects like any libpq client (PGHOST, PGPORT, PGUSER or the options given; the login needs
# the REPLICATION attribute or superuser, and a pg_hba.conf "replication" line). Writes
# BACKUP_ROOT/<UTC time, e.g. 20250101T023000Z>/ holding:
#   base.tar.gz      the data directory (every database of the cluster, every tenant)
#   pg_wal.tar.gz    the WAL written during the backup (enough to make it consistent)
#   backup_manifest  every file's size and SHA-256, and the WAL range the backup needs
#   backup.info      label, start WAL segment, start and end times (read by restore and expire)
# The backup is made in BACKUP_ROOT/.partial-<time>, checked, and only then renamed into
# place: a directory without the leading dot is a complete, verified backup.
#
# Verification: PostgreSQL 15's pg_verifybackup reads plain-format backups only, so the tar
# files are extracted into a scratch directory inside the partial backup, verified there
# against the manifest (every file's checksum, and the WAL parsed from start to end), and the
# scratch is removed. Needs free space for about twice the uncompressed cluster meanwhile.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
    printf 'usage: %s BACKUP_ROOT [pg_basebackup connection options...]\n' "$(basename "$0")" >&2
    exit 2
}

[ "$#" -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
root=$1
shift
[ -d "$root" ] || fail "backup directory $root does not exist"
[ -w "$root" ] || fail "backup directory $root is not writable by $(id -un)"

pg_basebackup=$(pg_tool pg_basebackup)
pg_verifybackup=$(pg_tool pg_verifybackup)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$root/$stamp"
partial="$root/.partial-$stamp"
[ ! -e "$final" ] || fail "$final already exists: one backup per second at most"
trap 'rm -rf -- "$partial"' EXIT
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

note "backing up into $partial"
"$pg_basebackup" "$@" --pgdata="$partial" --format=tar --gzip --wal-method=stream \
    --checkpoint=fast --manifest-checksums=SHA256 --label="tenantry $stamp" --no-password \
    || fail "pg_basebackup failed (see above)"
[ -f "$partial/base.tar.gz" ] && [ -f "$partial/pg_wal.tar.gz" ] && [ -f "$partial/backup_manifest" ] \
    || fail "pg_basebackup left no base.tar.gz, pg_wal.tar.gz and backup_manifest in $partial (tablespaces are not supported)"

note "verifying against backup_manifest"
scratch="$partial/verify"
mkdir -m 0700 "$scratch" "$scratch/pg_wal"
tar -xzf "$partial/base.tar.gz" -C "$scratch" || fail "could not extract base.tar.gz"
tar -xzf "$partial/pg_wal.tar.gz" -C "$scratch/pg_wal" || fail "could not extract pg_wal.tar.gz"
"$pg_verifybackup" --quiet --manifest-path="$partial/backup_manifest" "$scratch" \
    || fail "pg_verifybackup found the backup in $partial damaged; it was not kept"
start_wal=$(sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]\{24\}\))$/\1/p' "$scratch/backup_label")
[ -n "$start_wal" ] || fail "no START WAL LOCATION in the backup's backup_label"
rm -rf -- "$scratch"

{
    printf 'label=tenantry %s\n' "$stamp"
    printf 'start_wal=%s\n' "$start_wal"
    printf 'started=%s\n' "$started"
    printf 'finished=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$partial/backup.info"
flush "$partial"/* "$partial"
mv -- "$partial" "$final" || fail "could not rename $partial to $final"
trap - EXIT
flush "$root"
printf '%s\n' "$final"
