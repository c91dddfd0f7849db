/* SPDX-License-Identifier: MIT */
/* xen_xs_wire.h: checking and decoding what xenstored sends back (public/io/xs_wire.h). Pure
 * functions over bytes: the replies come from another domain and are checked, never trusted;
 * host unit tests and a fuzz target exercise them. */
#ifndef XEN_XS_WIRE_H
#define XEN_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define XEN_XS_HEADER_LEN  16u   /* struct xsd_sockmsg */
#define XEN_XS_PAYLOAD_MAX 4096u /* XENSTORE_PAYLOAD_MAX */
#define XEN_XS_ERROR       16u   /* XS_ERROR */
#define XEN_XS_WATCH_EVENT 15u   /* XS_WATCH_EVENT */

struct xen_xs_header {
	uint32_t type, req_id, tx_id, len;
};

/* Decode a message header from `buf` (at least XEN_XS_HEADER_LEN bytes). Returns 0, or
 * -EPROTO when the payload length exceeds XEN_XS_PAYLOAD_MAX. */
int xen_xs_parse_header(const void *buf, struct xen_xs_header *h);

/* The errno (negative) an XS_ERROR reply's payload names ("ENOENT\0" ...), -EIO for a name
 * not in the protocol's table or a malformed payload. */
int xen_xs_error_errno(const char *payload, size_t len);

/* Split a payload of NUL-terminated strings (XS_DIRECTORY, XS_WATCH_EVENT) into at most `max`
 * pointers into it. Returns the count, -EPROTO when the payload does not end in NUL, -E2BIG
 * when there are more than `max`. An empty payload has no strings. */
int xen_xs_split(const char *payload, size_t len, const char **out, unsigned max);

/* A transaction id reply (XS_TRANSACTION_START: decimal digits, NUL-terminated): 0 or
 * -EPROTO. */
int xen_xs_parse_u32(const char *payload, size_t len, uint32_t *out);

#endif
