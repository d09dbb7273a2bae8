#!/bin/sh
# Takes or renews the clear lease ("TOKEN UNTIL WHO"), under the journal lock.
#
# arg lock     the journal lock file
# arg lease    the clear lease file
# arg token    this controller's token
# arg seconds  how long the lease lives
# arg who      who holds it, for other controllers' messages
# stdin none
# exit 0 Ok taken or renewed
# exit 1 Failed the lock or the write failed
# exit 75 Busy another controller holds a live lease
# marker 75 the host is being cleaned by
# uses fail journal-lock lease
lock_journal "$1"
if lease_held_elsewhere "$2" "$3"; then
    # shellcheck disable=SC2154 # lease_held_elsewhere (lib/lease.sh) sets them
    fail 75 "the host is being cleaned by $lease_who (lease until $lease_until)"
fi
printf '%s %s %s\n' "$3" "$(( $(date +%s) + $4 ))" "$5" > "$2"
