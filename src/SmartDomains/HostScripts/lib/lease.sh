#!/bin/sh
# The lease table: one line per lease, "TOKEN UNTIL POOL DOMAIN WHO...". POOL "*" is the whole host; DOMAIN "*" is every
# domain of POOL; a field that is not a name counts as "*". A lease covers a journal entry of its scope (an entry of no
# pool is the whole host's), and two leases conflict when their scopes overlap; LeaseScope in C# states the same rules.
# Run every function with the journal lock held.

# lease_covers LPOOL LDOMAIN POOL DOMAIN: true when a lease of LPOOL/LDOMAIN covers an entry of POOL/DOMAIN.
lease_covers() {
    [ "$1" = '*' ] && return 0
    [ -n "$3" ] && [ "$1" = "$3" ] || return 1
    [ "$2" = '*' ] || [ "$2" = "$4" ]
}
# lease_overlaps POOL1 DOMAIN1 POOL2 DOMAIN2: true when two lease scopes overlap.
lease_overlaps() {
    [ "$1" = '*' ] || [ "$3" = '*' ] && return 0
    [ "$1" = "$3" ] || return 1
    [ "$2" = '*' ] || [ "$4" = '*' ] || [ "$2" = "$4" ]
}
# lease_blocking LEASE TOKEN POOL DOMAIN MODE: true when a live lease not TOKEN's covers (MODE entry) or overlaps (MODE
# lease) POOL/DOMAIN. Sets lease_who and lease_until (epoch seconds) of the first such lease, for lease_busy
# (lib/lease-busy.sh).
lease_blocking() {
    [ -f "$1" ] || return 1
    _lease_now=$(date +%s)
    while read -r _lt _lu _lp _ld _lw; do
        [ "$_lt" != "$2" ] || continue
        [ "${_lu:-0}" -gt "$_lease_now" ] 2>/dev/null || continue
        # A field that is not a name (an older version's "TOKEN UNTIL WHO" line) counts as the whole host: the safe reading.
        case $_lp in '' | -* | *[!A-Za-z0-9_.-]*) _lp='*' _ld='*' ;; esac
        case $_ld in '' | -* | *[!A-Za-z0-9_.-]*) _ld='*' ;; esac
        if [ "$5" = entry ]; then lease_covers "$_lp" "$_ld" "$3" "$4" || continue
        else lease_overlaps "$_lp" "$_ld" "$3" "$4" || continue
        fi
        # shellcheck disable=SC2034 # lease_who and lease_until are for the caller's message
        lease_who=$_lw lease_until=$_lu
        return 0
    done < "$1"
    return 1
}
# lease_others LEASE TOKEN: prints the live lines that are not TOKEN's (what a rewrite of the table keeps).
lease_others() {
    [ -f "$1" ] || return 0
    _lease_now=$(date +%s)
    while read -r _lt _lu _lr; do
        if [ "$_lt" != "$2" ] && [ "${_lu:-0}" -gt "$_lease_now" ] 2>/dev/null; then printf '%s %s %s\n' "$_lt" "$_lu" "$_lr"; fi
    done < "$1"
}
