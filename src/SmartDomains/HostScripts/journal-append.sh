#!/bin/sh
# Appends one JSON line to the host journal under the journal lock. While another controller holds a live lease that covers
# the entry (a lease of the whole host, of the entry's pool, or of its domain), nothing is appended, so nothing in that
# scope can be made meanwhile; an entry of no pool (a shared base image) is only the whole host's.
#
# arg lock     the journal lock file (its directory is made on first use)
# arg journal  the journal
# arg line     the JSON line
# arg lease    the lease table
# arg token    this writer's lease token, or "" for none
# arg pool     the entry's pool, or "" for none
# arg domain   the entry's domain, or "" for none
# stdin none
# exit 0 Ok appended
# exit 1 Failed the lock or the write failed
# exit 75 Busy another controller holds a lease that covers the entry
# marker 75 busy: held by
# uses fail journal-lock lease lease-busy
lock_journal "$1"
if lease_blocking "$4" "$5" "$6" "$7" entry; then lease_busy "nothing is made there meanwhile"; fi
printf '%s\n' "$3" >> "$2"
