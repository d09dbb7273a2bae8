namespace SmartDomains.Images;

/// <summary>
/// The fixed shell scripts the image code runs on hosts. Values only ever arrive as positional parameters
/// (RemoteCommand.Script), never inside the script text. Markers on stderr ("smartdomains: ...") and exit codes tell the
/// C# side what went wrong: 17 exists, 65 checksum, 66 not a regular file, 127 tool missing.
/// </summary>
internal static class ImageScripts
{
    /// <summary>SHA256 of a file or of stdin: openssl (SHA-NI, about 5x faster than coreutils on sparse GiBs) or sha256sum.</summary>
    internal const string HashFunctions =
        "hs() { if command -v openssl >/dev/null 2>&1; then x=$(openssl dgst -sha256 -r) || return 1; else x=$(sha256sum) || return 1; fi; echo \"${x%% *}\"; }; " +
        "hf() { hs < \"$1\"; }; ";

    /// <summary>
    /// Hashes and archives. $1 temp dir (holds memory.save), $2 directory the archive goes to, $3 archive base name,
    /// then pairs of member name and source path (a qcow2 with a backing file is flattened first). Prints "compression C", one
    /// "member NAME SIZE SHA" per member and "archive FILE SIZE SHA" (SHA of the compressed stream as it was written).
    /// </summary>
    internal const string Archive = HashFunctions +
        "t=$1; o=$2; b=$3; shift 3; " +
        "command -v tar >/dev/null 2>&1 || { echo 'smartdomains: tar is missing' >&2; exit 127; }; " +
        "rm -rf \"$t/m\" && mkdir -p \"$t/m\" \"$o\" || exit 1; names=''; pids=''; " +
        "trap 'for pid in $pids; do kill \"$pid\" 2>/dev/null; done' EXIT; " +
        "while [ $# -ge 2 ]; do n=$1; p=$2; shift 2; " +
        "if [ ! -f \"$p\" ]; then echo \"smartdomains: $p is not a regular file\" >&2; exit 66; fi; " +
        // A qcow2 clone needs its backing file: archive a flattened, standalone copy so the image restores anywhere.
        "if command -v qemu-img >/dev/null 2>&1 && qemu-img info --output=json \"$p\" 2>/dev/null | grep -q '\"backing-filename\"'; then " +
        "qemu-img convert -O qcow2 \"$p\" \"$t/flat-$n\" || exit 1; p=\"$t/flat-$n\"; fi; " +
        // Each member is hashed in the background while tar and the compressor run: one wall-clock pass, not two.
        "s=$(stat -L -c %s \"$p\") || exit 1; echo \"$s\" > \"$t/s-$n\" || exit 1; { hf \"$p\" > \"$t/h-$n\"; } & pids=\"$pids $!\"; " +
        "ln -s \"$p\" \"$t/m/$n\" || exit 1; names=\"$names $n\"; done; " +
        "if command -v zstd >/dev/null 2>&1; then c=zstd; e=zst; elif command -v pigz >/dev/null 2>&1; then c=pigz; e=gz; else c=gzip; e=gz; fi; " +
        "echo \"compression $c\"; a=\"$o/$b.tar.$e\"; rm -f \"$t/rc.tar\" \"$t/rc.z\" \"$t/rc.tee\"; " +
        "h=$( { { (cd \"$t/m\" && tar -S -h -cf - $names); echo $? > \"$t/rc.tar\"; } | " +
        "{ case $c in zstd) zstd -q -T0 -c;; pigz) pigz -c;; *) gzip -c;; esac; echo $? > \"$t/rc.z\"; } | " +
        "{ tee \"$a\"; echo $? > \"$t/rc.tee\"; } | hs; } ) || exit 1; " +
        "hashed=0; for pid in $pids; do wait \"$pid\" || hashed=1; done; pids=''; " +
        "for r in tar z tee; do v=$(cat \"$t/rc.$r\" 2>/dev/null || echo 1); if [ \"$v\" != 0 ]; then echo \"smartdomains: $r failed ($v)\" >&2; rm -f \"$a\"; exit 1; fi; done; " +
        "if [ $hashed != 0 ]; then echo 'smartdomains: hashing a member failed' >&2; rm -f \"$a\"; exit 1; fi; " +
        "for n in $names; do echo \"member $n $(cat \"$t/s-$n\") $(cat \"$t/h-$n\")\"; done; " +
        "rm -rf \"$t/m\" \"$t\"/flat-* \"$t\"/s-* \"$t\"/h-* \"$t/rc.tar\" \"$t/rc.z\" \"$t/rc.tee\"; echo \"archive ${a##*/} $(stat -c %s \"$a\") $h\"";

