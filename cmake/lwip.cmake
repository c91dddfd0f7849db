# SPDX-License-Identifier: MIT
# Fetches lwIP's source from Debian's source package at configure time (tools/fetch-lwip.sh),
# patched with net/lwip-patches/*.patch, once per version of the script and the patches, into
# the third-party cache shared by build trees, and lists the sources net/CMakeLists.txt compiles
# freestanding with the kernel's flags. See docs/net.md.
include_guard(GLOBAL)

get_filename_component(_mote_lwip_root ${CMAKE_CURRENT_LIST_DIR} DIRECTORY)
set(_mote_lwip_script ${_mote_lwip_root}/tools/fetch-lwip.sh)
file(GLOB _mote_lwip_patches ${_mote_lwip_root}/net/lwip-patches/*.patch)
list(SORT _mote_lwip_patches)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_mote_lwip_script}
  ${_mote_lwip_root}/net/lwip-patches ${_mote_lwip_patches})

# The same cache as newlib's (cmake/newlib.cmake): several build trees fetch once.
if(NOT "$ENV{MOTE_THIRD_PARTY_CACHE}" STREQUAL "")
  get_filename_component(_mote_lwip_cache "$ENV{MOTE_THIRD_PARTY_CACHE}" ABSOLUTE
    BASE_DIR ${CMAKE_BINARY_DIR})
else()
  set(_mote_lwip_cache ${CMAKE_BINARY_DIR}/third_party)
endif()
# The cache key covers the script and every patch (name and content): a changed, added or removed
# patch makes a new cache entry, and an entry another tree still uses is never rewritten.
file(SHA256 ${_mote_lwip_script} _mote_lwip_hash)
foreach(_p ${_mote_lwip_patches})
  file(SHA256 ${_p} _h)
  get_filename_component(_n ${_p} NAME)
  string(APPEND _mote_lwip_hash " ${_n} ${_h}")
endforeach()
string(SHA256 _mote_lwip_hash "${_mote_lwip_hash}")
string(SUBSTRING ${_mote_lwip_hash} 0 12 _mote_lwip_hash)
set(_mote_lwip_dir ${_mote_lwip_cache}/lwip-${_mote_lwip_hash})
set(MOTE_LWIP_SRC ${_mote_lwip_dir}/src/src)

if(NOT EXISTS ${_mote_lwip_dir}/stamp)
  file(MAKE_DIRECTORY ${_mote_lwip_cache})
  # Two configures sharing the cache: the second waits for the first's stamp.
  file(LOCK ${_mote_lwip_dir}.lock GUARD FILE TIMEOUT 1800 RESULT_VARIABLE _mote_lwip_lock)
  if(NOT _mote_lwip_lock EQUAL 0)
    message(FATAL_ERROR "lwip: could not lock ${_mote_lwip_dir}.lock: ${_mote_lwip_lock}")
  endif()
  if(NOT EXISTS ${_mote_lwip_dir}/stamp)
    message(STATUS "lwip: fetching Debian's source package into ${_mote_lwip_dir}")
    execute_process(COMMAND bash ${_mote_lwip_script} ${_mote_lwip_dir}
      RESULT_VARIABLE _mote_lwip_rc)
    if(NOT _mote_lwip_rc EQUAL 0)
      message(FATAL_ERROR "lwip: fetching the source failed (${_mote_lwip_rc}); see ${_mote_lwip_dir}/fetch.log")
    endif()
    # Written last: a fetch stopped half-way leaves no stamp and is redone.
    file(WRITE ${_mote_lwip_dir}/stamp "lwip source\n")
  endif()
  file(LOCK ${_mote_lwip_dir}.lock RELEASE)
else()
  message(STATUS "lwip: using ${_mote_lwip_dir}/src")
endif()

# The core protocols, the sequential and socket APIs, and Ethernet: no PPP, 6LoWPAN, SLIP or
# the bundled applications.
file(GLOB MOTE_LWIP_SOURCES
  ${MOTE_LWIP_SRC}/core/*.c
  ${MOTE_LWIP_SRC}/core/ipv4/*.c
  ${MOTE_LWIP_SRC}/core/ipv6/*.c
  ${MOTE_LWIP_SRC}/api/*.c)
list(APPEND MOTE_LWIP_SOURCES ${MOTE_LWIP_SRC}/netif/ethernet.c)
# getaddrinfo is Mote's own (net/net_netdb.c): lwIP's netdb.c writes BSD's sin_len fields,
# which Mote's Linux-shaped sockaddr structures do not have.
list(REMOVE_ITEM MOTE_LWIP_SOURCES ${MOTE_LWIP_SRC}/api/netdb.c)
set(MOTE_LWIP_INCLUDE ${MOTE_LWIP_SRC}/include)
