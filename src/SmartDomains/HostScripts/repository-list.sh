#!/bin/sh
# Lists an image repository on a host: "@@dir NAME" per image directory, then "@@file NAME SIZE" per archive in it, then
# "@@manifest" and the manifest's text. Nothing when the repository does not exist.
#
# arg repository  the repository directory
# stdin none
# exit 0 Ok listed
[ -d "$1" ] || exit 0
for d in "$1"/*; do
    [ -d "$d" ] || continue
    echo "@@dir ${d##*/}"
    for f in "$d"/*.tar.*; do
        if [ -f "$f" ]; then echo "@@file ${f##*/} $(stat -c %s -- "$f")"; fi
    done
    if [ -f "$d/manifest.json" ]; then echo '@@manifest'; cat "$d/manifest.json"; echo; fi
done
