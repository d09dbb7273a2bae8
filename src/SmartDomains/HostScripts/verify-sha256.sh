#!/bin/sh
# Checks a file's SHA256, then (when a destination is given) moves it there: an upload or an unpacked disk goes into
# place only once it is known to be whole.
#
# arg file      the file
# arg sha256    its expected SHA256 (lowercase hex)
# arg moveTo    where it goes once it matches, or "" to leave it
# stdin none
# exit 0 Ok it matches (and was moved)
# exit 1 Failed hashing or moving failed
# exit 65 Corrupt the SHA256 differs
# marker 65 sha256 of
# exit 66 Missing the file is not there
# marker 66 is missing
# uses fail hash
[ -f "$1" ] || fail 66 "$1 is missing"
h=$(hf "$1") || exit 1
[ "$h" = "$2" ] || fail 65 "sha256 of $1 is $h, expected $2"
if [ -n "$3" ]; then mv -f -- "$1" "$3"; fi
