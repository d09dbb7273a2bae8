#!/bin/sh
# lease_busy WHAT: stops with 75 (Busy), naming the lease lease_blocking found, its end in UTC and how far off that is.
# shellcheck disable=SC2154 # lease_blocking (lib/lease.sh) sets lease_who and lease_until
lease_busy() {
    _lease_at=$(date -u -d "@$lease_until" '+%Y-%m-%d %H:%M:%S UTC' 2>/dev/null) ||
        _lease_at=$(date -u -r "$lease_until" '+%Y-%m-%d %H:%M:%S UTC' 2>/dev/null) || _lease_at='a time this host cannot print'
    fail 75 "busy: held by $lease_who until $_lease_at, $((lease_until - $(date +%s))) s from now; $1"
}
