#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Turn a FAT image into a fuzz_fat input: its non-zero 512-byte sectors as records of
# (byte offset: u32 LE, length: u16 LE, bytes), runs merged up to 32 KiB.
#   fat_seed.py IMAGE OUTPUT
import struct
import sys

data = open(sys.argv[1], "rb").read()
out = bytearray()
run_start, run = None, bytearray()
for off in range(0, len(data), 512):
    sec = data[off:off + 512]
    if any(sec) and len(run) < 32768:
        if run_start is None:
            run_start = off
        run += sec
        continue
    if run_start is not None:
        out += struct.pack("<IH", run_start, len(run)) + run
        run_start, run = None, bytearray()
    if any(sec):
        run_start, run = off, bytearray(sec)
if run_start is not None:
    out += struct.pack("<IH", run_start, len(run)) + run
open(sys.argv[2], "wb").write(out)
