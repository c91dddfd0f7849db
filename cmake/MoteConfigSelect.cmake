# SPDX-License-Identifier: MIT
# find_package(Mote) in an installed SDK: the SDK of the platform PLATFORM names (kvm when it is
# unset), from lib/cmake/Mote/<platform>/. Several platforms share one prefix; this file only
# chooses, and says which platforms the prefix has when the one asked for is missing.
if(DEFINED PLATFORM AND NOT PLATFORM STREQUAL "")
  set(_mote_want ${PLATFORM})
elseif(DEFINED ENV{PLATFORM} AND NOT "$ENV{PLATFORM}" STREQUAL "")
  set(_mote_want $ENV{PLATFORM})
else()
  set(_mote_want kvm)
endif()
if(NOT EXISTS ${CMAKE_CURRENT_LIST_DIR}/${_mote_want}/MotePlatform.cmake)
  file(GLOB _mote_have RELATIVE ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_CURRENT_LIST_DIR}/*/MotePlatform.cmake)
  list(TRANSFORM _mote_have REPLACE "/MotePlatform.cmake$" "")
  list(JOIN _mote_have ", " _mote_have)
  set(Mote_FOUND FALSE)
  set(Mote_NOT_FOUND_MESSAGE
    "the Mote SDK in ${CMAKE_CURRENT_LIST_DIR} has no PLATFORM '${_mote_want}' (installed: ${_mote_have})")
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/${_mote_want}/MotePlatform.cmake)
