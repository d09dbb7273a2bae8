#!/bin/sh
# Removes this token's lease from the lease table (and the table when nothing live is left in it).
#
# arg lock   the journal lock file
# arg lease  the lease table
# arg token  this lease's token
# stdin none
# exit 0 Ok released, or not ours, or none
# exit 1 Failed the lock could not be taken
# uses fail journal-lock lease
[ -e "$2" ] || exit 0
lock_journal "$1"
[ -e "$2" ] || exit 0
lease_others "$2" "$3" > "$2.new" || exit 1
if [ -s "$2.new" ]; then mv -f -- "$2.new" "$2"; else rm -f -- "$2.new" "$2"; fi
