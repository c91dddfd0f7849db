# SPDX-License-Identifier: MIT
# Host unit test of a mutex's lock word (core/private/mote/mutex_word.h): its transitions, and
# its fast paths from host threads on every CPU at once.
mote_unit_test(mutex_word ${CMAKE_CURRENT_SOURCE_DIR}/test_mutex_word.c)
target_include_directories(unit_mutex_word PRIVATE ${MOTE_SOURCE_DIR}/core/private)
find_package(Threads REQUIRED)
target_link_libraries(unit_mutex_word PRIVATE Threads::Threads)
