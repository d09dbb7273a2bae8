#!/bin/sh
# Takes or renews this controller's lease on a scope of the host (the whole host, a pool, or one domain of a pool), under
# the journal lock. A token holds one lease: its line is replaced. Expired lines go.
#
# arg lock     the journal lock file
# arg lease    the lease table
# arg token    this lease's token (one word)
# arg seconds  how long the lease lives
# arg who      who holds it and for what, for other controllers' messages (one line)
# arg pool     the pool it covers, or "*" for the whole host
# arg domain   the domain of that pool it covers, or "*" for all of them
# stdin none
# exit 0 Ok taken or renewed
# exit 1 Failed the lock or the write failed
# exit 64 Usage a token, scope or who that cannot be written as one lease line
# marker 64 not a lease scope
# exit 75 Busy another controller holds a live lease whose scope overlaps this one
# marker 75 busy: held by
# uses fail journal-lock lease lease-busy

# lease_word VALUE: stops with 64 (Usage) unless VALUE is "*" or a plain name (what XenNames allows), so a lease line
# always has its fields where they belong.
lease_word() {
    case $1 in
        '*') ;;
        '' | -* | *[!A-Za-z0-9_.-]*) fail 64 "not a lease scope: $1" ;;
    esac
}
lease_word "$6"
lease_word "$7"
case $3 in '' | *[[:space:]]*) fail 64 "not a lease scope: the token is empty or holds a space" ;; esac
case $5 in *'
'*) fail 64 "not a lease scope: who holds it spans lines" ;; esac
lock_journal "$1"
if lease_blocking "$2" "$3" "$6" "$7" lease; then lease_busy "the lease is not taken"; fi
{
    lease_others "$2" "$3"
    printf '%s %s %s %s %s\n' "$3" "$(($(date +%s) + $4))" "$6" "$7" "$5"
} > "$2.new" || exit 1
mv -f -- "$2.new" "$2" || exit 1
