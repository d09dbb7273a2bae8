#!/bin/bash
# The network part of a liveness check, run on dom0 under `timeout` (which bounds the whole probe), so it sees the guest
# network the way the host does. For PATIENCE seconds it first tries a throw-away connect every 0.1 s, each bounded by 1 s
# (a booting guest's address does not answer ARP, so a connect hangs rather than being refused): a wait for a booting
# guest costs one round trip instead of one per interval. Then comes the connect that counts. It prints one line per step
# with bash's $EPOCHREALTIME, so the timings are dom0's and exclude the SSH round trip:
#   start T / connected T / failed T / banner T LINE / eof T LINE
#
# arg address   the guest address (a canonical IP)
# arg port      the TCP port
# arg banner    "1" to read the first line the guest sends (an SSH banner), else "0"
# arg patience  whole seconds to keep trying before the connect that counts
# stdin none
# exit 0 Ok connected (and the banner line, or eof, printed)
# exit 69 Unreachable the connect that counts failed ("failed T" printed)
end=$(( ${EPOCHREALTIME%[.,]*} + $4 ))
# shellcheck disable=SC2016 # the inner script gets its values as $1 and $2
while [ "${EPOCHREALTIME%[.,]*}" -lt "$end" ] &&
    ! timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' try "$1" "$2" 2>/dev/null; do
    sleep 0.1
done
printf 'start %s\n' "$EPOCHREALTIME"
if exec 3<>"/dev/tcp/$1/$2"; then
    printf 'connected %s\n' "$EPOCHREALTIME"
else
    printf 'failed %s\n' "$EPOCHREALTIME"
    exit 69
fi
if [ "$3" = 1 ]; then
    line=
    if IFS= read -r -n 255 line <&3; then
        printf 'banner %s %s\n' "$EPOCHREALTIME" "$line"
    else
        printf 'eof %s %s\n' "$EPOCHREALTIME" "$line"
    fi
fi
exec 3<&-
exit 0
