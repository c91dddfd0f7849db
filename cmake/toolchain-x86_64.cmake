# SPDX-License-Identifier: MIT
# Freestanding x86_64 compile and link flags for everything that goes into an image: the kernel,
# newlib and the application. Host tools and unit tests in the same build tree use the host's
# normal flags, which is why these are a list applied per target and not CMAKE_C_FLAGS.

set(MOTE_KERNEL_C_FLAGS
  -ffreestanding                # no hosted C library behind the compiler's back
  -fno-pic -fno-pie             # one fixed load address: no GOT, no PLT
  -mno-red-zone                 # an interrupt or exception may land on the current stack
  -mcmodel=small                # the image is linked and identity-mapped below 2 GiB
  -march=x86-64 -mtune=generic  # baseline ISA: runs on any x86_64, TCG included
  -fno-omit-frame-pointer       # the fault diagnostic walks the frame-pointer chain
  -fstack-protector-strong      # canaries on functions with arrays or address-taken locals
  -mstack-protector-guard=global # the canary is __stack_chk_guard, not %fs:0x28 (no TLS yet at boot)
  -ffunction-sections -fdata-sections # lets --gc-sections drop what an application never calls
  -fno-asynchronous-unwind-tables # no .eh_frame: backtraces use frame pointers, images stay small
  -falign-functions=1 -falign-jumps=1 -falign-loops=1 # code packed tight, no padding nops: as
                                # Linux does for jumps and loops; 1,152 bytes of hello.kvm (issue 15)
  -malign-data=abi              # arrays at their ABI alignment, not 32 bytes: 152 bytes more
  -fno-strict-aliasing          # device and wire structures are read through casts
  -D__DYNAMIC_REENT__           # newlib's reentrancy struct comes from __getreent(), per thread
  -D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L # newlib declares clock_gettime and
                                # CLOCK_MONOTONIC only for targets that say they have them
  -D_POSIX_THREADS=1 -D_POSIX_TIMEOUTS=1 -D_UNIX98_THREAD_MUTEX_ATTRIBUTES=1
  -D_POSIX_CLOCK_SELECTION=1    # likewise pthreads, timed locks, mutex types, clock_nanosleep
                                # and pthread_condattr_setclock (libc/libc_pthread.c)
)

# newlib is built with the same flags as the kernel (minus the stack protector, which would
# call back into the kernel from every string function).
set(MOTE_NEWLIB_C_FLAGS
  -ffreestanding -fno-pic -fno-pie -mno-red-zone -mcmodel=small -march=x86-64 -mtune=generic
  -fno-omit-frame-pointer -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
  -falign-functions=1 -falign-jumps=1 -falign-loops=1 -malign-data=abi
  -D__DYNAMIC_REENT__ -O2)

set(MOTE_KERNEL_LINK_FLAGS
  -nostdlib -static -no-pie     # nothing from the host: the image is self-contained
  -Wl,--gc-sections             # drop unreferenced functions and data
  -Wl,-z,max-page-size=0x1000   # segments aligned to 4 KiB pages, not 2 MiB: small files
  -Wl,--build-id=none           # no note the loader would have to skip
  -Wl,-z,noexecstack
  -Wl,--no-warn-rwx-segments)   # the boot page tables are set up by Mote, not from ELF flags

# Link-time optimisation (MOTE_LTO, the top CMakeLists.txt says why). The kernel archive's objects
# carry GCC's IR beside their code (fat: a link with -fno-lto, or by a linker without GCC's plugin,
# uses the code); an image link optimises the kernel's IR as one program. GCC's plugin does so
# whenever it finds IR, -flto on the link says it outright; auto: as many LTO jobs as make's
# jobserver or the CPUs allow. GCC's default partitioning is kept: for hello.kvm's link
# -flto-partition=one, =none and -flto=1 cost the same CPU (2.4-2.7 s) and were no faster
# (docs/bench.md, "Sixth round"). The hot files' -O2 holds: GCC keeps each function's options.
set(MOTE_LTO_C_FLAGS -flto -ffat-lto-objects)
set(MOTE_LTO_LINK_FLAGS -flto=auto)

# The compiler's own headers (stddef.h, stdarg.h, ...) without the host's C library headers.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
  OUTPUT_VARIABLE MOTE_CC_INCLUDE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)
