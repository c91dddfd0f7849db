# SPDX-License-Identifier: MIT
# The screen console's terminal (drivers/screen/screen.c): wrapping, tabs, scrolling, against a
# fake grid of cells in place of VGA memory or a framebuffer.
mote_unit_test(screen ${MOTE_SOURCE_DIR}/drivers/screen/screen.c ${CMAKE_CURRENT_SOURCE_DIR}/test_screen.c)
target_include_directories(unit_screen PRIVATE ${MOTE_SOURCE_DIR}/drivers/screen)
