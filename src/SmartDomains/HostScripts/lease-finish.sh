#!/bin/sh
# The end of a cleaning run that left nothing: the host is back as it was. The journal, the lease, the (empty) module
# directories and the lock file go, in that order, unless another controller holds a live lease or the journal changed
# meanwhile.
#
# arg lock     the journal lock file
# arg lease    the lease table
# arg token    this controller's token
# arg journal  the journal
# arg lines    the journal's line count when it was last read
# arg cache    the base image cache directory
# arg staging  the staging root of saves and restores
# stdin none
# exit 0 Ok the host is clean
# exit 1 Failed the lock could not be taken
# exit 75 Busy another controller holds a live lease on the host
# marker 75 busy: held by
# exit 76 Changed something was journaled since the plan was made
# marker 76 the journal changed meanwhile
# uses fail journal-lock lease lease-busy
lock_journal "$1"
if lease_blocking "$2" "$3" '*' '*' lease; then lease_busy "the journal is kept"; fi
if [ -f "$4" ] && [ "$(wc -l < "$4")" -ne "$5" ]; then fail 76 "the journal changed meanwhile; it is kept"; fi
rm -f -- "$4" || exit 1
rmdir -- "$6" 2>/dev/null
rmdir -- "$7" 2>/dev/null
rm -f -- "$2" "$1"
