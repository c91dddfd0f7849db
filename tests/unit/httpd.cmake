# SPDX-License-Identifier: MIT
# Unit tests for the httpd example's connection table (which connection makes room for a new one).
mote_unit_test(conn_table ${MOTE_SOURCE_DIR}/examples/httpd/conn_table.c ${CMAKE_CURRENT_SOURCE_DIR}/test_conn_table.c)
target_include_directories(unit_conn_table PRIVATE ${MOTE_SOURCE_DIR}/examples/httpd)
# httpd's --root: request paths onto a host folder, symlinks out of it refused.
mote_unit_test(www_root ${MOTE_SOURCE_DIR}/examples/httpd/www_root.c ${CMAKE_CURRENT_SOURCE_DIR}/test_www_root.c)
target_include_directories(unit_www_root PRIVATE ${MOTE_SOURCE_DIR}/examples/httpd)
set_property(TEST unit.www_root APPEND PROPERTY LABELS fs)