    /// <summary>$1 file, $2 expected sha256: exit 65 with a marker when it differs.</summary>
    internal const string VerifyFile = HashFunctions +
        "[ -f \"$1\" ] || { echo \"smartdomains: $1 is missing\" >&2; exit 66; }; h=$(hf \"$1\") || exit 1; " +
        "if [ \"$h\" != \"$2\" ]; then echo \"smartdomains: sha256 of $1 is $h, expected $2\" >&2; exit 65; fi";

    /// <summary>$1 dir to make (fails when it exists). Used for temp dirs after the journal line.</summary>
    internal const string MakeTemp = "rm -rf \"$1\" && mkdir -p \"$1\"";
    internal const string RemoveTree = "rm -rf \"$@\"";

    /// <summary>$1 path, the content on stdin: writes a file atomically (the manifest).</summary>
    internal const string WriteFile = "umask 022 && cat > \"$1.tmp\" && mv -f \"$1.tmp\" \"$1\"";

    /// <summary>$1 partial dir, $2 final dir: refuses (exit 17) when the final name is taken.</summary>
    internal const string Publish =
        "if [ -e \"$2\" ]; then echo \"smartdomains: refusing to overwrite $2\" >&2; exit 17; fi; mv \"$1\" \"$2\"";

    /// <summary>
    /// Unpacks and verifies. $1 temp dir, $2 archive, $3 its expected sha256, $4 compression, then pairs of member name and
    /// sha256. The archive is listed first: every entry must be a regular file named as a pair says, once (no link, device,
    /// directory, absolute path or '..'), and only those names are extracted. Exit 65 on any mismatch or refused entry, 127
    /// when the decompressor is missing. Members end up in $1/m.
    /// </summary>
    internal const string Unpack = HashFunctions +
        "t=$1; a=$2; x=$3; c=$4; shift 4; " +
        "case $c in zstd) d=zstd;; *) if command -v pigz >/dev/null 2>&1; then d=pigz; else d=gzip; fi;; esac; " +
        "command -v $d >/dev/null 2>&1 || { echo \"smartdomains: $d is missing\" >&2; exit 127; }; " +
        "command -v tar >/dev/null 2>&1 || { echo 'smartdomains: tar is missing' >&2; exit 127; }; " +
        "h=$(hf \"$a\") || exit 1; if [ \"$h\" != \"$x\" ]; then echo \"smartdomains: sha256 of the archive $a is $h, expected $x\" >&2; exit 65; fi; " +
        "rm -rf \"$t/m\" && mkdir -p \"$t/m\" || exit 1; names=' '; : > \"$t/names\" || exit 1; " +
        "k=0; for v in \"$@\"; do if [ $k = 0 ]; then names=\"$names$v \"; printf '%s\\n' \"$v\" >> \"$t/names\" || exit 1; k=1; else k=0; fi; done; " +
        "l=$($d -dc < \"$a\" | tar -tvf -) || { echo \"smartdomains: the archive $a does not unpack\" >&2; exit 65; }; seen=' '; " +
        "while IFS= read -r e; do [ -n \"$e\" ] || continue; m=${e##* }; " +
        "case $e in -*) ;; *) echo \"smartdomains: the archive $a holds an entry that is not a regular file: $e\" >&2; exit 65;; esac; " +
        "case $names in *\" $m \"*) ;; *) echo \"smartdomains: the archive $a holds an entry the manifest does not list: $e\" >&2; exit 65;; esac; " +
        "case $seen in *\" $m \"*) echo \"smartdomains: the archive $a holds $m twice\" >&2; exit 65;; esac; seen=\"$seen$m \"; " +
        "done <<EOF\n$l\nEOF\n" +
        "if ! $d -dc < \"$a\" | (cd \"$t/m\" && tar --no-same-owner -xf - --verbatim-files-from -T \"$t/names\"); then echo \"smartdomains: the archive $a does not unpack\" >&2; exit 65; fi; " +
        "while [ $# -ge 2 ]; do n=$1; s=$2; shift 2; " +
        "if [ ! -f \"$t/m/$n\" ] || [ -L \"$t/m/$n\" ]; then echo \"smartdomains: member $n is missing from the archive or not a regular file\" >&2; exit 65; fi; " +
        "h=$(hf \"$t/m/$n\") || exit 1; if [ \"$h\" != \"$s\" ]; then echo \"smartdomains: member $n has sha256 $h, expected $s\" >&2; exit 65; fi; done";

