#!/bin/sh
# lock_journal LOCK: takes the host's journal lock on fd 9 (flock, 60 s). A cleaning run that finishes removes the lock
# file, so after flock the file must still be the one locked; else it is taken again (at most five times).
lock_journal() {
    # Every journal line takes this lock: no dirname or mkdir process when the directory is there (the usual case).
    case $1 in */*) _lock_dir=${1%/*}; _lock_dir=${_lock_dir:-/};; *) _lock_dir=.;; esac
    [ -d "$_lock_dir" ] || mkdir -p -- "$_lock_dir" || exit 1
    _lock_tries=0
    while :; do
        exec 9>>"$1" || exit 1
        flock -w 60 9 || exit 1
        # shellcheck disable=SC3013 # dash and bash both have -ef: the file is compared by device and inode
        if [ ! -e /proc/self/fd/9 ] || [ "$1" -ef /proc/self/fd/9 ]; then return 0; fi
        _lock_tries=$((_lock_tries + 1))
        [ "$_lock_tries" -lt 5 ] || exit 1
    done
}
