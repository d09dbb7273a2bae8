#!/bin/sh
# The filesystem that holds a path, as df -P -B1's last line: FILESYSTEM SIZE USED FREE USE% MOUNT (in bytes).
#
# arg path  the path
# stdin none
# exit 0 Ok one line
df -P -B1 -- "$1" | tail -n 1
