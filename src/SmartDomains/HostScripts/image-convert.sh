#!/bin/sh
# Converts a disk with qemu-img. "check" only checks the tool, the source and the target, so a failure comes before the
# journal is written; "convert" checks again, converts, and removes a half-written output when qemu-img fails.
#
# arg mode         check or convert
# arg source       the disk (a regular file or a block device)
# arg destination  the new file
# arg format       raw or qcow2
# stdin none
# exit 0 Ok checked or converted
# exit 1 Failed qemu-img failed (or its own exit code)
# exit 17 Exists the destination is there
# marker 17 refusing to overwrite
# exit 66 Missing the source is not there
# marker 66 is missing
# exit 127 ToolMissing qemu-img is missing
# marker 127 is missing
# uses fail need refuse
need qemu-img
[ -f "$2" ] || [ -b "$2" ] || fail 66 "$2 is missing"
refuse_existing "$3"
[ "$1" = convert ] || exit 0
# No "--": qemu-img takes the paths as given, and they are absolute (checked before any host command).
qemu-img convert -O "$4" "$2" "$3" || { r=$?; rm -f -- "$3"; exit $r; }
