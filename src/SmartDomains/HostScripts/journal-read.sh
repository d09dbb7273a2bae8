#!/bin/sh
# Prints the journal's lines; nothing when the host has no journal yet.
#
# arg journal  the journal
# stdin none
# exit 0 Ok printed (or no journal)
# exit 1 Failed the journal could not be read
if [ -f "$1" ]; then cat "$1"; fi
