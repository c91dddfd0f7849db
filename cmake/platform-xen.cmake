# SPDX-License-Identifier: MIT
# PLATFORM=xen: not built yet (see the open issues); configuring for it stops here with a
# clear message instead of building a broken image.
message(FATAL_ERROR "PLATFORM=xen is not built yet: only PLATFORM=kvm works in this version of Mote")
