#!/bin/sh
# make linux: build build/linux/Image, a small Linux guest for RVH, from Debian's
# packages only: the kernel from linux-source-6.1, the compiler from
# gcc-riscv64-linux-gnu.  The configuration is `make tinyconfig` plus
# guests/linux/rvh.config; the initramfs built into the kernel holds one static
# program, guests/linux/init.c.
#
# Cached: when build/linux/Image exists and build/linux/stamp holds the same key
# (a hash of rvh.config, init.c, this script and the source package's version),
# nothing is done.  The source is extracted into build/linux/src once per
# package version; later builds there are incremental.
set -eu
cd "$(dirname "$0")/.."

B=${B:-build}
OUT=$B/linux
SRC=$OUT/src
PKG=linux-source-6.1
TARBALL=/usr/src/$PKG.tar.xz
FRAG=guests/linux/rvh.config
INIT=guests/linux/init.c
CROSS_COMPILE=riscv64-linux-gnu-

# A recipe of the top Makefile passes that make's command-line variables
# (B=..., CC=...) in MAKEFLAGS; the kernel's own make must not inherit them.
unset MAKEFLAGS MFLAGS MAKELEVEL
KMAKE="make -C $SRC ARCH=riscv CROSS_COMPILE=$CROSS_COMPILE"

die() { echo "linux: $*" >&2; exit 1; }

# --- What is needed, and is there anything to do? ------------------------------
for t in ${CROSS_COMPILE}gcc gcc make flex bison bc xz; do
    command -v "$t" >/dev/null 2>&1 || die "$t is missing: run make deps"
done
[ -f "$TARBALL" ] || die "$TARBALL is missing: run make deps"
[ -f /usr/riscv64-linux-gnu/lib/libc.a ] ||
    die "the static glibc for riscv64 (libc6-dev-riscv64-cross) is missing: run make deps"
version=$(dpkg-query -W -f='${Version}' $PKG)
key=$({ cat "$FRAG" "$INIT" tools/linux.sh; echo "$PKG $version"; } | sha256sum | cut -d' ' -f1)

if [ -f "$OUT/Image" ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$key" ]; then
    echo "linux: $OUT/Image is up to date"
    exit 0
fi
start=$(date +%s)
mkdir -p "$OUT"
rm -f "$OUT/stamp"
abs_out=$(cd "$OUT" && pwd)
abs_frag=$(pwd)/$FRAG

# --- The source tree, once per package version ----------------------------------
# The marker is written last, so that an interrupted extraction is redone.
if [ "$(cat "$SRC/.rvh-source" 2>/dev/null)" != "$version" ]; then
    echo "linux: extracting $TARBALL ($PKG $version) into $SRC"
    rm -rf "$SRC"
    mkdir -p "$SRC"
    tar -xJf "$TARBALL" -C "$SRC" --strip-components=1
    echo "$version" > "$SRC/.rvh-source"
fi

# --- /init and the initramfs list -----------------------------------------------
# gen_init_cpio reads the list (usr/gen_init_cpio.c documents its format);
# rvh.config's INITRAMFS_SOURCE names it relative to the kernel tree.
echo "linux: compiling $INIT"
${CROSS_COMPILE}gcc -static -Os -s -Wall -Wextra -Werror -o "$OUT/init" "$INIT"
cat > "$OUT/initramfs.list.tmp" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $abs_out/init 0755 0 0
EOF
mv "$OUT/initramfs.list.tmp" "$OUT/initramfs.list"

# --- The configuration -------------------------------------------------------------
echo "linux: configuring: tinyconfig + $FRAG"
{
    $KMAKE tinyconfig &&
    (cd "$SRC" && scripts/kconfig/merge_config.sh -m .config "$abs_frag") &&
    $KMAKE olddefconfig
} > "$OUT/config.log" 2>&1 || { tail -n 20 "$OUT/config.log"; die "configuration failed (see $OUT/config.log)"; }

# Kconfig drops silently what it cannot have (an unmet dependency, a misspelt
# name): every CONFIG_ line of the fragment must be in .config as written.
lost=0
while IFS= read -r line; do
    case $line in
        CONFIG_*=*) name=${line%%=*} ;;
        "# CONFIG_"*" is not set") name=${line#\# }; name=${name%% *} ;;
        *) continue ;;
    esac
    if ! grep -qxF "$line" "$SRC/.config"; then
        got=$(grep -E "^(# )?$name[= ]" "$SRC/.config" || echo "(absent)")
        echo "linux: $FRAG wants '$line', .config has '$got'" >&2
        lost=1
    fi
done < "$FRAG"
[ $lost -eq 0 ] || die "the configuration lost lines of $FRAG (see above)"

# --- The kernel -----------------------------------------------------------------
echo "linux: building Image with $(nproc) jobs (log: $OUT/build.log)"
$KMAKE -j"$(nproc)" Image > "$OUT/build.log" 2>&1 ||
    { tail -n 30 "$OUT/build.log"; die "the kernel build failed (see $OUT/build.log)"; }
cp "$SRC/arch/riscv/boot/Image" "$OUT/Image"
echo "$key" > "$OUT/stamp"
echo "linux: $OUT/Image ready ($(stat -c %s "$OUT/Image") bytes, $(($(date +%s) - start)) s);" \
     "boot it with: make run GUEST=$OUT/Image"
