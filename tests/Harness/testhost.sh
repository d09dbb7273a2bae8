#!/bin/sh
# Namespace plumbing for one test host. TestHosts.psm1 drives it; it keeps no state of its own.
#
#   testhost.sh up NS IDX MOUNT...     netns + veth (10.231.IDX.1 <-> .2), a namespace holder, mounts;
#                                      prints the holder's PID. MOUNT is bind:SRC:DST or tmpfs:MIB:DST.
#   testhost.sh up-behind NS IDX GW MOUNT...  the same, but the .1 side of the veth sits in namespace GW (a bastion
#                                      host), and this namespace gets an unreachable route for 10.231.IDX.0/24: only
#                                      GW reaches the host, and nothing for it leaves the machine.
#   testhost.sh sshd HOLDER CONFIG LOG [NAME=VALUE...]  start sshd inside the holder's mount+net namespace (detached),
#                                      with those variables in its environment (a test realm's KRB5_CONFIG, KRB5_KTNAME)
#   testhost.sh kdc HOLDER PIDFILE LOG NAME=VALUE...  start krb5kdc the same way (KRB5_CONFIG, KRB5_KDC_PROFILE name
#                                      its realm); it writes PIDFILE once it listens
#   testhost.sh kill-sessions NS HOLDER kill every sshd in NS except the holder, with its descendants
#   testhost.sh kill PID...            TERM, then KILL after ~1 s
#   testhost.sh watch OWNER TICKS LOG CMD...  detached watchdog: once process OWNER (with start time
#                                      TICKS) is gone, run CMD (the module's Clear-StaleTestHosts); prints its PID
#   testhost.sh down NS ROOTIF [IDX]   kill all processes in NS, delete the veth and the netns (and IDX's
#                                      unreachable route, if up-behind made one)
#
# Only namespaces, links and processes created by this script (via the module) are ever touched.
set -eu

die() { echo "testhost.sh: $*" >&2; exit 1; }

# The holder ("anchor") is a sleep in a private mount and UTS namespace. sshd and test shells nsenter it, so
# the mounts (including a tmpfs) survive sshd restarts and stay reachable while sshd is down.
net_up() { # NS IDX [GW]
    ns=$1; idx=$2; gw=${3:-}
    ip netns add "$ns"
    ip link add "$ns-r" type veth peer name "$ns-n"
    ip link set "$ns-n" netns "$ns"
    if [ -n "$gw" ]; then
        ip link set "$ns-r" netns "$gw"
        ip -n "$gw" addr add "10.231.$idx.1/24" dev "$ns-r"
        ip -n "$gw" link set "$ns-r" up
        ip route add unreachable "10.231.$idx.0/24"
    else
        ip addr add "10.231.$idx.1/24" dev "$ns-r"
        ip link set "$ns-r" up
    fi
    ip -n "$ns" addr add "10.231.$idx.2/24" dev "$ns-n"
    ip -n "$ns" link set "$ns-n" up
    ip -n "$ns" link set lo up
}

holder_start() { # NS -> prints PID once it runs in its own mount namespace
    ns=$1
    # ip netns exec unshares the mount namespace (slave of /); unshare adds a UTS namespace so that
    # `hostname` inside the host prints its name, as on a real dom0.
    setsid ip netns exec "$ns" unshare --uts sh -c 'hostname "$1" && exec sleep infinity' sh "$ns" \
        </dev/null >/dev/null 2>&1 &
    pid=$!
    i=0
    while [ "$(cat "/proc/$pid/comm" 2>/dev/null || echo gone)" != sleep ]; do
        [ -d "/proc/$pid" ] || die "namespace holder for $ns exited"
        i=$((i + 1)); [ $i -lt 500 ] || die "namespace holder for $ns did not start"
        sleep 0.01
    done
    # Never mount into our own namespace by mistake.
    [ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] || die "holder shares our mount namespace"
    echo "$pid"
}

mount_all() { # HOLDER MOUNT...
    pid=$1; shift
    for m in "$@"; do
        kind=${m%%:*}; rest=${m#*:}; arg=${rest%%:*}; dst=${rest#*:}
        case $kind in
            bind) nsenter -t "$pid" -m mount --bind "$arg" "$dst" ;;
            tmpfs) nsenter -t "$pid" -m mount -t tmpfs -o "size=${arg}m,mode=0755" sdt-tmpfs "$dst" ;;
            *) die "bad mount spec: $m" ;;
        esac || die "mount failed: $m"
    done
}

