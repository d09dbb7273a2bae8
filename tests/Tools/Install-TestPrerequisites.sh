#!/bin/sh
# Installs what the test suite uses and this machine lacks, from Debian's packages, when it runs as root with apt-get.
# Arguments: none. Standard input: none.
# Output: one line "missing: PACKAGE (for WHAT)" per package that is still missing afterwards; the tests that need it skip.
# Exit codes: 0 always (a missing tool is a skip, never a failure).
need=''
check() {
    missing=''
    for p in openssh-server libxenmisc4.17 zstd qemu-utils shellcheck clang zlib1g-dev cron systemd chromium chromium-driver krb5-kdc krb5-admin-server krb5-user; do
        case $p in
            openssh-server) t='[ -x /usr/sbin/sshd ]'; w='the SSH test hosts' ;;
            libxenmisc4.17) t='[ -e /usr/lib/x86_64-linux-gnu/libxlutil.so.4.17 ]'; w="Xen's libxlutil as the xl.cfg referee" ;;
            zstd) t='command -v zstd'; w='zstd-compressed images' ;;
            qemu-utils) t='command -v qemu-img'; w='qcow2 clones and Convert-XenImage' ;;
            shellcheck) t='command -v shellcheck'; w='linting the host scripts' ;;
            clang) t='command -v clang'; w='the NativeAOT xl emulator; without it the JIT one, ~0.1 s of CPU a call' ;;
            zlib1g-dev) t='[ -e /usr/include/zlib.h ]'; w='the NativeAOT xl emulator (it links zlib)' ;;
            cron) t='[ -x /usr/sbin/cron ] && command -v crontab'; w='Register-XenPoolSchedule run by a real cron daemon' ;;
            systemd) t='command -v systemd-analyze'; w='systemd-analyze verify on the rendered schedule units' ;;
            chromium) t='[ -x /usr/bin/chromium ]'; w="the portal's tests in a real, headless browser" ;;
            chromium-driver) t='[ -x /usr/bin/chromedriver ]'; w='Selenium driving chromium in those tests' ;;
            krb5-kdc) t='[ -x /usr/sbin/krb5kdc ] && [ -x /usr/sbin/kdb5_util ]'; w='a test KDC for Kerberos (GSSAPI) logins over OpenSSH' ;;
            # Debian ships kadmin.local, which adds the test realm's principals without kadmind, in this package.
            krb5-admin-server) t='[ -x /usr/sbin/kadmin.local ]'; w="adding the test KDC's principals (kadmin.local)" ;;
            krb5-user) t='command -v kinit && command -v kdestroy'; w='tickets for the Kerberos tests (kinit, kdestroy)' ;;
        esac
        if ! sh -c "$t" >/dev/null 2>&1; then missing="$missing $p"; [ "$1" = report ] && echo "missing: $p (for $w)"; fi
    done
    need=$missing
}
check quiet
if [ -n "$need" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # the package names are fixed words, split on purpose
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need; } >/dev/null 2>&1 || {
        # One package that fails (a service whose start is refused, say) must not keep the others out: each alone.
        for p in $need; do
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null 2>&1 || echo "apt-get could not install: $p"
        done
    }
fi
check report
exit 0
