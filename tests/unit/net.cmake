# SPDX-License-Identifier: MIT
# Unit tests for net/'s pure code: the net.* boot option parsers.
mote_unit_test(net_config ${MOTE_SOURCE_DIR}/net/net_config.c ${MOTE_SOURCE_DIR}/core/parse.c ${CMAKE_CURRENT_SOURCE_DIR}/test_net_config.c)
target_include_directories(unit_net_config PRIVATE ${MOTE_SOURCE_DIR}/net ${MOTE_SOURCE_DIR}/net/include)
# The httpd example's request parser.
mote_unit_test(http_request ${MOTE_SOURCE_DIR}/examples/httpd/http_request.c ${CMAKE_CURRENT_SOURCE_DIR}/test_http_request.c)
target_include_directories(unit_http_request PRIVATE ${MOTE_SOURCE_DIR}/examples/httpd)
