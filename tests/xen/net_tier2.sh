# SPDX-License-Identifier: MIT
# net_tier2.sh: dom0's steps of xen.net (tools/xen_tier2_net.py runs them after bringing up the
# bridge xenbr0 at 10.99.0.1/24 with udhcpd on it). Each guest is started from the NAME.xl.cfg
# add_unikernel() generated, whose vif = [...] comes from its XEN_VIFS. $INDEX is
# examples/httpd/www/index.html, what httpd must serve at /.

# httpd, addressed by DHCP from dom0's udhcpd: curl and net_client against it.
netstart httpd httpd
if ip=$(waitip httpd); then
  echo "tier2-net: httpd at $ip"
  check "GET" sh -c "curl -sf -m 30 http://$ip/ -o /tmp/index && cmp /tmp/index $INDEX"
  check "HEAD" sh -c "curl -sfI -m 30 http://$ip/ > /tmp/head && head -n 1 /tmp/head | grep -q '^HTTP/1.1 200' && grep -qi \"^content-length: $(wc -c < $INDEX)\" /tmp/head"
  check "404" sh -c "[ \$(curl -s -m 30 -o /dev/null -w '%{http_code}' http://$ip/no-such-file) = 404 ]"
  check "malformed request" net_client http-bad $ip 80
  # Two requests on one connection: curl says it reused it.
  check "keep-alive" sh -c "curl -sv -m 30 http://$ip/ http://$ip/hello.txt -o /dev/null -o /dev/null 2>&1 | grep -q 'Re-using existing connection'"
  check "50 concurrent clients" net_client http-many $ip 80 50
fi
netstop httpd

# echo with a static address from the xl command line (its config's cmdline replaced).
netstart echo echo 'cmdline="net.ip=10.99.0.3/24 -- -p 7"'
if ip=$(waitip echo); then
  check "static address" [ "$ip" = 10.99.0.3 ]
  check "echo 1 MiB" net_client echo $ip 7 1048576
  check "UDP round trip" net_client udp $ip 7
  # Two Mote domUs over the bridge: net_peer (tests/image/net_peer.c) against this echo.
  netstart net_peer net_peer 'cmdline="net.ip=10.99.0.4/24 -- 10.99.0.3 7"'
  finish net_peer
fi
netstop echo
