#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds newlib's libc.a and libm.a freestanding for Mote with the host's gcc and binutils and
# installs them flat: PREFIX/include, PREFIX/lib/libc.a, PREFIX/lib/libm.a. Run by cmake/newlib.cmake.
set -euo pipefail

if (($# != 4)); then
	echo "usage: $0 SRC_TARBALL BUILD_DIR PREFIX \"CFLAGS\"" >&2
	exit 2
fi
tarball=$1
build_dir=$2
prefix=$3
cflags=$4

if [[ ! -f $tarball ]]; then
	echo "newlib: no source tarball at $tarball (tools/deps.sh newlib-source installs it)" >&2
	exit 1
fi
for tool in make tar xz gcc ar as ld nm ranlib objcopy strip readelf; do
	if ! command -v "$tool" >/dev/null; then
		echo "newlib: '$tool' is missing (tools/deps.sh installs what the build needs)" >&2
		exit 1
	fi
done

# configure wants absolute paths: it runs from the object directory.
mkdir -p "$build_dir" "$prefix"
build_dir=$(cd "$build_dir" && pwd)
prefix=$(cd "$prefix" && pwd)
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
# Both get emptied below: refuse the root directory however it was spelled.
if [[ $build_dir == / || $prefix == / ]]; then
	echo "newlib: BUILD_DIR and PREFIX must not be /" >&2
	exit 2
fi
src=$build_dir/src
obj=$build_dir/obj
log=$build_dir/build.log
start=$SECONDS

fail() {
	echo "newlib: $1 failed; the last 40 lines of $log:" >&2
	tail -n 40 "$log" >&2
	# A parallel make goes on after the first error, which can scroll out of the tail.
	if grep -q 'error:' "$log"; then
		echo "newlib: the first errors in the log:" >&2
		grep -m 5 'error:' "$log" >&2
	fi
	exit 1
}

# The caller's environment is for Mote's own build: host CFLAGS (sanitizers, say) or a parent
# make's jobserver must not reach newlib's configure and make.
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS MAKEFLAGS MFLAGS MAKELEVEL

# A previous run that failed half-way leaves stale objects and a half-installed prefix.
rm -rf "$src" "$obj" "${prefix:?}/include" "${prefix:?}/lib" "${prefix:?}/x86_64-elf" "${prefix:?}/share"
mkdir -p "$src" "$obj"
: >"$log"

echo "newlib: extracting $(basename "$tarball")"
# Debian's tarball has a top directory named after its packaging branch, not the version.
tar -xf "$tarball" -C "$src" --strip-components=1 >>"$log" 2>&1 || fail "extracting"
[[ -x $src/configure ]] || fail "finding configure in $tarball"

# -nostdinc then gcc's own directory: configure's FLAGS_FOR_TARGET already puts newlib's headers
# first on the command line (before CFLAGS), and without -nostdinc the host gcc would fall back
# to glibc's /usr/include for anything newlib lacks, mixing two C libraries' types. gcc's
# directory still supplies stddef.h, stdarg.h, float.h and the tail of limits.h.
# REENTRANT_SYSCALLS_PROVIDED and -UMISSING_SYSCALL_NAMES: libc.a calls the _write_r, _sbrk_r...
# functions, which Mote defines, so the kernel's glue sets errno in the caller's struct _reent and
# takes no names (write, sbrk...) from the application's namespace. configure.host defines
# MISSING_SYSCALL_NAMES for every target without a syscall directory, and with both defined
# <reent.h> turns each _r call back into a call to the POSIX name; CFLAGS come after newlib's
# own flags on each compile line, so the -U wins.
# GETREENT_PROVIDED: no fallback __getreent() returning one global struct _reent; Mote's per-thread
# one must be linked, and forgetting it is a link error instead of threads sharing errno.
# -Wa,--noexecstack: newlib's x86_64 memcpy.S and memset.S lack the .note.GNU-stack section, and
# ld warns that any program linking them wants an executable stack.
cc_include=$(gcc -print-file-name=include)
target_cflags="$cflags -DREENTRANT_SYSCALLS_PROVIDED -UMISSING_SYSCALL_NAMES -DGETREENT_PROVIDED"
target_cflags+=" -Wa,--noexecstack -nostdinc -isystem $cc_include"

echo "newlib: configuring"
# --target=x86_64-elf: the bare ELF target has no newlib/libc/sys directory, so newlib assumes no
#   operating system; its host is this machine, so configure takes the *_FOR_TARGET tools below
#   (the host's gcc and binutils, which generate the same x86_64 SysV code) instead of looking
#   for an x86_64-elf-gcc cross compiler.
# --disable-multilib: one flavour only, built with exactly the flags passed in.
# --disable-newlib-supplied-syscalls: no stub _write/_sbrk... in libc.a: Mote provides the _r
#   system call functions itself.
# --enable-newlib-retargetable-locking: newlib's locks become __retarget_lock_* calls that Mote's
#   scheduler implements, instead of being compiled away.
# --enable-newlib-io-c99-formats: printf/scanf know %hhd, %zu, %jd, %td and %a.
# --enable-newlib-io-long-long: printf/scanf know %lld and %llu.
# --disable-nls: no message catalogues.
# MAKEINFO=true: the info manuals are not wanted and texinfo need not be installed.
(cd "$obj" && "$src/configure" \
	--target=x86_64-elf \
	--prefix="$prefix" \
	--disable-multilib \
	--disable-newlib-supplied-syscalls \
	--enable-newlib-retargetable-locking \
	--enable-newlib-io-c99-formats \
	--enable-newlib-io-long-long \
	--disable-nls \
	CC_FOR_TARGET=gcc \
	AR_FOR_TARGET=ar \
	AS_FOR_TARGET=as \
	LD_FOR_TARGET=ld \
	NM_FOR_TARGET=nm \
	RANLIB_FOR_TARGET=ranlib \
	OBJCOPY_FOR_TARGET=objcopy \
	OBJDUMP_FOR_TARGET=objdump \
	READELF_FOR_TARGET=readelf \
	STRIP_FOR_TARGET=strip \
	CFLAGS_FOR_TARGET="$target_cflags" \
	MAKEINFO=true) >>"$log" 2>&1 || fail "configuring"

echo "newlib: building (a few minutes)"
make -C "$obj" -j"$(nproc)" all-target-newlib >>"$log" 2>&1 || fail "building"

echo "newlib: installing"
make -C "$obj" install-target-newlib >>"$log" 2>&1 || fail "installing"

# The install puts everything under PREFIX/x86_64-elf/, as a cross toolchain's sysroot would;
# Mote's CMake wants one flat include and lib directory.
mv "$prefix/x86_64-elf/include" "$prefix/include"
mv "$prefix/x86_64-elf/lib" "$prefix/lib"
rm -rf "$prefix/x86_64-elf" "$prefix/share"

for f in include/stdio.h include/newlib.h lib/libc.a lib/libm.a; do
	[[ -f $prefix/$f ]] || fail "installing $f"
done

# Each C compile line must carry the flags that make the code safe in the kernel: a compile
# without -mno-red-zone would let an interrupt overwrite its locals, one without -nostdinc may
# have read glibc's headers, one without -UMISSING_SYSCALL_NAMES calls write() and not _write_r().
# Target compiles are told apart from host tools (newlib's makedoc) by newlib's targ-include.
grep -E '^[[:space:]]*gcc .*/targ-include .* -c .*\.c' "$log" >"$build_dir/compiles.txt" || true
compiles=$(wc -l <"$build_dir/compiles.txt")
if ((compiles == 0)); then
	fail "finding the compile lines in the log"
fi
for flag in -mno-red-zone -nostdinc -fno-pic -UMISSING_SYSCALL_NAMES; do
	if [[ " $target_cflags " != *" $flag "* ]]; then
		continue
	fi
	with_flag=$(grep -c -- " $flag " "$build_dir/compiles.txt" || true)
	if ((with_flag != compiles)); then
		echo "newlib: only $with_flag of $compiles compile lines in $log have $flag" >&2
		exit 1
	fi
done

# Non-PIC code addresses data directly; a GOT-relative relocation means some object was
# compiled position-independent and would need a GOT the image does not have.
got_relocs=$(readelf -rW "$prefix/lib/libc.a" "$prefix/lib/libm.a" | grep -c 'GOTPC\|GOTOFF\|GOT32' || true)
if ((got_relocs != 0)); then
	echo "newlib: libc.a/libm.a have $got_relocs GOT-relative relocations: not built non-PIC" >&2
	exit 1
fi

# The system calls are Mote's: libc.a must only refer to them.
if nm "$prefix/lib/libc.a" | grep -qE ' T (_write_r|_sbrk_r|__getreent)$'; then
	echo "newlib: libc.a defines its own _write_r, _sbrk_r or __getreent: Mote's would be ignored" >&2
	exit 1
fi

# The extracted source and objects are ~110 MB; the log stays for whoever wants to see what ran.
if [[ -z ${MOTE_NEWLIB_KEEP_BUILD-} ]]; then
	rm -rf "$src" "$obj" "$build_dir/compiles.txt"
fi

echo "newlib: done in $((SECONDS - start)) s ($compiles files compiled with the kernel flags," \
	"no GOT relocations) -> $prefix"
