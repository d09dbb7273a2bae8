#!/bin/sh
# Removes a directory the module made, only when it is empty: what others put in it is never removed. "check" only
# refuses a directory that holds something, so the refusal comes before the journal says undo.
#
# arg mode  check or remove
# arg dir   the directory
# stdin none
# exit 0 Ok removed (or checked), or not there
# exit 1 Failed rmdir failed
# exit 39 NotEmpty it holds something
# marker 39 is not empty
# uses fail
[ -d "$2" ] || exit 0
[ -z "$(ls -A -- "$2")" ] || fail 39 "$2 is not empty"
[ "$1" = check ] || rmdir -- "$2"
