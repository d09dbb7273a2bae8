#!/bin/sh
# With no journal left, removes what a cleaning run that died while finishing left behind: the lock, a dead lease and the
# empty module directories. A live lease of another controller is left alone.
#
# arg lock     the journal lock file
# arg lease    the lease table
# arg journal  the journal
# arg cache    the base image cache directory
# arg token    this controller's token
# arg staging  the staging root of saves and restores
# stdin none
# exit 0 Ok tidied, or nothing to tidy
# exit 1 Failed the lock could not be taken
# uses fail journal-lock lease
[ -e "$3" ] && exit 0
[ -e "$1" ] || [ -e "$2" ] || [ -d "$4" ] || exit 0
lock_journal "$1"
[ -e "$3" ] && exit 0
lease_blocking "$2" "$5" '*' '*' lease && exit 0
rmdir -- "$4" 2>/dev/null
rmdir -- "$6" 2>/dev/null
rm -f -- "$2" "$1"
