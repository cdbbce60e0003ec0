#!/bin/sh
# book.sh CHAPTER...: weave every chapter in one noweave run and build
# build/book.pdf from book/rvh.tex. An undefined reference, citation or chunk
# is a failure, not a warning.  PAPER=a4 (the default) or PAPER=letter.
set -eu
paper=${PAPER:-a4}
case "$paper" in
    a4) paper_opt=a4paper ;;
    letter) paper_opt=letterpaper ;;
    *) echo "book: PAPER must be a4 or letter, not '$paper'"; exit 1 ;;
esac
out=build/book
mkdir -p "$out"
rm -f build/book.pdf "$out/rvh.aux"
noweave -n -index -autodefs c -filter "$(pwd)/tools/nw-underscore" "$@" > "$out/body.tex"
if ! grep -q '\\nwfilename' "$out/body.tex"; then
    echo "book: noweave produced no chapters"; exit 1
fi
cp book/*.tex "$out/"
# The performance chapter's numbers and charts: from the last make bench if
# there was one (tools/bench.py writes them, without running QEMU), else the
# committed book/bench-figures.tex.
if [ -f build/bench.json ] && grep -q linux_boot_instructions_rvh build/bench.json; then
    python3 tools/bench.py --tex build/bench.json "$out/bench-figures.tex"
fi
printf '\\def\\rvhpaper{%s}\n' "$paper_opt" > "$out/paper.tex"
cd "$out"
export TEXINPUTS=".:../../book:"
export max_print_line=1000
if ! latexmk -pdf -e '$max_repeat=10' -interaction=nonstopmode -halt-on-error rvh.tex > latexmk.log 2>&1; then
    tail -n 40 rvh.log 2>/dev/null || tail -n 40 latexmk.log
    echo "book: LaTeX failed (build/book/rvh.log)"; exit 1
fi
if grep -nE "undefined references|Reference .* undefined|Citation .* undefined|There were undefined|Label\(s\) may have changed" rvh.log; then
    echo "book: build/book/rvh.log has undefined references"; exit 1
fi
if grep -n "never defined" body.tex | head -n 5 | grep .; then
    echo "book: a chunk is used but never defined"; exit 1
fi
cp rvh.pdf ../book.pdf
pages=$(sed -n 's/^Output written on rvh.pdf (\([0-9]*\) page.*/\1/p' rvh.log)
echo "book: build/book.pdf, ${pages:-?} pages, $paper paper"
