#!/bin/sh
# Unpacks a saved image's archive and verifies it. One pass hashes the archive while tar lists it: the SHA256 must match,
# and every entry must be a regular file named by a member, once (no link, device, directory, absolute path or '..').
# A second pass extracts only those names into TEMP/m while the decompressed tar stream is hashed (format 2: that SHA256
# must match, so what was extracted is what was saved, holes included, without reading a hole). Then each member must be
# a regular file of its size, and in format 1 have its own SHA256 (holes read as zeros, as format 1 recorded them).
#
# arg temp         the restore's temp directory
# arg archive      the archive
# arg sha256       the archive's expected SHA256
# arg compression  zstd, pigz or gzip (as the manifest says)
# arg stream       the tar stream's expected SHA256 (format 2), or "" (format 1)
# arg members...   triples of member name, size in bytes and expected SHA256 ("" in format 2)
# stdin none
# exit 0 Ok unpacked and verified
# exit 1 Failed a step failed
# exit 65 Corrupt a checksum or size differs, or the archive holds an entry it must not, or does not unpack
# marker 65 the archive
# exit 127 ToolMissing the decompressor or tar is missing
# marker 127 is missing
# uses fail need hash
t=$1; a=$2; x=$3; c=$4; ts=$5; shift 5
case $c in
    zstd) d=zstd;;
    *) if command -v pigz >/dev/null 2>&1; then d=pigz; else d=gzip; fi;;
esac
need "$d" tar mkfifo
rm -rf -- "$t/m" && mkdir -p -- "$t/m" || exit 1
names=' '
: > "$t/names" || exit 1
k=0
for v in "$@"; do
    if [ $k = 0 ]; then names="$names$v "; printf '%s\n' "$v" >> "$t/names" || exit 1; fi
    k=$(( (k + 1) % 3 ))
done
hash_fifo "$t" a
# A corrupt archive stops the decompressor and so the tee: the hash of what was read then differs, which is the finding.
l=$(tee -- "$t/a-sum" < "$a" | "$d" -dc | tar -tvf -); listed=$?
# shellcheck disable=SC2154 # hash_fifo (lib/hash.sh) sets it
wait "$hash_pid" || exit 1
h=$(cat "$t/a-sha")
[ "$h" = "$x" ] || fail 65 "sha256 of the archive $a is $h, expected $x"
[ $listed = 0 ] || fail 65 "the archive $a does not unpack"
seen=' '
while IFS= read -r e; do
    [ -n "$e" ] || continue
    m=${e##* }
    case $e in -*) ;; *) fail 65 "the archive $a holds an entry that is not a regular file: $e";; esac
    case $names in *" $m "*) ;; *) fail 65 "the archive $a holds an entry the manifest does not list: $e";; esac
    case $seen in *" $m "*) fail 65 "the archive $a holds $m twice";; esac
    seen="$seen$m "
done <<LISTING
$l
LISTING
hash_fifo "$t" t
# tar may stop at the end-of-archive blocks: cat drains the rest, so the hash sees the whole stream.
{ "$d" -dc < "$a"; echo $? > "$t/rc.d"; } | { tee -- "$t/t-sum"; echo $? > "$t/rc.tee"; } |
    { (cd "$t/m" && tar --no-same-owner -xf - --verbatim-files-from -T "$t/names"); echo $? > "$t/rc.tar"; cat > /dev/null; }
wait "$hash_pid" && [ "$(cat "$t/rc.tee")" = 0 ] || exit 1
[ "$(cat "$t/rc.d")$(cat "$t/rc.tar")" = 00 ] || fail 65 "the archive $a does not unpack"
if [ -n "$ts" ]; then
    h=$(cat "$t/t-sha")
    [ "$h" = "$ts" ] || fail 65 "the tar stream of the archive $a has sha256 $h, expected $ts"
fi
while [ $# -ge 3 ]; do
    n=$1; z=$2; s=$3; shift 3
    if [ ! -f "$t/m/$n" ] || [ -L "$t/m/$n" ]; then fail 65 "member $n is missing from the archive or not a regular file"; fi
    [ "$(stat -c %s -- "$t/m/$n")" = "$z" ] || fail 65 "member $n of the archive has $(stat -c %s -- "$t/m/$n") bytes, expected $z"
    [ -z "$s" ] || { h=$(hf "$t/m/$n") || exit 1; [ "$h" = "$s" ] || fail 65 "member $n of the archive has sha256 $h, expected $s"; }
done
rm -f -- "$t"/a-* "$t"/t-* "$t"/rc.*
