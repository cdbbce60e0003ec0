#!/bin/sh
# check-tangle.sh ROOT...: fail if the committed tangled/ and asm/ are not exactly
# what chapters/*.nw produce, or if the chapters define a root tools/roots lacks.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0

noroots chapters/*.nw | sed -e 's/^<<//' -e 's/>>$//' | sort > "$tmp/found"
printf '%s\n' "$@" | sort > "$tmp/expected"
if ! cmp -s "$tmp/found" "$tmp/expected"; then
    echo "check-tangle: the chapters' roots differ from tools/roots (< chapters, > tools/roots):"
    diff "$tmp/found" "$tmp/expected" | grep '^[<>]' || true
    status=1
fi

sh tools/tangle.sh "$tmp/out" "$@" || exit 1
for root in "$@"; do
    if ! cmp -s "$tmp/out/$root" "$root" 2>/dev/null; then
        echo "check-tangle: $root differs from what the chapters produce (run make tangle)"
        diff -u "$root" "$tmp/out/$root" 2>&1 | head -n 20 || true
        status=1
    fi
done
# A generated file that no root produces any more is stale.
for f in $(find tangled asm -type f 2>/dev/null | sort); do
    grep -qxF "$f" "$tmp/expected" || { echo "check-tangle: $f is not produced by any root"; status=1; }
done
[ $status -eq 0 ] && echo "check-tangle: tangled/ and asm/ match the chapters ($# roots)"
exit $status
