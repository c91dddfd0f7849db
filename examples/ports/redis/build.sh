#!/bin/sh
# SPDX-License-Identifier: MIT
# Redis 7.0 for Mote: fetches Debian's redis source package (apt-get source, as tools/fetch-lwip.sh
# fetches lwIP) into DEST, applies Debian's security fixes and builds redis-server with Redis's own
# Makefile and its bundled deps, `make CC=mote-<platform>-cc MALLOC=libc`. Gives DEST/redis-7.0.*/
#   examples/ports/redis/build.sh SDK_PREFIX PLATFORM DEST
set -eu
sdk=${1:?usage: build.sh SDK_PREFIX PLATFORM DEST}; platform=${2:?platform}; dest=${3:?dest}
cc=$sdk/bin/mote-$platform-cc
[ -x "$cc" ] || { echo "redis: no $cc (install the $platform SDK there)" >&2; exit 1; }
mkdir -p "$dest"
cd "$dest"
if ! ls redis_*.orig.tar.gz redis_*.debian.tar.xz >/dev/null 2>&1; then
	apt-get source --download-only redis >/dev/null
fi
src=$(tar tzf redis_*.orig.tar.gz | head -1 | cut -d/ -f1)
rm -rf "$src" debian
tar xzf redis_*.orig.tar.gz
tar xJf redis_*.debian.tar.xz
# Debian's series, less its packaging patches: the configuration defaults (/etc, /var/lib paths),
# kFreeBSD, CPPFLAGS, the system jemalloc, and get_current_dir_name in rdb.c (its result is freed
# with zfree, which with MALLOC=libc and no malloc_size() is not the allocator that made it).
skip='debian-packaging|kFreeBSD|CPPFLAGS|get_current_dir_name|USE_SYSTEM_JEMALLOC'
n=0
for p in $(grep -v -E "^#|$skip" debian/patches/series); do
	patch -d "$src" -p1 -s <"debian/patches/$p"
	n=$((n + 1))
done
echo "redis: $n of Debian's patches applied"
# MALLOC=libc: newlib's malloc (no jemalloc). The Makefile's Linux choices stay as they are
# (uname is the build machine's): -ldl, -lrt and -pthread are accepted by the driver, -rdynamic
# dropped. Only redis-server: the clients come from Debian's redis-tools on the host.
# main() gets 1 MiB (the SDK's default is 64 KiB): unit/keyspace's KEYS with a 100,000-character
# pattern recurses ~1,000 levels in Redis's matcher. OPT=-Os (Redis's Makefile records OPT in
# .make-settings, so OPTIMIZATION alone is overridden): the image strips to 1,978,056 bytes
# instead of 2,249,992, under issue 13's 2 MiB. REDIS_OPT=-O2 builds at Redis's own level instead
# (docs/bench.md, "bench-apps: Redis", has what -Os costs in requests/s).
MOTE_MAIN_STACK=1M make -C "$src/src" -j2 redis-server CC="$cc" MALLOC=libc OPT="${REDIS_OPT:--Os}"
echo "redis: $dest/$src/src/redis-server"