sshd_start() { # HOLDER CONFIG LOG [NAME=VALUE...]; sshd writes its PidFile once it listens
    holder=$1; config=$2; log=$3; shift 3
    setsid nsenter -t "$holder" -m -n -u env "$@" /usr/sbin/sshd -D -f "$config" -e </dev/null >>"$log" 2>&1 &
}

kdc_start() { # HOLDER PIDFILE LOG NAME=VALUE...; -n: stay in the foreground, so the PID is the one we kill
    holder=$1; pidfile=$2; log=$3; shift 3
    setsid nsenter -t "$holder" -m -n -u env "$@" /usr/sbin/krb5kdc -n -P "$pidfile" </dev/null >>"$log" 2>&1 &
}

descendants() { # PID... -> those PIDs and all their descendants
    ps -e -o pid= -o ppid= | awk -v roots="$*" '
        BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) keep[r[i]] = 1 }
        { parent[$1] = $2 }
        END { do { added = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; added = 1 } } while (added)
              for (p in keep) print p }'
}

running() { # PID: exists and is not a zombie (our detached processes are reaped by PID 1, maybe late)
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}

kill_pids() { # PID... : TERM, then KILL whatever is left after ~1 s
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null || true
    i=0
    while [ $i -lt 50 ]; do
        alive=0
        for p in "$@"; do running "$p" && alive=1; done
        [ $alive -eq 1 ] || return 0
        sleep 0.02; i=$((i + 1))
    done
    kill -KILL "$@" 2>/dev/null || true
}

owner_alive() { # PID TICKS: same process (start time) and not a zombie
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    want=$2
    # shellcheck disable=SC2086 # split the stat fields after the command name
    set -- ${st##*) }
    [ "$1" != Z ] && [ "${20}" = "$want" ]
}

watch_loop() { # OWNER TICKS CMD...
    owner=$1; ticks=$2; shift 2
    cd /
    while owner_alive "$owner" "$ticks"; do sleep 1; done
    echo "$(date -Is) owner $owner is gone: $*"
    exec "$@"
}

ns_pids() { ip netns pids "$1" 2>/dev/null || true; }

kill_sessions() { # NS HOLDER
    sshds=$(for p in $(ns_pids "$1"); do [ "$p" = "$2" ] || [ "$(cat "/proc/$p/comm" 2>/dev/null)" != sshd ] || echo "$p"; done)
    [ -n "$sshds" ] || return 0
    # shellcheck disable=SC2046 # word splitting of PID lists is intended
    kill_pids $(descendants $sshds)
}

down() { # NS ROOTIF; every step tolerates parts that are already gone
    ns=$1
    if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
        # shellcheck disable=SC2046
        kill_pids $(ns_pids "$ns")
        # shellcheck disable=SC2046
        kill_pids $(ns_pids "$ns") # anything forked while we were killing
    fi
    ip link del "$2" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    [ -z "${3:-}" ] || ip route del unreachable "10.231.$3.0/24" 2>/dev/null || true
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case $cmd in
    up)
        [ $# -ge 2 ] || die "usage: up NS IDX MOUNT..."
        ns=$1; idx=$2; shift 2
        net_up "$ns" "$idx"
        pid=$(holder_start "$ns")
        mount_all "$pid" "$@"
        echo "$pid" ;;
    up-behind)
        [ $# -ge 3 ] || die "usage: up-behind NS IDX GW MOUNT..."
        ns=$1; idx=$2; gw=$3; shift 3
        net_up "$ns" "$idx" "$gw"
        pid=$(holder_start "$ns")
        mount_all "$pid" "$@"
        echo "$pid" ;;
    sshd) [ $# -ge 3 ] || die "usage: sshd HOLDER CONFIG LOG [NAME=VALUE...]"; sshd_start "$@" ;;
    kdc) [ $# -ge 3 ] || die "usage: kdc HOLDER PIDFILE LOG NAME=VALUE..."; kdc_start "$@" ;;
    kill-sessions) [ $# -eq 2 ] || die "usage: kill-sessions NS HOLDER"; kill_sessions "$@" ;;
    kill) kill_pids "$@" ;;
    watch)
        [ $# -ge 4 ] || die "usage: watch OWNER TICKS LOG CMD..."
        owner=$1; ticks=$2; log=$3; shift 3
        setsid sh "$0" watch-loop "$owner" "$ticks" "$@" </dev/null >>"$log" 2>&1 &
        echo $! ;;
    watch-loop) watch_loop "$@" ;;
    down) case $# in 2|3) down "$@" ;; *) die "usage: down NS ROOTIF [IDX]" ;; esac ;;
    *) die "unknown command '$cmd'" ;;
esac
