#!/bin/sh
# Archives the members of a saved image into a directory on the host (a repository there, -OnHost): the tar stream is
# hashed as it enters the compressor (zstd, else pigz, else gzip). Prints "compression C", one "member NAME SIZE" per
# member, "stream SHA256" (the tar stream) and "archive FILE SIZE SHA256" (the SHA256 of the compressed stream as it
# was written).
#
# arg temp     the save's temp directory (holds memory.save)
# arg outDir   the directory the archive goes to
# arg base     the archive's base name
# arg members...  pairs of member name and source path
# stdin none
# exit 0 Ok archived
# exit 1 Failed a step failed (its name on stderr); the half-written archive is removed
# exit 66 Missing a source is not a regular file
# marker 66 is not a regular file
# exit 127 ToolMissing tar is missing
# marker 127 is missing
# uses fail need hash archive
t=$1; o=$2; b=$3; shift 3
need tar mkfifo
mkdir -p -- "$o" || exit 1
archive_members "$t" "$@"
archive_compressor
# shellcheck disable=SC2154 # archive_compressor (lib/archive.sh) sets it
echo "compression $archive_c"
# shellcheck disable=SC2154 # archive_compressor (lib/archive.sh) sets it
a="$o/$b.tar.$archive_e"
archive_hash "$t" t
h=$(archive_tar "$t" | { tee "$a"; echo $? > "$t/rc.tee"; } | hs) || { rm -f -- "$a"; exit 1; }
archive_check "$t" "$a" tar ttee z tee
archive_members_report "$t"
archive_tidy "$t"
echo "archive ${a##*/} $(stat -c %s -- "$a") $h"
