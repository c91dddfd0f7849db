# SPDX-License-Identifier: MIT
# FAT images: mounted, walked, read and changed by fs/fat over tests/fat's host cache. Built
# here rather than by mote_fuzz_target because the FAT code needs tests/fat/shim's headers
# ahead of core's (MOTE_FAT_SOURCES/INCLUDES come from tests/fat/CMakeLists.txt).
set(out ${CMAKE_CURRENT_BINARY_DIR}/fuzz_fat)
set(incs)
foreach(i ${MOTE_FAT_INCLUDES})
  list(APPEND incs -I${i})
endforeach()
add_custom_command(OUTPUT ${out}
  COMMAND ${MOTE_CLANG} -g -O1 -fsanitize=fuzzer,address,undefined -DMOTE_HOST_TEST=1 ${incs}
    ${MOTE_FAT_SOURCES} ${MOTE_SOURCE_DIR}/tests/fuzz/fuzz_fat.c -o ${out}
  DEPENDS ${MOTE_FAT_SOURCES} ${MOTE_SOURCE_DIR}/tests/fuzz/fuzz_fat.c COMMENT "Building fuzz target fat" VERBATIM)
add_custom_target(fuzz_fat ALL DEPENDS ${out})
set(work ${CMAKE_CURRENT_BINARY_DIR}/corpus_fat)
add_test(NAME fuzz.fat
  COMMAND sh -c "rm -rf '${work}' && mkdir -p '${work}' && exec '${out}' -seed=1 -max_total_time=30 -timeout=10 -rss_limit_mb=2048 -max_len=200000 '${work}' '${MOTE_SOURCE_DIR}/tests/fuzz/corpus/fat'")
set_tests_properties(fuzz.fat PROPERTIES LABELS "fuzz;fs" TIMEOUT 180)
