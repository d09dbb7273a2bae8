#!/bin/sh
# The last lines of each file, each file after a header line "\nMARKER 1" (it was read) or "\nMARKER 0" (it is not
# there or cannot be read). Files are named by position, so their names never need parsing back.
#
# arg lines     how many lines of each file, at most
# arg marker    the header line's first word
# arg files...  the files
# stdin none
# exit 0 Ok every file reported
lines=$1
marker=$2
shift 2
for f in "$@"; do
    if [ -f "$f" ] && [ -r "$f" ]; then
        printf '\n%s 1\n' "$marker"
        tail -n "$lines" -- "$f"
    else
        printf '\n%s 0\n' "$marker"
    fi
done
