#!/bin/sh
# One line per path: "0" when absent, else "1 SIZE d" for a directory or "1 SIZE f" for anything else (SIZE of what a
# link points to, -1 when it cannot be read).
#
# arg paths...  the paths
# stdin none
# exit 0 Ok one line per path
for p in "$@"; do
    if [ -e "$p" ] || [ -L "$p" ]; then
        s=$(stat -L -c %s -- "$p" 2>/dev/null || echo -1)
        if [ -d "$p" ]; then echo "1 $s d"; else echo "1 $s f"; fi
    else
        echo 0
    fi
done
