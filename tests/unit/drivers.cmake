# SPDX-License-Identifier: MIT
mote_unit_test(rtc_time ${MOTE_SOURCE_DIR}/drivers/rtc/rtc_time.c ${CMAKE_CURRENT_SOURCE_DIR}/test_rtc_time.c)
