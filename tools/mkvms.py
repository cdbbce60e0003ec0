#!/usr/bin/env python3
"""mkvms.py OUT IMAGE[:OPTIONS] ...: the image of several VMs (chapter 11).

Writes OUT, a cpio archive in the "newc" format (what `cpio -o -H newc`
writes): member vmN.img is the N-th IMAGE, and member "vms" lists them, one
line per VM, "vmN.img OPTIONS" with the options' colons turned into spaces
(e.g. build/linux/Image:vcpus=2:mem=64M gives "vm1.img vcpus=2 mem=64M").
"""
import sys


def member(name, data):
    name_b = name.encode() + b"\0"
    fields = [0, 0o100644, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields) + name_b
    head += b"\0" * (-len(head) % 4)
    return head + data + b"\0" * (-len(data) % 4)


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: mkvms.py OUT IMAGE[:OPTIONS] ...")
    out, specs = argv[1], argv[2:]
    lines, members = [], []
    for n, spec in enumerate(specs):
        path, _, opts = spec.partition(":")
        with open(path, "rb") as f:
            members.append(member("vm%d.img" % n, f.read()))
        lines.append(("vm%d.img %s" % (n, opts.replace(":", " "))).rstrip())
    archive = member("vms", ("\n".join(lines) + "\n").encode())
    archive += b"".join(members) + member("TRAILER!!!", b"")
    with open(out, "wb") as f:
        f.write(archive)
    print("mkvms: %s: %d VMs, %d bytes" % (out, len(specs), len(archive)))


if __name__ == "__main__":
    main(sys.argv)
