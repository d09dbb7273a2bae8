#!/bin/sh
# Removes the clear lease if it is still this controller's.
#
# arg lock   the journal lock file
# arg lease  the clear lease file
# arg token  this controller's token
# stdin none
# exit 0 Ok released, or not ours, or none
# exit 1 Failed the lock could not be taken
# uses fail journal-lock lease
[ -e "$2" ] || exit 0
lock_journal "$1"
if lease_is_ours "$2" "$3"; then rm -f -- "$2"; fi
