#!/usr/bin/env python3
"""labfilter.py SPEC.json [FOUND]: a noweb filter (notangle -filter) that turns the
exercise chunks of a lab's starter tree into stubs.

It reads noweb's pipeline markup on stdin and writes it to stdout, changed only
inside the definitions (between `@defn NAME` and `@end code`) of the chunks
that SPEC names. SPEC is a JSON list of exercises:

    {"lab": 4, "chunk": "tangled/vcpu/sbi.c", "chapter": "04-switch.nw",
     "functions": ["vcpu_sbi_call"], "mode": "functions"}

mode "functions" (the default): every C function defined at the top level of
the chunk (or only those listed in "functions") keeps its header and gets the
body `{ lab_stub("LAB N: not implemented: ..."); }`; everything else in the
chunk (declarations, macros, tables) is kept. mode "statements": the whole
definition becomes one `lab_stub(...);` statement. "chapter", if given,
restricts the change to the definitions in that chapter file. "guard" and
"fallback" (C code) make the stub `if (GUARD) lab_stub(...); FALLBACK`, for a
function that other labs' tests call in a trivial case: the starter handles
that case and stops on the others. Chunk references
(@use) inside a removed body are removed with it. lab_stub is declared
noreturn, so a stubbed function needs no return statement. FOUND, if given,
gets the index in SPEC of each exercise that was changed, one per line.
tools/lab.py imports it and calls filter_lines() directly.
"""
import json
import re
import sys

SENTINEL = 0xE000      # chr(SENTINEL + k) stands for the k-th @use of a definition


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plain(name):
    return name.replace("[[", "").replace("]]", "")


def message(ex, func=None):
    what = "<<%s>>" % plain(ex["chunk"])
    if func:
        what = "%s in %s" % (func, what)
    return "LAB %d: not implemented: %s" % (ex["lab"], what)


def top_level_bodies(text):
    """(header_start, open, close, name) of every function body at depth 0:
    a '{' at depth 0 whose header ends with ')'. Skips comments, strings,
    character constants and preprocessor lines."""
    out = []
    i, n, depth = 0, len(text), 0
    boundary = 0                       # where the current top-level item starts
    at_line_start = True
    open_pos = None
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    i += 1
                i += 1
            if depth == 0:
                boundary = i
            continue
        if c == "\n":
            at_line_start = True
            i += 1
            continue
        if c not in " \t":
            at_line_start = False
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            if depth == 0:
                header = re.sub(r"/\*.*?\*/", "", text[boundary:i], flags=re.S).strip()
                open_pos = i if header.endswith(")") else None
                if open_pos is not None:
                    m = re.search(r"([A-Za-z_]\w*)\s*\(", header)
                    name = m.group(1) if m else "?"
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                if open_pos is not None:
                    out.append((boundary, open_pos, i, name))
                    open_pos = None
                boundary = i + 1
        elif c == ";" and depth == 0:
            boundary = i + 1
        i += 1
    return out


def stub_definition(ex, text):
    """The new text of one definition of an exercise chunk."""
    if ex.get("mode") == "statements":
        indent = re.match(r"[ \t]*", text).group(0)
        return "%slab_stub(%s);\n" % (indent, c_string(message(ex)))
    want = ex.get("functions")
    pieces, last = [], 0
    for _, open_pos, close, name in top_level_bodies(text):
        if want is not None and name not in want:
            continue
        pieces.append(text[last:open_pos + 1])
        if "guard" in ex:              # keep the trivial case working
            pieces.append("\n    if (%s)\n        lab_stub(%s);\n    %s\n"
                          % (ex["guard"], c_string(message(ex, name)), ex["fallback"]))
        else:
            pieces.append("\n    lab_stub(%s);\n" % c_string(message(ex, name)))
        last = close
    pieces.append(text[last:])
    return "".join(pieces)


def to_markup(text, uses):
    """Markup lines for text, in which chr(SENTINEL + k) stands for uses[k]."""
    out = []
    for part in re.split("(\n|[%s-%s])" % (chr(SENTINEL), chr(SENTINEL + 0xfff)), text):
        if part == "\n":
            out.append("@nl")
        elif len(part) == 1 and SENTINEL <= ord(part) <= SENTINEL + 0xfff:
            out.append("@use " + uses[ord(part) - SENTINEL])
        elif part:
            out.append("@text " + part)
    return out


def filter_lines(spec, lines):
    """The markup lines, with the exercises of spec stubbed; and the indices in
    spec of the exercises that changed something."""
    out, i, cur_file, done = [], 0, "", set()
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if line.startswith("@file "):
            cur_file = line[6:].split("/")[-1]
        if not line.startswith("@defn "):
            continue
        exs = [e for e in spec if e["chunk"] == line[6:] and e.get("chapter", cur_file) == cur_file]
        if not exs:
            continue
        if i < len(lines) and lines[i] == "@nl":   # the definition line's own end
            out.append(lines[i])
            i += 1
        text, uses, keep = [], [], []
        while not lines[i].startswith("@end code"):
            l = lines[i]
            if l.startswith("@text "):
                text.append(l[6:])
            elif l == "@nl":
                text.append("\n")
            elif l.startswith("@use "):
                text.append(chr(SENTINEL + len(uses)))
                uses.append(l[5:])
            else:
                keep.append(l)             # @index, @xref and the like
            i += 1
        body = "".join(text)
        for ex in exs:
            new = stub_definition(ex, body)
            if new != body:
                done.add(id(ex))
            body = new
        out.extend(keep)
        out.extend(to_markup(body, uses))
    return out, {k for k, e in enumerate(spec) if id(e) in done}


def main():
    spec = json.load(open(sys.argv[1]))
    lines = sys.stdin.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out, done = filter_lines(spec, lines)
    if len(sys.argv) > 2:              # record which exercises were found
        with open(sys.argv[2], "a") as f:
            f.writelines("%d\n" % k for k in sorted(done))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
