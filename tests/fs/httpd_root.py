#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# httpd_root.py: examples/httpd with --root, checked with curl from this machine's loopback.
# --source fat: the files are put on a FAT disk with mtools and served from /www (fs.mount);
# --source initrd: a cpio boot module made here, whose /www has symlinks leading out of it.
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import fat_disk  # noqa: E402
from net_guest import Guest, free_port  # noqa: E402  (tests/boot/net_guest.py)
from console_process import verdict  # noqa: E402  (tools/console_process.py)

INDEX = b"<html><body>index from the disk</body></html>\n"
SUB_INDEX = b"<p>the sub folder's index</p>\n"
SECRET = b"this file is outside the root\n"


def curl(port, path, *args):
    """(curl status, HTTP status, headers dict, body bytes) for http://127.0.0.1:port + path."""
    r = subprocess.run(["curl", "-s", "-S", "-m", "60", "--path-as-is", "-D", "-", *args,
                        f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head, _, body = r.stdout.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else None
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    return r.returncode, status, headers, body


def make_tree(top):
    """The served folder (www) and, beside it, a file that must never be served."""
    www = os.path.join(top, "www")
    for d in ("sub", "empty", "deep/er/est"):
        os.makedirs(os.path.join(www, d))
    files = {
        "index.html": INDEX,
        "hello.txt": b"hello from the disk\n",
        "big.bin": bytes((i * 131 + (i >> 9)) & 0xFF for i in range(1536 * 1024 + 77)),
        "sub/index.html": SUB_INDEX,
        "sub/page.txt": b"a page in the sub folder\n",
        "deep/er/est/a b.txt": b"a name with a space\n",
        "zero.txt": b"",
    }
    for rel, data in files.items():
        with open(os.path.join(www, rel), "wb") as f:
            f.write(data)
    with open(os.path.join(top, "secret.txt"), "wb") as f:
        f.write(SECRET)
    return www, files


def check(port, files, symlinks, fail):
    def expect(path, status, body=None, *args):
        rc, got, headers, data = curl(port, path, *args)
        if rc != 0 or got != status:
            fail(f"{path}: curl status {rc}, HTTP {got}, expected {status}")
            return
        if body is not None and data != body:
            fail(f"{path}: {len(data)} bytes that differ from the {len(body)} expected")
        if status == 200 and "-I" not in args and headers.get("content-length") != str(len(data)):
            fail(f"{path}: Content-Length {headers.get('content-length')}, body {len(data)} bytes")
        return headers

    for rel, data in files.items():
        expect("/" + rel.replace(" ", "%20"), 200, data)
    expect("/", 200, INDEX)
    expect("/sub", 200, SUB_INDEX)
    expect("/sub/", 200, SUB_INDEX)
    h = expect("/big.bin", 200, None, "-I")  # HEAD: curl -I shows the head only
    if h and h.get("content-length") != str(len(files["big.bin"])):
        fail(f"HEAD /big.bin: Content-Length {h.get('content-length')}, expected {len(files['big.bin'])}")
    h = expect("/hello.txt", 200, None)
    if h and not h.get("content-type", "").startswith("text/plain"):
        fail(f"/hello.txt: Content-Type {h.get('content-type')}")
    expect("/missing.txt", 404)
    expect("/sub/missing/x", 404)
    expect("/hello.txt/x", 404)
    expect("/empty/", 403)
    expect("/deep/er", 403)
    # Traversal: refused by the request parser whatever the encoding.
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/sub/%2E%2E/%2e%2e/secret.txt", "/sub/..%2fhello.txt",
                 "/..", "/%2e%2e"):
        rc, got, _, data = curl(port, path)
        if rc != 0 or got not in (400, 403, 404) or SECRET in data:
            fail(f"{path}: curl status {rc}, HTTP {got}: a path out of the root was not refused")
    for path in symlinks:
        expect(path, 403)
    # Still serving, and the embedded files are not (the disk's index is).
    expect("/index.html", 200, INDEX)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--machine", default="q35")
    ap.add_argument("--source", choices=("fat", "initrd"), required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("image")
    a = ap.parse_args()

    work = os.path.abspath(a.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    top = os.path.join(work, "tree")
    www, files = make_tree(top)
    qemu_args, cmdline, symlinks = [], [], []
    if a.source == "fat":
        img = os.path.join(work, "www.img")
        fat_disk.make_image(img, 16)
        fat_disk.put_files(img, www)
        dev = "virtio-blk-device" if a.machine == "microvm" else "virtio-blk-pci"
        qemu_args = [f"-drive file={img},if=none,format=raw,id=d0", f"-device {dev},drive=d0"]
        cmdline = ["fs.mount=blk0:/www"]
    else:
        os.symlink("../secret.txt", os.path.join(www, "out.txt"))
        os.symlink("/secret.txt", os.path.join(www, "abs.txt"))
        os.symlink("/", os.path.join(www, "top"))
        os.symlink("../../secret.txt", os.path.join(www, "empty", "index.html"))
        os.symlink("hello.txt", os.path.join(www, "in.txt"))
        files["in.txt"] = files["hello.txt"]
        symlinks = ["/out.txt", "/abs.txt", "/top/secret.txt", "/top/", "/empty/"]
        cpio = os.path.join(work, "root.cpio")
        names = subprocess.run(["find", "."], cwd=top, stdout=subprocess.PIPE, check=True).stdout
        with open(cpio, "wb") as out:
            subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=top, input=names, stdout=out, check=True)
        qemu_args = [f"-initrd {cpio}"]
    port = free_port()
    guest = Guest(a.runner, a.machine, a.image, [*cmdline, "--", "-p", "80", "--root", "/www"], a.log,
                  netdev=f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80", qemu_args=qemu_args,
                  memory="128M", timeout=240)
    failures = []
    try:
        if not guest.wait_for(r"httpd: serving the folder /www on port 80", 90):
            failures.append("httpd did not start serving /www")
        else:
            check(port, files, symlinks, failures.append)
    finally:
        out = guest.stop()
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    return verdict("httpd_root", out, failures, f"--root from {a.source} on {a.machine}: all checks passed")


if __name__ == "__main__":
    sys.exit(main())
