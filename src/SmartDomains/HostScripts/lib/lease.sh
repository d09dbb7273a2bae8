#!/bin/sh
# lease_held_elsewhere LEASE TOKEN: true when LEASE ("TOKEN UNTIL WHO") is live and not TOKEN's. Sets lease_who and
# lease_until for the message. Run with the journal lock held.
lease_held_elsewhere() {
    [ -f "$1" ] || return 1
    # shellcheck disable=SC2034 # lease_who and lease_until are for the caller's message
    read -r _lease_holder lease_until lease_who < "$1" || return 1
    [ "$_lease_holder" != "$2" ] || return 1
    [ "${lease_until:-0}" -gt "$(date +%s)" ] 2>/dev/null
}
# lease_is_ours LEASE TOKEN: true when LEASE names TOKEN as its holder.
lease_is_ours() {
    read -r _lease_holder _ < "$1" && [ "$_lease_holder" = "$2" ]
}
