#!/bin/sh
# Checks a file an upload made afresh from a sparse source's data ranges (a base image), then (when a destination is
# given) moves it there: its size, and the SHA256 of its bytes in the ranges, in order. The holes are not read: the
# upload wrote only those ranges into a new file, so everything else is zeros by construction, as it was where the sender
# hashed it (the sender's SHA256 of the whole file covers them).
#
# arg file      the file
# arg size      its expected size in bytes
# arg sha256    the expected SHA256 of the ranges' bytes (lowercase hex)
# arg moveTo    where it goes once it matches, or "" to leave it
# stdin the ranges, one "OFFSET LENGTH" a line, in order; OFFSET a multiple of 65536, LENGTH too unless the range ends the file
# exit 0 Ok it matches (and was moved)
# exit 1 Failed reading or moving failed
# exit 65 Corrupt the size or the SHA256 differs
# marker 65 sha256 of
# exit 66 Missing the file is not there
# marker 66 is missing
# uses fail hash
[ -f "$1" ] || fail 66 "$1 is missing"
z=$(stat -c %s -- "$1") || exit 1
[ "$z" = "$2" ] || fail 65 "sha256 of $1 is not checked: it has $z bytes, expected $2"
# dd reads the file, not stdin: the loop's stdin is the list of ranges.
h=$(while read -r o l; do
        dd if="$1" bs=65536 skip=$((o / 65536)) count=$(((l + 65535) / 65536)) status=none || echo "unreadable" >&2
    done | hs) || exit 1
[ "$h" = "$3" ] || fail 65 "sha256 of the data ranges of $1 is $h, expected $3"
if [ -n "$4" ]; then mv -f -- "$1" "$4"; fi
