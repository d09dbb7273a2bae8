#!/bin/sh
# The members of an image archive, for image-archive.sh (the archive in a directory) and image-stream.sh (to stdout).
# archive_members TEMP NAME PATH...: links each member into TEMP/m, flattening a qcow2 with a backing file first (so the
#   image restores anywhere), and notes its size in TEMP/s-NAME. Sets archive_names. A source that is not a regular file
#   fails 66. Members are not hashed one by one: that reads every hole of a sparse disk. The archive's integrity is the
#   SHA256 of the tar stream (data extents and headers only), which restore checks as it extracts.
# archive_hash TEMP P: hash_fifo TEMP P (lib/hash.sh: a fifo TEMP/P-sum for a tee, its SHA256 into TEMP/P-sha), its
#   reader added to archive_pids.
# archive_compressor: archive_c is zstd, else pigz, else gzip; archive_e the extension (zst or gz).
# archive_tar TEMP: the sparse-aware tar of the members through the compressor, on stdout, the tar stream teed into
#   archive_hash TEMP t (call that first); each stage writes its exit code into TEMP/rc.STAGE, since a pipeline's status
#   is only its last command's.
# archive_check TEMP REMOVE STAGE...: waits for the background jobs, then fails 1 naming the first stage (or hash) that
#   failed, after removing REMOVE (a half-written archive; '' for none).
# archive_members_report TEMP: "member NAME SIZE" per member, then "stream SHA256" (the tar stream's).
# archive_tidy TEMP: removes the scratch files.
archive_names=''; archive_pids=''
trap 'for _archive_pid in $archive_pids; do kill "$_archive_pid" 2>/dev/null; done' EXIT
archive_members() {
    _archive_t=$1; shift
    rm -rf -- "$_archive_t/m" && mkdir -p -- "$_archive_t/m" || exit 1
    while [ $# -ge 2 ]; do
        _archive_n=$1; _archive_p=$2; shift 2
        [ -f "$_archive_p" ] || fail 66 "$_archive_p is not a regular file"
        if command -v qemu-img >/dev/null 2>&1 && qemu-img info --output=json "$_archive_p" 2>/dev/null | grep -q '"backing-filename"'; then
            qemu-img convert -O qcow2 "$_archive_p" "$_archive_t/flat-$_archive_n" || exit 1
            _archive_p="$_archive_t/flat-$_archive_n"
        fi
        stat -L -c %s -- "$_archive_p" > "$_archive_t/s-$_archive_n" || exit 1
        ln -s -- "$_archive_p" "$_archive_t/m/$_archive_n" || exit 1
        archive_names="$archive_names $_archive_n"
    done
}
archive_hash() {
    hash_fifo "$1" "$2"
    # shellcheck disable=SC2154 # hash_fifo (lib/hash.sh) sets it
    archive_pids="$archive_pids $hash_pid"
}
archive_compressor() {
    # shellcheck disable=SC2034 # archive_e is for the caller's file name
    if command -v zstd >/dev/null 2>&1; then archive_c=zstd; archive_e=zst
    elif command -v pigz >/dev/null 2>&1; then archive_c=pigz; archive_e=gz
    else archive_c=gzip; archive_e=gz; fi
}
archive_tar() {
    rm -f -- "$1"/rc.*
    # shellcheck disable=SC2086 # the member names are Xen-safe words, split on purpose
    { (cd "$1/m" && tar -S -h -cf - $archive_names); echo $? > "$1/rc.tar"; } |
        { tee -- "$1/t-sum"; echo $? > "$1/rc.ttee"; } |
        { case $archive_c in zstd) zstd -q -T0 -c;; pigz) pigz -c;; *) gzip -c;; esac; echo $? > "$1/rc.z"; }
}
archive_check() {
    _archive_t=$1; _archive_rm=$2; shift 2
    _archive_hashed=0
    for _archive_pid in $archive_pids; do wait "$_archive_pid" || _archive_hashed=1; done
    archive_pids=''
    for _archive_r in "$@"; do
        _archive_v=$(cat "$_archive_t/rc.$_archive_r" 2>/dev/null || echo 1)
        if [ "$_archive_v" != 0 ]; then [ -z "$_archive_rm" ] || rm -f -- "$_archive_rm"; fail 1 "$_archive_r failed ($_archive_v)"; fi
    done
    if [ $_archive_hashed != 0 ]; then [ -z "$_archive_rm" ] || rm -f -- "$_archive_rm"; fail 1 "hashing the stream failed"; fi
}
archive_members_report() {
    for _archive_n in $archive_names; do echo "member $_archive_n $(cat "$1/s-$_archive_n")"; done
    echo "stream $(cat "$1/t-sha")"
}
archive_tidy() { rm -rf -- "$1/m" "$1"/flat-* "$1"/s-* "$1"/rc.* "$1"/a-* "$1"/t-*; }
