#!/bin/sh
# make deps: install, from Debian's packages, only what is missing.
# RVH is checked on Debian 12 and Debian 13 (tools/distro-check.sh).
# On Debian 12 (bookworm) QEMU 7.2 is too old for RVH (a VS-mode read of sip never
# shows a pending timer interrupt), so QEMU 10 and OpenSBI 1.5 come from
# bookworm-backports; Debian 13 (trixie) has QEMU 10 and OpenSBI in its own suite.
# The Linux guest (make linux, tools/linux.sh) needs the last two lines of PKGS,
# the kernel source linux-source-6.12 and BusyBox's source package: the riscv64
# Linux cross compiler with its static glibc for BusyBox, and the host tools the
# kernel's build runs (dpkg-dev unpacks the source package).
# make fuzz (tests/fuzz) needs clang with libFuzzer and the sanitizer runtimes:
# Debian's default clang, its libclang-rt-dev (libclang_rt.fuzzer; clang 14 on
# Debian 12, 19 on Debian 13) and llvm for llvm-symbolizer, which names the
# lines of chapters/*.nw in a crash's stack.
set -eu

PKGS="gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf binutils-riscv64-unknown-elf
qemu-system-misc qemu-system-data opensbi noweb device-tree-compiler gdb-multiarch
latexmk texlive-latex-base texlive-latex-recommended texlive-latex-extra
texlive-pictures texlive-fonts-recommended lmodern python3 u-boot-qemu
gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
make gcc libc6-dev flex bison bc xz-utils dpkg-dev
clang libclang-rt-dev llvm"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

. /etc/os-release
# The guest kernel's source: linux-source-6.12, in Debian 13's main suite and
# in Debian 12's bookworm-security.  Elsewhere only `make linux` misses it.
case "${ID:-}:${VERSION_CODENAME:-}" in
    debian:bookworm|debian:trixie) PKGS="$PKGS linux-source-6.12" ;;
    *) echo "deps: linux-source-6.12 is a Debian 12/13 package; without it 'make linux' cannot build the Linux guest" ;;
esac
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done

qemu_ok() {
    command -v qemu-system-riscv64 >/dev/null 2>&1 || return 1
    v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1)
    [ -n "$v" ] && [ "$v" -ge 10 ]
}

# The entries of APT's sources, one line each, "TYPE URI SUITE [SIGNED-BY]",
# from both formats: the one-line /etc/apt/sources.list(.d/*.list) and the
# deb822 /etc/apt/sources.list.d/*.sources of Debian 12 and 13.  RVH adds
# what it needs on the mirror the system already uses (a local mirror or a
# proxy keeps working), found here.
apt_entries() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -e 's/#.*//' -e 's/\[\([^]]*\)\]/ \1 /' "$f" | awk '
            $1 == "deb" || $1 == "deb-src" {
                by = ""; n = 0
                for (i = 2; i <= NF; i++)
                    if ($i ~ /=/) { if ($i ~ /^signed-by=/) by = substr($i, 11) }
                    else w[++n] = $i
                if (n >= 2) print $1, w[1], w[2], by
            }'
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
            {
                types = uris = suites = by = ""; on = 1
                for (i = 1; i <= NF; i++) {
                    k = tolower($i); sub(/:.*/, "", k); v = $i; sub(/^[^:]*:[ \t]*/, "", v)
                    if (k == "types") types = v; else if (k == "uris") uris = v
                    else if (k == "suites") suites = v; else if (k == "signed-by") by = v
                    else if (k == "enabled" && v == "no") on = 0
                }
                if (!on) next
                nt = split(types, t, " "); nu = split(uris, u, " "); ns = split(suites, s, " ")
                for (a = 1; a <= nt; a++) for (b = 1; b <= nu; b++) for (c = 1; c <= ns; c++)
                    print t[a], u[b], s[c], by
            }' "$f"
    done
}

# QEMU and OpenSBI: on Debian 12 these three come from bookworm-backports,
# after everything else has come from the release: "-t bookworm-backports"
# also takes the new libraries they need from backports, and had it come
# first, libelf1 0.192 from there would leave the release's libdw1, which
# gdb-multiarch needs, uninstallable.
QEMU_PKGS="qemu-system-misc qemu-system-data opensbi"
BACKPORTS=""
if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
    list=/etc/apt/sources.list.d/rvh-bookworm-backports.sources
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        # bookworm-backports from the mirror that serves bookworm here.
        mirror=$(apt_entries | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
        [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
        [ -n "$SUDO" ] && echo "deps: using sudo to add Debian's bookworm-backports suite"
        echo "deps: adding bookworm-backports from $mirror"
        printf '%s\n' "Types: deb" "URIs: $mirror" \
            "Suites: bookworm-backports" "Components: main" \
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
            $SUDO tee "$list" >/dev/null
        need_update=1
    fi
    BACKPORTS="-t bookworm-backports"
fi

# BusyBox, the Linux guest's user space, is cross-built from Debian's source
# package, which tools/linux.sh fetches with apt-get source: APT needs a deb-src
# entry for the release, added on the release's own mirror when it has none.
if ! apt-cache showsrc busybox 2>/dev/null | grep -q '^Package: busybox$'; then
    if ! apt_entries | grep -q "^deb-src [^ ]* ${VERSION_CODENAME:-none} "; then
        entry=$(apt_entries | grep -m1 "^deb [^ ]* ${VERSION_CODENAME:-none} " || true)
        if [ -z "$entry" ]; then
            echo "deps: APT has no entry for ${VERSION_CODENAME:-this release}'s main suite;" \
                 "without a deb-src entry 'make linux' cannot fetch BusyBox's source" >&2
        else
            set -- $entry
            [ -n "$SUDO" ] && echo "deps: using sudo to add a deb-src entry for $3 on $2"
            { printf '%s\n' "Types: deb-src" "URIs: $2" "Suites: $3" "Components: main"
              [ -z "${4:-}" ] || echo "Signed-By: $4"; } |
                $SUDO tee /etc/apt/sources.list.d/rvh-deb-src.sources >/dev/null
        fi
    fi
    need_update=1
fi

if [ -z "$missing" ] && qemu_ok && [ -z "${need_update:-}" ]; then
    echo "deps: everything is installed"
    exit 0
fi

[ -n "$SUDO" ] && echo "deps: using sudo to run apt-get for:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# First what comes from the release, then QEMU and OpenSBI (see QEMU_PKGS).
rest=""
for p in $missing; do
    case " $QEMU_PKGS " in *" $p "*) ;; *) rest="$rest $p" ;; esac
done
[ -z "$rest" ] || $SUDO apt-get install -y -q --no-install-recommends $rest
$SUDO apt-get install -y -q --no-install-recommends $BACKPORTS $QEMU_PKGS

if ! qemu_ok; then
    echo "deps: qemu-system-riscv64 >= 10.0 is needed; found: $(qemu-system-riscv64 --version 2>&1 | head -n1)" >&2
    echo "deps: RVH is checked on Debian 12 (QEMU from bookworm-backports, which this script" >&2
    echo "deps: enables) and Debian 13; elsewhere install QEMU 10 or newer yourself." >&2
    exit 1
fi
echo "deps: ready ($(qemu-system-riscv64 --version | head -n1))"
