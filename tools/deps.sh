#!/bin/sh
# make deps: install, from Debian's packages, only what is missing.
# RVH is checked on Debian 12 and Debian 13 (tools/distro-check.sh).
# On Debian 12 (bookworm) QEMU 7.2 is too old for RVH (a VS-mode read of sip never
# shows a pending timer interrupt), so QEMU 10 and OpenSBI 1.5 come from
# bookworm-backports; Debian 13 (trixie) has QEMU 10 and OpenSBI in its own suite.
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

# The URI of the Debian archive this system already uses for the suite
# SUITE's main component (a local mirror, a proxy, mirror+file:...), from
# the deb822 files /etc/apt/sources.list.d/*.sources (Debian 12's and 13's
# format) and the one-line /etc/apt/sources.list(.d/*.list); the first
# enabled "deb" entry wins; nothing is printed if there is none.
debian_mirror() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        # A stanza is a run of "Field: value" lines up to a blank line; a
        # line that starts with a space continues the field before it.
        awk -v suite="$1" '
            function has(list, word,   n, i, w) {
                n = split(list, w)
                for (i = 1; i <= n; i++) if (w[i] == word) return 1
                return 0
            }
            function stanza(   u) {
                if (!found && has(v["types"], "deb") && has(v["suites"], suite) &&
                    has(v["components"], "main") && !has(tolower(v["enabled"]), "no")) {
                    split(v["uris"], u); print u[1]; found = 1
                }
                split("", v)
            }
            /^#/ { next }
            /^[ \t]*$/ { stanza(); next }
            /^[ \t]/ { v[key] = v[key] " " $0; next }
            { key = tolower(substr($0, 1, index($0, ":") - 1))
              v[key] = substr($0, index($0, ":") + 1) }
            END { stanza() }' "$f" | grep . && return 0
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        # deb [options] URI SUITE COMPONENT...
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
            awk -v suite="$1" '$1 == "deb" && $3 == suite {
                for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }' |
            grep . && return 0
    done
    return 0
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
        mirror=$(debian_mirror bookworm | head -n1)
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
