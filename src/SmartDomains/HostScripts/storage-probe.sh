#!/bin/sh
# What the host can do for storage, one "TOOL=yes|no" line each: qemu-img, mkfs.ext4, lvcreate and reflink. Reflink is tried
# for real: a one-byte file in the cache directory is cloned onto a file in the image directory (so across the two
# filesystems that matter), and both are removed.
#
# arg cache     the base image cache directory (made when missing)
# arg imageDir  the image directory
# stdin none
# exit 0 Ok four lines
for c in qemu-img mkfs.ext4 lvcreate; do
    if command -v "$c" >/dev/null 2>&1; then echo "$c=yes"; else echo "$c=no"; fi
done
r=no
if mkdir -p -- "$1" 2>/dev/null && [ -d "$2" ]; then
    a=$(mktemp "$1/.reflink-probe.XXXXXX" 2>/dev/null) &&
        b=$(mktemp "$2/.smartdomains-reflink-probe.XXXXXX" 2>/dev/null) &&
        { printf x > "$a" && cp --reflink=always -- "$a" "$b" 2>/dev/null && r=yes; }
    for f in "${a:-}" "${b:-}"; do if [ -n "$f" ]; then rm -f -- "$f"; fi; done
fi
echo "reflink=$r"
