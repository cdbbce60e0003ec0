#!/bin/sh
# make linux: build build/linux/Image, a small Linux guest for RVH, from Debian's
# packages only: the kernel from linux-source-6.12, its user space from
# Debian's busybox source package, both compiled with gcc-riscv64-linux-gnu.
# The configuration is `make tinyconfig` plus guests/linux/rvh.config; the
# initramfs built into the kernel holds a static BusyBox with its applet
# links, /init (the shell script guests/linux/init, which hands over to
# BusyBox's init and guests/linux/inittab) and /bin/rvh-instret
# (guests/linux/instret.c, for make bench).
#
# BusyBox has Debian's configuration for its static package, changed by
# guests/linux/busybox.config.
#
# Cached: when build/linux/Image exists and build/linux/stamp holds the same key
# (a hash of the two fragments, init, inittab, instret.c, this script and the versions
# of the two source packages), nothing is done.  The kernel source is extracted into
# build/linux/src once per package version; later builds there are
# incremental.  BusyBox is fetched with apt-get source (tools/deps.sh makes
# sure APT has a deb-src entry) into build/linux/busybox once per version, and
# built again only when its key changes.
set -eu
cd "$(dirname "$0")/.."

B=${B:-build}
OUT=$B/linux
SRC=$OUT/src
BB=$OUT/busybox
PKG=linux-source-6.12
TARBALL=/usr/src/$PKG.tar.xz
FRAG=guests/linux/rvh.config
BBFRAG=guests/linux/busybox.config
INIT=guests/linux/init
INITTAB=guests/linux/inittab
INSTRET=guests/linux/instret.c
CROSS_COMPILE=riscv64-linux-gnu-
JOBS=$(nproc)

# A recipe of the top Makefile passes that make's command-line variables
# (B=..., CC=...) in MAKEFLAGS; the kernel's own make must not inherit them.
unset MAKEFLAGS MFLAGS MAKELEVEL
KMAKE="make -C $SRC ARCH=riscv CROSS_COMPILE=$CROSS_COMPILE"

die() { echo "linux: $*" >&2; exit 1; }

# Kconfig drops silently what it cannot have (an unmet dependency, a misspelt
# name): every CONFIG_ line of a fragment ($1) must be in the .config ($2)
# as written.
check_config() {
    lost=0
    while IFS= read -r line; do
        case $line in
            CONFIG_*=*) name=${line%%=*} ;;
            "# CONFIG_"*" is not set") name=${line#\# }; name=${name%% *} ;;
            *) continue ;;
        esac
        if ! grep -qxF "$line" "$2"; then
            got=$(grep -E "^(# )?$name[= ]" "$2" || echo "(absent)")
            echo "linux: $1 wants '$line', .config has '$got'" >&2
            lost=1
        fi
    done < "$1"
    [ $lost -eq 0 ] || die "the configuration lost lines of $1 (see above)"
}

# --- What is needed, and is there anything to do? ------------------------------
for t in ${CROSS_COMPILE}gcc gcc make flex bison bc xz bzip2 apt-get dpkg-source; do
    command -v "$t" >/dev/null 2>&1 || die "$t is missing: run make deps"
done
[ -f "$TARBALL" ] || die "$TARBALL is missing: run make deps"
[ -f /usr/riscv64-linux-gnu/lib/libc.a ] ||
    die "the static glibc for riscv64 (libc6-dev-riscv64-cross) is missing: run make deps"
version=$(dpkg-query -W -f='${Version}' $PKG)
# The busybox source package APT would fetch: the name of its .dsc gives the
# version (without the epoch), and the URIs are those of this system's mirror.
uris=$(apt-get source --print-uris busybox 2>&1) ||
    die "APT cannot find busybox's source package (no deb-src entry?): run make deps"
