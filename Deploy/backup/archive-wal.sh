#!/usr/bin/env bash
# PostgreSQL's archive_command: copies one finished WAL segment (or history/backup file) into the
# WAL archive, durably and atomically.
#
#   archive-wal.sh ARCHIVE_DIR %p %f
#
# postgresql.conf:  archive_command = '/usr/local/lib/tenantry/backup/archive-wal.sh /var/backups/tenantry/wal "%p" "%f"'
#
# The copy is written to a temporary name in ARCHIVE_DIR, fsynced, then linked to its final
# name (a link never replaces an existing file) and the directory fsynced. When the name is
# already archived the script succeeds if the two files are identical (a retry after a crash
# between the copy and PostgreSQL's bookkeeping) and refuses, exit 1, if they differ: never
# overwrite an archived segment. Any failure exits non-zero, and PostgreSQL retries later.
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
    printf 'usage: %s ARCHIVE_DIR WAL_PATH WAL_NAME   (archive_command: ... ARCHIVE_DIR "%%p" "%%f")\n' "$(basename "$0")" >&2
    exit 2
}

[ "$#" -eq 3 ] || usage
archive=$1 source=$2 name=$3
case "$name" in
    "" | */* | .*) fail "invalid WAL file name '$name'" ;;
esac
[ -d "$archive" ] || fail "archive directory $archive does not exist"
[ -f "$source" ] || fail "WAL file $source does not exist"
target="$archive/$name"

if [ -e "$target" ]; then
    cmp -s -- "$source" "$target" || fail "refusing to overwrite $target: the archived copy differs from $source"
    exit 0
fi

temporary="$archive/.$name.partial.$$"
trap 'rm -f -- "$temporary"' EXIT
cp -- "$source" "$temporary" || fail "could not copy $source to $temporary"
flush "$temporary"
if ! ln -- "$temporary" "$target" 2>/dev/null; then
    # Another archiver got there first: fine only if it archived the same bytes.
    [ -e "$target" ] || fail "could not link $temporary to $target"
    cmp -s -- "$source" "$target" || fail "refusing to overwrite $target: the archived copy differs from $source"
fi
rm -f -- "$temporary"
flush "$archive"
