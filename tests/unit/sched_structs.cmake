# SPDX-License-Identifier: MIT
# Host unit tests of the scheduler's data structures: the run queue (core/runq.c) and the core
# timers' deadline queue (core/timerq.c), each against a naive model.
mote_unit_test(runq ${MOTE_SOURCE_DIR}/core/runq.c ${CMAKE_CURRENT_SOURCE_DIR}/test_runq.c)
mote_unit_test(timerq ${MOTE_SOURCE_DIR}/core/timerq.c ${CMAKE_CURRENT_SOURCE_DIR}/test_timerq.c)
