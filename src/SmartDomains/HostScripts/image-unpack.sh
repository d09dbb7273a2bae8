#!/bin/sh
# Unpacks a saved image's archive and verifies it. The archive's SHA256 is checked, then it is listed: every entry must be
# a regular file named by a member pair, once (no link, device, directory, absolute path or '..'), and only those names
# are extracted; then each member's SHA256 is checked. The members end up in TEMP/m.
#
# arg temp         the restore's temp directory
# arg archive      the archive
# arg sha256       the archive's expected SHA256
# arg compression  zstd, pigz or gzip (as the manifest says)
# arg members...   pairs of member name and expected SHA256
# stdin none
# exit 0 Ok unpacked and verified
# exit 1 Failed a step failed
# exit 65 Corrupt a checksum differs, or the archive holds an entry it must not, or does not unpack
# marker 65 the archive
# exit 127 ToolMissing the decompressor or tar is missing
# marker 127 is missing
# uses fail need hash
t=$1; a=$2; x=$3; c=$4; shift 4
case $c in
    zstd) d=zstd;;
    *) if command -v pigz >/dev/null 2>&1; then d=pigz; else d=gzip; fi;;
esac
need "$d" tar
h=$(hf "$a") || exit 1
[ "$h" = "$x" ] || fail 65 "sha256 of the archive $a is $h, expected $x"
rm -rf -- "$t/m" && mkdir -p -- "$t/m" || exit 1
names=' '
: > "$t/names" || exit 1
k=0
for v in "$@"; do
    if [ $k = 0 ]; then names="$names$v "; printf '%s\n' "$v" >> "$t/names" || exit 1; k=1; else k=0; fi
done
l=$("$d" -dc < "$a" | tar -tvf -) || fail 65 "the archive $a does not unpack"
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
if ! "$d" -dc < "$a" | (cd "$t/m" && tar --no-same-owner -xf - --verbatim-files-from -T "$t/names"); then
    fail 65 "the archive $a does not unpack"
fi
while [ $# -ge 2 ]; do
    n=$1; s=$2; shift 2
    if [ ! -f "$t/m/$n" ] || [ -L "$t/m/$n" ]; then fail 65 "member $n is missing from the archive or not a regular file"; fi
    h=$(hf "$t/m/$n") || exit 1
    [ "$h" = "$s" ] || fail 65 "member $n of the archive has sha256 $h, expected $s"
done
