#!/bin/sh
# Hashes and archives the members of a saved image in one pass: each member is hashed in the background while tar and the
# compressor (zstd, else pigz, else gzip) run. A qcow2 with a backing file is flattened first, so the image restores
# anywhere. Prints "compression C", one "member NAME SIZE SHA256" per member and "archive FILE SIZE SHA256" (the SHA256 of
# the compressed stream as it was written).
#
# arg temp     the save's temp directory (holds memory.save)
# arg outDir   the directory the archive goes to
# arg base     the archive's base name
# arg members...  pairs of member name and source path
# stdin none
# exit 0 Ok archived
# exit 1 Failed a step failed (its name on stderr); the half-written archive is removed
# exit 66 Missing a source is not a regular file
# marker 66 is not a regular file
# exit 127 ToolMissing tar is missing
# marker 127 is missing
# uses fail need hash
t=$1; o=$2; b=$3; shift 3
need tar
rm -rf -- "$t/m" && mkdir -p -- "$t/m" "$o" || exit 1
names=''; pids=''
trap 'for pid in $pids; do kill "$pid" 2>/dev/null; done' EXIT
while [ $# -ge 2 ]; do
    n=$1; p=$2; shift 2
    [ -f "$p" ] || fail 66 "$p is not a regular file"
    if command -v qemu-img >/dev/null 2>&1 && qemu-img info --output=json "$p" 2>/dev/null | grep -q '"backing-filename"'; then
        qemu-img convert -O qcow2 "$p" "$t/flat-$n" || exit 1
        p="$t/flat-$n"
    fi
    s=$(stat -L -c %s -- "$p") || exit 1
    echo "$s" > "$t/s-$n" || exit 1
    { hf "$p" > "$t/h-$n"; } &
    pids="$pids $!"
    ln -s -- "$p" "$t/m/$n" || exit 1
    names="$names $n"
done
if command -v zstd >/dev/null 2>&1; then c=zstd; e=zst
elif command -v pigz >/dev/null 2>&1; then c=pigz; e=gz
else c=gzip; e=gz; fi
echo "compression $c"
a="$o/$b.tar.$e"
rm -f -- "$t/rc.tar" "$t/rc.z" "$t/rc.tee"
# Each stage writes its own exit code: a pipeline's status is only its last command's.
# shellcheck disable=SC2086 # the member names are Xen-safe words, split on purpose
h=$( { { (cd "$t/m" && tar -S -h -cf - $names); echo $? > "$t/rc.tar"; } |
    { case $c in zstd) zstd -q -T0 -c;; pigz) pigz -c;; *) gzip -c;; esac; echo $? > "$t/rc.z"; } |
    { tee "$a"; echo $? > "$t/rc.tee"; } | hs; } ) || exit 1
hashed=0
for pid in $pids; do wait "$pid" || hashed=1; done
pids=''
for r in tar z tee; do
    v=$(cat "$t/rc.$r" 2>/dev/null || echo 1)
    if [ "$v" != 0 ]; then rm -f -- "$a"; fail 1 "$r failed ($v)"; fi
done
if [ $hashed != 0 ]; then rm -f -- "$a"; fail 1 "hashing a member failed"; fi
for n in $names; do echo "member $n $(cat "$t/s-$n") $(cat "$t/h-$n")"; done
rm -rf -- "$t/m" "$t"/flat-* "$t"/s-* "$t"/h-* "$t/rc.tar" "$t/rc.z" "$t/rc.tee"
echo "archive ${a##*/} $(stat -c %s -- "$a") $h"
