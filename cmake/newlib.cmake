# SPDX-License-Identifier: MIT
# Builds newlib at configure time, once per set of flags, and defines mote_newlib: the interface
# target that gives image code newlib's headers instead of the host's. See docs/newlib.md.
include_guard(GLOBAL)

if(NOT DEFINED MOTE_NEWLIB_C_FLAGS OR NOT DEFINED MOTE_CC_INCLUDE_DIR)
  message(FATAL_ERROR "cmake/newlib.cmake needs cmake/toolchain-x86_64.cmake included first")
endif()

set(MOTE_NEWLIB_TARBALL /usr/src/newlib/newlib-3.3.0.tar.xz CACHE FILEPATH
  "newlib source tarball (installed by the Debian package newlib-source)")

get_filename_component(_mote_newlib_root ${CMAKE_CURRENT_LIST_DIR} DIRECTORY)
set(_mote_newlib_script ${_mote_newlib_root}/tools/build-newlib.sh)
# Editing the build script re-runs CMake, and its hash below then starts a fresh build.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_mote_newlib_script})

# A shared cache lets several build trees (each platform, CI's clean clone) pay for one build.
if(NOT "$ENV{MOTE_THIRD_PARTY_CACHE}" STREQUAL "")
  get_filename_component(_mote_newlib_cache "$ENV{MOTE_THIRD_PARTY_CACHE}" ABSOLUTE
    BASE_DIR ${CMAKE_BINARY_DIR})
else()
  set(_mote_newlib_cache ${CMAKE_BINARY_DIR}/third_party)
endif()

# The directory is named by what decides the library's contents: the flags, the source and the
# way it is configured. New flags get a new build; re-running CMake with the same ones does not.
list(JOIN MOTE_NEWLIB_C_FLAGS " " _mote_newlib_flags)
get_filename_component(_mote_newlib_tarname ${MOTE_NEWLIB_TARBALL} NAME)
file(SHA256 ${_mote_newlib_script} _mote_newlib_script_hash)
string(SHA256 _mote_newlib_hash "${_mote_newlib_flags}|${_mote_newlib_tarname}|${_mote_newlib_script_hash}")
string(SUBSTRING ${_mote_newlib_hash} 0 12 _mote_newlib_hash)
set(_mote_newlib_dir ${_mote_newlib_cache}/newlib-${_mote_newlib_hash})
set(MOTE_NEWLIB_PREFIX ${_mote_newlib_dir}/install)
set(MOTE_NEWLIB_LIBC ${MOTE_NEWLIB_PREFIX}/lib/libc.a)
set(MOTE_NEWLIB_LIBM ${MOTE_NEWLIB_PREFIX}/lib/libm.a)

if(NOT EXISTS ${_mote_newlib_dir}/stamp OR NOT EXISTS ${MOTE_NEWLIB_LIBC})
  file(MAKE_DIRECTORY ${_mote_newlib_cache})
  # Two configures sharing a cache must not build into the same directory at once: the second
  # waits, then finds the stamp the first one wrote.
  file(LOCK ${_mote_newlib_dir}.lock GUARD FILE TIMEOUT 0 RESULT_VARIABLE _mote_newlib_lock)
  if(NOT _mote_newlib_lock EQUAL 0)
    message(STATUS "newlib: waiting for another build of ${_mote_newlib_dir}")
    file(LOCK ${_mote_newlib_dir}.lock GUARD FILE TIMEOUT 3600 RESULT_VARIABLE _mote_newlib_lock)
    if(NOT _mote_newlib_lock EQUAL 0)
      message(FATAL_ERROR "newlib: could not lock ${_mote_newlib_dir}.lock: ${_mote_newlib_lock}")
    endif()
  endif()
endif()

if(NOT EXISTS ${_mote_newlib_dir}/stamp OR NOT EXISTS ${MOTE_NEWLIB_LIBC})
  find_program(_mote_newlib_make make)
  find_program(_mote_newlib_xz xz)
  if(NOT EXISTS ${MOTE_NEWLIB_TARBALL} OR NOT _mote_newlib_make OR NOT _mote_newlib_xz)
    execute_process(COMMAND ${_mote_newlib_root}/tools/deps.sh --only newlib-source make xz-utils
      RESULT_VARIABLE _mote_newlib_rc)
    if(NOT _mote_newlib_rc EQUAL 0)
      message(FATAL_ERROR "newlib: installing its source with tools/deps.sh failed")
    endif()
  endif()
  # Looked up afresh on the next build, not remembered in the cache.
  unset(_mote_newlib_make CACHE)
  unset(_mote_newlib_xz CACHE)
  if(NOT EXISTS ${MOTE_NEWLIB_TARBALL})
    message(FATAL_ERROR "newlib: no source tarball at ${MOTE_NEWLIB_TARBALL} "
      "(set MOTE_NEWLIB_TARBALL to where newlib-source put it)")
  endif()

  message(STATUS "newlib: building ${_mote_newlib_tarname} into ${_mote_newlib_dir}")
  file(REMOVE ${_mote_newlib_dir}/stamp)
  execute_process(
    COMMAND bash "${_mote_newlib_script}" "${MOTE_NEWLIB_TARBALL}" "${_mote_newlib_dir}/build"
      "${MOTE_NEWLIB_PREFIX}" "${_mote_newlib_flags}"
    RESULT_VARIABLE _mote_newlib_rc)
  if(NOT _mote_newlib_rc EQUAL 0)
    message(FATAL_ERROR "newlib: build failed (${_mote_newlib_rc}); "
      "full log in ${_mote_newlib_dir}/build/build.log")
  endif()
  # Written last: a build stopped half-way leaves no stamp and is redone.
  file(WRITE ${_mote_newlib_dir}/stamp "${_mote_newlib_tarname}\n${_mote_newlib_flags}\n")
  file(LOCK ${_mote_newlib_dir}.lock RELEASE)
else()
  message(STATUS "newlib: using ${MOTE_NEWLIB_PREFIX}")
endif()

# Newlib's headers first, then gcc's own (stddef.h, stdarg.h, float.h and the rest of limits.h);
# -nostdinc keeps glibc's /usr/include out of every kernel and application compile.
# gcc's directory is a compile option, not an include directory, because CMake drops include
# directories it knows to be the compiler's implicit ones, and -nostdinc removed this one.
# The libraries themselves are not linked here: the image link step places libc.a and libm.a
# itself, after the kernel and the application.
add_library(mote_newlib INTERFACE)
# Mote's own libc headers (pthread types, semaphore.h, ...) come first: some replace newlib's.
set(MOTE_LIBC_INCLUDE ${_mote_newlib_root}/libc/include)
target_include_directories(mote_newlib SYSTEM INTERFACE ${MOTE_LIBC_INCLUDE} ${MOTE_NEWLIB_PREFIX}/include)
target_compile_options(mote_newlib INTERFACE -nostdinc "SHELL:-isystem ${MOTE_CC_INCLUDE_DIR}")
