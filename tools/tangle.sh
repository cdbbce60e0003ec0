#!/bin/sh
# tangle.sh DIR ROOT...: write each root of chapters/*.nw, without #line
# directives, under DIR (the committed tangled/ and asm/ when DIR is ".").
# Any warning from notangle (an undefined chunk, say) is an error.
set -eu
dir=$1; shift
err=$(mktemp); trap 'rm -f "$err"' EXIT
for root in "$@"; do
    mkdir -p "$dir/$(dirname "$root")"
    notangle -R"$root" chapters/*.nw > "$dir/$root.new" 2> "$err" || true
    if [ -s "$err" ]; then
        echo "tangle: $root:" >&2; cat "$err" >&2; rm -f "$dir/$root.new"; exit 1
    fi
    if [ ! -s "$dir/$root.new" ]; then
        echo "tangle: root <<$root>> is listed in tools/roots but no chapter defines it" >&2
        rm -f "$dir/$root.new"; exit 1
    fi
    if cmp -s "$dir/$root.new" "$dir/$root"; then rm "$dir/$root.new"
    else mv "$dir/$root.new" "$dir/$root"; fi
done
