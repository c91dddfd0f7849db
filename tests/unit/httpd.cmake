# SPDX-License-Identifier: MIT
# Unit tests for the httpd example's connection table (which connection makes room for a new one).
mote_unit_test(conn_table ${MOTE_SOURCE_DIR}/examples/httpd/conn_table.c ${CMAKE_CURRENT_SOURCE_DIR}/test_conn_table.c)
target_include_directories(unit_conn_table PRIVATE ${MOTE_SOURCE_DIR}/examples/httpd)
