#!/bin/sh
# Appends one JSON line to the host journal under the journal lock. While another controller holds a live clear lease
# (Clear-XenHost, Remove-XenPool), nothing is appended, so nothing can be made on the host.
#
# arg lock     the journal lock file (its directory is made on first use)
# arg journal  the journal
# arg line     the JSON line
# arg lease    the clear lease file
# arg token    this writer's lease token, or "" for none
# stdin none
# exit 0 Ok appended
# exit 1 Failed the lock or the write failed
# exit 75 Busy another controller is cleaning the host
# marker 75 the host is being cleaned by
# uses fail journal-lock lease
lock_journal "$1"
if lease_held_elsewhere "$4" "$5"; then
    # shellcheck disable=SC2154 # lease_held_elsewhere (lib/lease.sh) sets them
    fail 75 "the host is being cleaned by $lease_who (lease until $lease_until); nothing is made meanwhile"
fi
printf '%s\n' "$3" >> "$2"