    /// <summary>One line per path: "0" absent, "1 SIZE" present.</summary>
    internal const string Stat =
        "for p in \"$@\"; do if [ -e \"$p\" ] || [ -L \"$p\" ]; then echo \"1 $(stat -L -c %s \"$p\" 2>/dev/null || echo -1)\"; else echo 0; fi; done";

    /// <summary>$1 source, $2 target, $3 "ours" when the journal says the module made $2: moves a restored disk into place.</summary>
    internal const string MoveInto =
        "if { [ -e \"$2\" ] || [ -L \"$2\" ]; } && [ \"$3\" != ours ]; then echo \"smartdomains: refusing to overwrite $2\" >&2; exit 17; fi; " +
        "mv -f \"$1\" \"$2\"";

    /// <summary>
    /// Lists a repository on a host: "@@dir NAME", then "@@file NAME SIZE" per archive, then "@@manifest" and the manifest.
    /// </summary>
    internal const string List =
        "[ -d \"$1\" ] || exit 0; for d in \"$1\"/*; do [ -d \"$d\" ] || continue; echo \"@@dir ${d##*/}\"; " +
        "for f in \"$d\"/*.tar.*; do [ -f \"$f\" ] && echo \"@@file ${f##*/} $(stat -c %s \"$f\")\"; done; " +
        "if [ -f \"$d/manifest.json\" ]; then echo '@@manifest'; cat \"$d/manifest.json\"; echo; fi; done";

    /// <summary>$1 source, $2 destination, $3 format: qemu-img convert; a failure removes the half-written output.</summary>
    internal const string Convert =
        "command -v qemu-img >/dev/null 2>&1 || { echo 'smartdomains: qemu-img is missing' >&2; exit 127; }; " +
        "[ -f \"$1\" ] || [ -b \"$1\" ] || { echo \"smartdomains: $1 is missing\" >&2; exit 66; }; " +
        "if [ -e \"$2\" ] || [ -L \"$2\" ]; then echo \"smartdomains: refusing to overwrite $2\" >&2; exit 17; fi; " +
        "qemu-img convert -O \"$3\" \"$1\" \"$2\" || { r=$?; rm -f \"$2\"; exit $r; }";

    /// <summary>Only the tool checks of Convert, for a failure before the journal is written.</summary>
    internal const string ConvertPrecheck =
        "command -v qemu-img >/dev/null 2>&1 || { echo 'smartdomains: qemu-img is missing' >&2; exit 127; }; " +
        "[ -f \"$1\" ] || [ -b \"$1\" ] || { echo \"smartdomains: $1 is missing\" >&2; exit 66; }; " +
        "if [ -e \"$2\" ] || [ -L \"$2\" ]; then echo \"smartdomains: refusing to overwrite $2\" >&2; exit 17; fi";
}
