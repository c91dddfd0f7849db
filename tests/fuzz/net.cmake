# SPDX-License-Identifier: MIT
# The net.* boot option parsers (net/net_config.c), fed arbitrary option values.
mote_fuzz_target(net_config net/net_config.c core/parse.c tests/fuzz/fuzz_net_config.c)
# The HTTP request parser of examples/httpd, fed arbitrary request bytes.
mote_fuzz_target(http_request examples/httpd/http_request.c tests/fuzz/fuzz_http_request.c)