dsc=$(echo "$uris" | sed -n "s/^'[^']*' \(busybox_[^ ]*\.dsc\) .*/\1/p")
[ -n "$dsc" ] || die "apt-get source --print-uris busybox names no .dsc: $uris"
bbversion=${dsc#busybox_}
bbversion=${bbversion%.dsc}
key=$({ cat "$FRAG" "$BBFRAG" "$INIT" "$INITTAB" "$INSTRET" tools/linux.sh
        echo "$PKG $version busybox $bbversion"; } | sha256sum | cut -d' ' -f1)

if [ -f "$OUT/Image" ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$key" ]; then
    echo "linux: $OUT/Image is up to date"
    exit 0
fi
start=$(date +%s)
mkdir -p "$OUT" "$BB"
rm -f "$OUT/stamp"
abs_out=$(cd "$OUT" && pwd)
abs_frag=$(pwd)/$FRAG

# --- BusyBox -------------------------------------------------------------------
# Built as Debian builds its busybox-static package: Debian's patched source
# with Debian's configuration for it (debian/config/pkg/static: the ash shell
# with line editing and some 270 applets, linked statically), here against
# the riscv64 glibc.  Out of tree (O=), so that the unpacked source stays as
# dpkg-source left it, with guests/linux/busybox.config applied on top.  The
# key covers this script, so a change here makes an incremental build, which
# is quick when nothing in it changed.
bbkey=$({ cat "$BBFRAG" tools/linux.sh; echo "busybox $bbversion"; } | sha256sum | cut -d' ' -f1)
if [ -f "$BB/busybox" ] && [ "$(cat "$BB/stamp" 2>/dev/null)" = "$bbkey" ]; then
    echo "linux: BusyBox $bbversion is up to date"
else
    bbstart=$(date +%s)
    rm -f "$BB/stamp"
    if [ ! -f "$BB/$dsc" ]; then
        echo "linux: fetching busybox's source package ($dsc) into $BB"
        rm -f "$BB"/busybox_*
        (cd "$BB" && apt-get source --download-only busybox) > "$BB/fetch.log" 2>&1 ||
            { tail -n 5 "$BB/fetch.log"; die "apt-get source busybox failed (see $BB/fetch.log)"; }
    fi
    # dpkg-source unpacks the upstream tarball and applies Debian's patches.
    # The marker is written last, so that an interrupted unpacking is redone.
    if [ "$(cat "$BB/src/.rvh-source" 2>/dev/null)" != "$bbversion" ]; then
        echo "linux: unpacking $dsc into $BB/src"
        rm -rf "$BB/src" "$BB/obj"
        (cd "$BB" && dpkg-source -x "$dsc" src) > "$BB/unpack.log" 2>&1 ||
            { tail -n 5 "$BB/unpack.log"; die "dpkg-source -x $dsc failed (see $BB/unpack.log)"; }
        echo "$bbversion" > "$BB/src/.rvh-source"
    fi
    [ -f "$BB/src/debian/config/pkg/static" ] ||
        die "busybox $bbversion has no debian/config/pkg/static"
    # Debian's configuration is made for this very version: oldconfig asks
    # nothing.  Each line of the fragment replaces the line of the same
    # symbol.  The result is written only when it differs, so that a rebuild
    # with the same configuration recompiles nothing.
    mkdir -p "$BB/obj"
    abs_bbobj=$(cd "$BB/obj" && pwd)
    BBMAKE="make -C $BB/src O=$abs_bbobj CROSS_COMPILE=$CROSS_COMPILE"
    names=$(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' \
                   -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "$BBFRAG")
    { grep -v -E "^(# )?($(echo $names | tr ' ' '|'))[= ]" "$BB/src/debian/config/pkg/static"
      grep -E '^(CONFIG_|# CONFIG_)' "$BBFRAG"; } > "$BB/config.wanted"
    if ! cmp -s "$BB/config.wanted" "$BB/obj/.config.wanted"; then
        cp "$BB/config.wanted" "$BB/obj/.config"
        yes "" | $BBMAKE oldconfig > "$BB/config.log" 2>&1 ||
            { tail -n 20 "$BB/config.log"; die "BusyBox's configuration failed (see $BB/config.log)"; }
        check_config "$BBFRAG" "$BB/obj/.config"
        cp "$BB/config.wanted" "$BB/obj/.config.wanted"
    fi
    echo "linux: building BusyBox $bbversion with $JOBS jobs (log: $BB/build.log)"
    # BusyBox's make builds one goal at a time when it runs in parallel.
    { $BBMAKE -j"$JOBS" BB_EXTRA_VERSION="Debian $bbversion" all &&
      $BBMAKE busybox.links; } > "$BB/build.log" 2>&1 ||
        { tail -n 30 "$BB/build.log"; die "the BusyBox build failed (see $BB/build.log)"; }
    cp "$BB/obj/busybox" "$BB/busybox"
    cp "$BB/obj/busybox.links" "$BB/busybox.links"
    echo "$bbkey" > "$BB/stamp"
    echo "linux: BusyBox ready ($(stat -c %s "$BB/busybox") bytes," \
         "$(wc -l < "$BB/busybox.links") applets, $(($(date +%s) - bbstart)) s)"
fi

# --- The kernel's source tree, once per package version ---------------------------
# The marker is written last, so that an interrupted extraction is redone.
if [ "$(cat "$SRC/.rvh-source" 2>/dev/null)" != "$version" ]; then
    echo "linux: extracting $TARBALL ($PKG $version) into $SRC"
    rm -rf "$SRC"
    mkdir -p "$SRC"
    tar -xJf "$TARBALL" -C "$SRC" --strip-components=1
    echo "$version" > "$SRC/.rvh-source"
fi

# --- The initramfs list -----------------------------------------------------------
# gen_init_cpio reads the list (usr/gen_init_cpio.c documents its format);
# rvh.config's INITRAMFS_SOURCE names it relative to the kernel tree.  Every
# applet is a symbolic link to /bin/busybox, in the directory busybox.links
# gives it (/bin, /sbin, /usr/bin, /usr/sbin); /linuxrc is left out, /init is
# the script.
echo "linux: compiling $INSTRET"
# root's entry gives the shell its home: the prompt's \w shows it as ~.
echo "root:x:0:0:root:/root:/bin/sh" > "$OUT/passwd"
echo "root:x:0:" > "$OUT/group"
${CROSS_COMPILE}gcc -static -Os -s -Wall -Wextra -Werror -o "$OUT/rvh-instret" "$INSTRET"
{
    for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /root; do
        echo "dir $d 0755 0 0"
    done
    echo "dir /tmp 1777 0 0"
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "file /bin/busybox $abs_out/busybox/busybox 0755 0 0"
    grep -v -x -e /bin/busybox -e /linuxrc "$BB/busybox.links" |
        sed 's|.*|slink & /bin/busybox 0777 0 0|'
    echo "file /bin/rvh-instret $abs_out/rvh-instret 0755 0 0"
    echo "dir /etc 0755 0 0"
    echo "file /etc/passwd $abs_out/passwd 0644 0 0"
    echo "file /etc/group $abs_out/group 0644 0 0"
    echo "file /etc/inittab $(pwd)/$INITTAB 0644 0 0"
    echo "file /init $(pwd)/$INIT 0755 0 0"
} > "$OUT/initramfs.list.tmp"
mv "$OUT/initramfs.list.tmp" "$OUT/initramfs.list"

# --- The configuration -------------------------------------------------------------
echo "linux: configuring: tinyconfig + $FRAG"
{
    $KMAKE tinyconfig &&
    (cd "$SRC" && scripts/kconfig/merge_config.sh -m .config "$abs_frag") &&
    $KMAKE olddefconfig
} > "$OUT/config.log" 2>&1 || { tail -n 20 "$OUT/config.log"; die "configuration failed (see $OUT/config.log)"; }

check_config "$FRAG" "$SRC/.config"

# --- The kernel -----------------------------------------------------------------
echo "linux: building Image with $JOBS jobs (log: $OUT/build.log)"
kstart=$(date +%s)
$KMAKE -j"$JOBS" Image > "$OUT/build.log" 2>&1 ||
    { tail -n 30 "$OUT/build.log"; die "the kernel build failed (see $OUT/build.log)"; }
cp "$SRC/arch/riscv/boot/Image" "$OUT/Image"
echo "$key" > "$OUT/stamp"
echo "linux: $OUT/Image ready ($(stat -c %s "$OUT/Image") bytes; kernel $(($(date +%s) - kstart)) s," \
     "all $(($(date +%s) - start)) s); boot it with: make run GUEST=$OUT/Image"
