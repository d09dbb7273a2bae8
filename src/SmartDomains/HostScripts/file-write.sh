#!/bin/sh
# Writes a file atomically from standard input (a temp file beside it, then a rename), making its directory. A file that
# is there already is replaced only when the journal says the module wrote it.
#
# arg path  the file
# arg ours  "ours" when the journal says the module wrote the file there, else "new"
# stdin the content
# exit 0 Ok written
# exit 1 Failed the directory, the temp file or the rename failed
# exit 17 Exists the file is there and the module did not write it
# marker 17 refusing to overwrite
# uses fail refuse
refuse_existing "$1" "$2"
case $1 in */*) d=${1%/*}; d=${d:-/};; *) d=.;; esac
[ -d "$d" ] || mkdir -p -- "$d" || exit 1
umask 022
cat > "$1.sd-tmp" || exit 1
mv -f -- "$1.sd-tmp" "$1"
