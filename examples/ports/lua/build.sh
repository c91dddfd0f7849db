#!/bin/sh
# SPDX-License-Identifier: MIT
# Lua 5.4 for Mote, unpatched: fetches Debian's lua5.4 source package (apt-get source, as
# tools/fetch-lwip.sh fetches lwIP) into DEST and builds Lua's own Makefile, target posix, with
# `make CC=mote-<platform>-cc`. Gives DEST/lua-5.4.*/src/lua and luac as images.
#   examples/ports/lua/build.sh SDK_PREFIX PLATFORM DEST
# Upstream's tarball is used as it is: Debian's patches only change the build into shared
# libraries, which an image does not have.
set -eu
sdk=${1:?usage: build.sh SDK_PREFIX PLATFORM DEST}; platform=${2:?platform}; dest=${3:?dest}
cc=$sdk/bin/mote-$platform-cc
[ -x "$cc" ] || { echo "lua: no $cc (install the $platform SDK there)" >&2; exit 1; }
mkdir -p "$dest"
cd "$dest"
if ! ls lua5.4_*.orig.tar.gz >/dev/null 2>&1; then
	apt-get source --download-only lua5.4 >/dev/null
fi
src=$(tar tzf lua5.4_*.orig.tar.gz | head -1 | cut -d/ -f1)
rm -rf "$src"
tar xzf lua5.4_*.orig.tar.gz
# posix: LUA_USE_POSIX (mkstemp, popen, _setjmp); -std=gnu99 as upstream's CC says. Files only:
# the interpreter needs no network stack.
make -C "$src/src" posix CC="$cc -std=gnu99" MOTE_LIBS=fs
echo "lua: $dest/$src/src/lua"
