#!/bin/sh
# refuse_existing PATH [OURS]: stops with 17 (Exists) when PATH (or a dangling link of that name) is there, unless OURS is
# "ours": the journal says the module made it, so it may be replaced.
refuse_existing() {
    if [ "${2:-}" != ours ] && { [ -e "$1" ] || [ -L "$1" ]; }; then
        fail 17 "refusing to overwrite $1"
    fi
}
