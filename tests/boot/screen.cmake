# SPDX-License-Identifier: MIT
# Baremetal only (issue 12): the screen console, checked on QEMU's screendump against the font
# the image draws with (screen_test.py), and boot modules through GRUB's module2 (the initrd).
# Labels baremetal and screen or fs.
if(NOT PLATFORM STREQUAL "baremetal")
  return()
endif()

# mote_screen_test(NAME MACHINE m [FIRMWARE uefi] IMAGE app STATUS n SIZE WxH [SCREEN mode]
#                  [LINES regex...] [ABSENT regex...] [ARGS words...])
# LINES must each match a whole line of the screen; ABSENT must match none (scrolled away).
function(mote_screen_test name)
  cmake_parse_arguments(T "" "MACHINE;FIRMWARE;IMAGE;STATUS;SIZE;SCREEN" "LINES;ABSENT;ARGS" ${ARGN})
  set(machine ${T_MACHINE})
  set(opts --machine ${T_MACHINE} --size ${T_SIZE} --status ${T_STATUS})
  if(T_FIRMWARE)
    list(APPEND opts --firmware ${T_FIRMWARE})
    set(machine ${T_MACHINE}-${T_FIRMWARE})
  endif()
  if(T_SCREEN)
    list(APPEND opts --screen ${T_SCREEN})
  endif()
  foreach(re ${T_LINES})
    list(APPEND opts --line ${re})
  endforeach()
  foreach(re ${T_ABSENT})
    list(APPEND opts --absent ${re})
  endforeach()
  set(test baremetal.${name}.${machine})
  add_test(NAME ${test}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/screen_test.py
      --runner ${MOTE_SOURCE_DIR}/tools/mote-run --font-cache ${MOTE_SCREEN_FONT_CACHE}
      --dump ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.ppm --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log
      ${opts} $<TARGET_FILE_DIR:${T_IMAGE}.elf>/${T_IMAGE}.iso ${T_ARGS})
  set_tests_properties(${test} PROPERTIES LABELS "baremetal;screen" TIMEOUT 240)
endfunction()

# The boot seen on the screen: the banner, the program's lines, the exit. VGA text mode is
# 720x400 (80x25 cells of 9x16 pixels); a framebuffer has GRUB's mode (SeaBIOS's VBE), or on
# UEFI OVMF's, where GRUB's choice is 800x600.
set(hello_lines "mote: Mote on baremetal: [0-9]+ KiB RAM, [0-9]+ KiB free" "Hello from Mote!"
  "argv\\[1\\] = \"on the screen\"" "mote: exit status 0")
mote_screen_test(screen-text MACHINE pc IMAGE hello STATUS 0 SIZE 720x400 SCREEN text
  LINES ${hello_lines} ARGS -- "on the screen")
mote_screen_test(screen-text MACHINE q35 IMAGE hello STATUS 0 SIZE 720x400 SCREEN text
  LINES ${hello_lines} ARGS -- "on the screen")
mote_screen_test(screen-fb32 MACHINE q35 IMAGE hello STATUS 0 SIZE 1024x768 SCREEN 1024x768x32
  LINES ${hello_lines} ARGS -- "on the screen")
mote_screen_test(screen-fb24 MACHINE pc IMAGE hello STATUS 0 SIZE 800x600 SCREEN 800x600x24
  LINES ${hello_lines} ARGS -- "on the screen")
mote_screen_test(screen-fb16 MACHINE q35 IMAGE hello STATUS 0 SIZE 640x480 SCREEN 640x480x16
  LINES ${hello_lines} ARGS -- "on the screen")
mote_screen_test(screen-fb MACHINE q35 FIRMWARE uefi IMAGE hello STATUS 0 SIZE 800x600
  LINES ${hello_lines} ARGS -- "on the screen")

# A fault on the screen: the diagnostic, registers and backtrace. How many lines the report
# takes depends on how many frames the compiler left (LTO inlines some), so whether it scrolls
# the banner away is not checked here but by screen-scroll below.
set(fault_lines "mote: fatal: page fault \\(vector 14\\) at 0x[0-9a-f]+ \\(null_dereference\\+0x[0-9a-f]+\\)"
  "  address 0x0000000000000000: read from a non-present page" "registers:" "backtrace:"
  "  #1  0x[0-9a-f]+ main\\+0x[0-9a-f]+" "mote: stopping with status 123")
mote_screen_test(screen-panic MACHINE q35 IMAGE fault STATUS 123 SIZE 720x400 SCREEN text
  LINES ${fault_lines} ARGS -- null)
mote_screen_test(screen-panic MACHINE q35 FIRMWARE uefi IMAGE fault STATUS 123 SIZE 800x600
  LINES ${fault_lines} "mote: Mote on baremetal: .*" ARGS -- null)

# Text mode scrolls: hello's 30 argument lines, with the banner and greeting, are more than the
# 25 rows, so the first lines have gone and the last ones are at the bottom.
set(scroll_args)
foreach(i RANGE 1 30)
  list(APPEND scroll_args w${i})
endforeach()
mote_screen_test(screen-scroll MACHINE q35 IMAGE hello STATUS 0 SIZE 720x400 SCREEN text
  LINES "argv\\[30\\] = \"w30\"" "mote: exit status 0"
  ABSENT "mote: Mote on baremetal: .*" "Hello from Mote!" "argv\\[1\\] = \"w1\"" ARGS -- ${scroll_args})

# Boot modules through GRUB: fs.cmake's fs-initrd gives the initrd at boot (mote-run --module: a
# copy of the ISO with a module2 line); here it is built into the ISO (add_unikernel(... INITRD
# file)).
set(bm_initrd ${CMAKE_CURRENT_BINARY_DIR}/bm_initrd.cpio)
add_custom_command(OUTPUT ${bm_initrd}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fs_initrd.py ${bm_initrd}
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fs_initrd.py COMMENT "Test initrd (cpio newc)" VERBATIM)
add_custom_target(bm_initrd_cpio ALL DEPENDS ${bm_initrd})
add_unikernel(fs_initrd_test SOURCES ${MOTE_SOURCE_DIR}/tests/image/fs_test.c LIBRARIES mote_fs
  INITRD ${bm_initrd})
add_dependencies(fs_initrd_test.elf bm_initrd_cpio)
mote_boot_test(fs-initrd-builtin IMAGE fs_initrd_test STATUS 0 MACHINES q35 PASSED 116 LABELS fs
  ARGS -- initrd tmp EXPECT "fs: initrd mounted at / \\(read-only\\)")
