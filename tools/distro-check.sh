#!/bin/sh
# tools/distro-check.sh RELEASE [COMMAND...]
#
# Check this repository on a fresh Debian RELEASE (bookworm = Debian 12,
# trixie = Debian 13) on one machine: in a chroot made by debootstrap, run
# `make deps` and then `make test` (or COMMAND, for example
# `python3 tests/run.py --only unit,uboot`) on a fresh clone of HEAD, as root
# with CI=true, exactly as CI runs .ci/run.  Run it as root on a Debian host.
#
#   tools/distro-check.sh trixie
#   tools/distro-check.sh bookworm python3 tests/run.py --only unit,uboot
#
# The chroot, $RVH_CHROOTS/RELEASE (default /work/chroots/RELEASE), is made
# once (variant minbase, plus what `make deps` needs to start: make, git,
# ca-certificates) and kept: later runs reuse it, so the packages `make deps`
# installed stay installed; delete the directory for a truly fresh system.
# The clone, /root/rvh inside the chroot, is made again on every run from
# the committed HEAD (uncommitted changes are not checked).  The whole output
# goes to the terminal and to RELEASE.log next to the chroot; the last line
# printed is the command's own last line ("N passed, N failed" for make
# test), and the exit status is the command's.
#
# Environment: RVH_CHROOTS (where chroots live), RVH_MIRROR (the Debian
# archive, default http://deb.debian.org/debian), RVH_SECURITY_MIRROR
# (default http://deb.debian.org/debian-security).
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 RELEASE [COMMAND...]   (RELEASE: bookworm, trixie)" >&2
    exit 2
fi
release=$1
shift
case $release in
    bookworm|trixie) ;;
    *) echo "distro-check: RELEASE is bookworm (Debian 12) or trixie (Debian 13), not '$release'" >&2
       exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
    echo "distro-check: debootstrap, mount and chroot need root" >&2
    exit 1
fi

top=$(cd "$(dirname "$0")/.." && pwd)
chroots=${RVH_CHROOTS:-/work/chroots}
root=$chroots/$release
mirror=${RVH_MIRROR:-http://deb.debian.org/debian}
security=${RVH_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
log=$chroots/$release.log
commit=$(git -C "$top" rev-parse HEAD)
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
    echo "distro-check: note: uncommitted changes are not checked, only HEAD ($commit)"
fi

# Nothing may be mounted in the chroot now: a run still going, or the remains
# of one that was killed (its mounts would also make "rm -rf" below reach the
# host's /dev, /proc and /sys).
if awk -v r="$root/" 'index($2 "/", r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    echo "distro-check: something is mounted under $root: is another check running?" >&2
    echo "distro-check: if not, unmount it: grep ' $root/' /proc/mounts" >&2
    exit 1
fi

# --- The chroot: made once ------------------------------------------------------
if ! command -v debootstrap >/dev/null 2>&1; then
    echo "distro-check: installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi
if [ ! -x "$root/usr/bin/make" ] || [ ! -e "$root/.rvh-distro-check" ]; then
    echo "distro-check: debootstrap $release into $root from $mirror"
    mkdir -p "$chroots"
    rm -rf "$root"
    debootstrap --variant=minbase --include=make,git,ca-certificates \
        "$release" "$root" "$mirror"
    # The sources of a normal installation: the release, its updates and
    # its security suite, in the deb822 format of Debian 12 and 13.
    rm -f "$root/etc/apt/sources.list"
    cat > "$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $release $release-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $release-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    date -u > "$root/.rvh-distro-check"     # the chroot is complete
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"

# --- Mounts: made for this run and always undone ---------------------------------
mounted=""
unmount() {
    for m in $mounted; do                  # the reverse order of mounting
        umount "$root$m" || umount -l "$root$m" || true
    done
    mounted=""
}
trap unmount EXIT
trap 'exit 130' INT TERM
for m in /proc /sys /dev /dev/pts; do
    mount --bind "$m" "$root$m"
    mounted="$m $mounted"
done

# --- A fresh clone of HEAD ---------------------------------------------------------
rm -rf "$root/root/rvh"
git clone -q --no-checkout "$top" "$root/root/rvh"
git -C "$root/root/rvh" checkout -q --detach "$commit"
echo "distro-check: $release: $(cat "$root/etc/debian_version"), clone of $commit"

# --- make deps, then the command, inside -------------------------------------------
[ $# -gt 0 ] || set -- make test
status=$root/root/distro-check.status
rm -f "$status"
{
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI=true \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        sh -c 'cd /root/rvh && make deps && "$@"; echo $? > /root/distro-check.status' \
        sh "$@" 2>&1
} | tee "$log"
rc=$(cat "$status" 2>/dev/null || echo 1)
echo "distro-check: $release ($(cat "$root/etc/debian_version")), $*: exit status $rc"
echo "distro-check: whole output in $log; last line:"
tail -n 1 "$log"
exit "$rc"
