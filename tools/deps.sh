#!/bin/sh
# make deps: install, from Debian's packages, only what is missing.
# On Debian 12 (bookworm) QEMU 7.2 is too old for RVH (a VS-mode read of sip never
# shows a pending timer interrupt), so QEMU 10 and OpenSBI 1.5 come from
# bookworm-backports; Debian 13 and Ubuntu 24.04+ have new enough ones in their own suites.
# The Linux guest (make linux, tools/linux.sh) needs the last two lines of PKGS
# and Debian 12's kernel source: the riscv64 Linux cross compiler with its
# static glibc for /init, and the host tools the kernel's build runs.
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
make gcc libc6-dev flex bison bc xz-utils
clang libclang-rt-dev llvm"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

. /etc/os-release
# The guest kernel's source: Debian 12's linux-source-6.1 package. Elsewhere
# it is not in the archive, and only `make linux` needs it.
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
    PKGS="$PKGS linux-source-6.1"
else
    echo "deps: linux-source-6.1 is a Debian 12 package; without it 'make linux' cannot build the Linux guest"
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done

qemu_ok() {
    command -v qemu-system-riscv64 >/dev/null 2>&1 || return 1
    v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1)
    [ -n "$v" ] && [ "$v" -ge 10 ]
}

BACKPORTS=""
if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
    list=/etc/apt/sources.list.d/rvh-bookworm-backports.sources
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        [ -n "$SUDO" ] && echo "deps: using sudo to add Debian's bookworm-backports suite"
        printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" \
            "Suites: bookworm-backports" "Components: main" \
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
            $SUDO tee "$list" >/dev/null
        need_update=1
    fi
    BACKPORTS="-t bookworm-backports"
fi

if [ -z "$missing" ] && qemu_ok && [ -z "${need_update:-}" ]; then
    echo "deps: everything is installed"
    exit 0
fi

[ -n "$SUDO" ] && echo "deps: using sudo to run apt-get for:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# QEMU and OpenSBI from backports (on bookworm), everything else from the release.
$SUDO apt-get install -y -q --no-install-recommends $BACKPORTS \
    qemu-system-misc qemu-system-data opensbi
$SUDO apt-get install -y -q --no-install-recommends $missing

if ! qemu_ok; then
    echo "deps: qemu-system-riscv64 >= 10.0 is needed; found: $(qemu-system-riscv64 --version 2>&1 | head -n1)" >&2
    echo "deps: on Debian 12 enable bookworm-backports; on Ubuntu use 24.10 or newer, or build QEMU 10." >&2
    exit 1
fi
echo "deps: ready ($(qemu-system-riscv64 --version | head -n1))"
