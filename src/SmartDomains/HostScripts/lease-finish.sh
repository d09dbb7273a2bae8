#!/bin/sh
# The end of a cleaning run that left nothing: the host is back as it was. The journal, the lease, the (empty) module
# directories and the lock file go, in that order, unless the lease is no longer ours or the journal changed meanwhile.
#
# arg lock     the journal lock file
# arg lease    the clear lease file
# arg token    this controller's token
# arg journal  the journal
# arg lines    the journal's line count when it was last read
# arg cache    the base image cache directory
# arg staging  the staging root of saves and restores
# stdin none
# exit 0 Ok the host is clean
# exit 1 Failed the lock could not be taken
# exit 75 Busy the lease is another controller's now
# marker 75 the clear lease is no longer ours
# exit 76 Changed something was journaled since the plan was made
# marker 76 the journal changed meanwhile
# uses fail journal-lock lease
lock_journal "$1"
if [ -f "$2" ] && ! lease_is_ours "$2" "$3"; then fail 75 "the clear lease is no longer ours"; fi
if [ -f "$4" ] && [ "$(wc -l < "$4")" -ne "$5" ]; then fail 76 "the journal changed meanwhile; it is kept"; fi
rm -f -- "$4" || exit 1
rmdir -- "$6" 2>/dev/null
rmdir -- "$7" 2>/dev/null
rm -f -- "$2" "$1"
