#!/bin/sh
# Streams the members of a saved image to stdout as a sparse-aware tar through the compressor (zstd, else pigz, else
# gzip), for a repository on the controller: nothing is written on the host but scratch files in the temp directory. The
# tar stream is hashed as it enters the compressor, and the compressed stream as it leaves. stdout is the archive and
# nothing else; what a report says goes to stderr as lines starting "smartdomains-report: ": "compression C" first, then,
# once every stage has succeeded, one "member NAME SIZE" per member, "stream SHA256" (the tar stream) and
# "archive FILE SIZE SHA256" (FILE the name to store it as).
#
# arg temp     the save's temp directory (holds memory.save)
# arg base     the archive's base name
# arg members...  pairs of member name and source path
# stdin none
# exit 0 Ok streamed; the report is complete
# exit 1 Failed a step failed (its name on stderr); the stream is not an archive to keep
# exit 66 Missing a source is not a regular file
# marker 66 is not a regular file
# exit 127 ToolMissing tar is missing
# marker 127 is missing
# uses fail need hash archive
t=$1; b=$2; shift 2
# The archive goes to fd 3; anything else a tool prints goes to stderr, so it cannot end up inside the archive.
exec 3>&1 1>&2
need tar mkfifo dd
report() { printf 'smartdomains-report: %s\n' "$*" >&2; }
archive_members "$t" "$@"
archive_compressor
# shellcheck disable=SC2154 # archive_compressor (lib/archive.sh) sets it
report "compression $archive_c"
archive_hash "$t" t
archive_hash "$t" a
rm -f -- "$t/a-len" && mkfifo -- "$t/a-len" || exit 1
{ wc -c < "$t/a-len" > "$t/a-bytes"; } &
archive_pids="$archive_pids $!"
# dd hands the channel whole 4 MiB blocks: sshd then sends full packets back to back, and SSH.NET on the controller spends
# about 0.6x the CPU it spends on the trickle of small writes zstd and tee make (1.1 s against 1.8 s per 133 MiB here).
archive_tar "$t" | { tee -- "$t/a-sum" "$t/a-len"; echo $? > "$t/rc.tee"; } |
    { dd ibs=128k obs=4M status=none >&3; echo $? > "$t/rc.out"; }
archive_check "$t" '' tar ttee z tee out
archive_members_report "$t" | while IFS= read -r line; do report "$line"; done
# shellcheck disable=SC2154 # archive_compressor (lib/archive.sh) sets it
report "archive $b.tar.$archive_e $(tr -d ' ' < "$t/a-bytes") $(cat "$t/a-sha")"
archive_tidy "$t"
