#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# fs_initrd.py OUT.cpio: the initrd tests/image/fs_test.c reads back ("initrd" part): nested
# folders, folders the archive leaves implicit, relative and absolute symlinks, a symlink loop
# and a 5 MiB file of known bytes, packed by GNU cpio (newc), independent of Mote's own tools.
import os
import subprocess
import sys
import tempfile

BIG = 5 << 20


def big_bytes():
    # Must match big_byte() in tests/image/fs_test.c.
    return bytes(((i * 7 + i // 4096 + (i >> 16)) & 0xFF) for i in range(BIG))


def main():
    out = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as top:
        def write(rel, data):
            path = os.path.join(top, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)

        write("etc/motd", b"hello from the initrd\n")
        write("data/nested/deeper/deepest/leaf.txt", b"leaf\n")
        write("data/big.bin", big_bytes())
        write("implicit/a/b/c.txt", b"no parent entries\n")
        os.makedirs(os.path.join(top, "empty"))
        os.makedirs(os.path.join(top, "tmp"))
        os.symlink("nested/deeper/deepest/leaf.txt", os.path.join(top, "data/link"))
        os.symlink("/data/big.bin", os.path.join(top, "abs"))
        os.symlink("loop2", os.path.join(top, "loop1"))
        os.symlink("loop1", os.path.join(top, "loop2"))
        names = []
        for root, dirs, files in os.walk(top):
            rel = os.path.relpath(root, top)
            # implicit/ and its folders are left out: the reader must make them itself.
            if rel != "." and not rel.startswith("implicit"):
                names.append(rel)
            for name in dirs + files:
                path = os.path.relpath(os.path.join(root, name), top)
                if os.path.islink(os.path.join(root, name)) or name in files:
                    names.append(path)
        names = sorted(set(names))
        listing = "".join(n + "\n" for n in names).encode()
        with open(out, "wb") as f:
            subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=top, input=listing, stdout=f,
                           check=True)


if __name__ == "__main__":
    main()
