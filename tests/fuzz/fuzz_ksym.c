/* SPDX-License-Identifier: MIT */
/* fuzz_ksym.c: ksym_lookup_blob() on arbitrary blobs. The first 8 bytes of the input are the
 * address to look up, the rest is the blob; the addresses of its own entries are tried too,
 * so lookups that find something are exercised, not only the early rejections. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <mote/ksym.h>

/* A successful lookup must hand back a terminated name of ASCII bytes inside the buffer, and
 * write nothing past it (the guard bytes after a short buffer stay as they were). */
static void probe(const uint8_t *blob, size_t len, uintptr_t addr)
{
	char name[KSYM_NAME_MAX + 8];
	uintptr_t off = 0;
	size_t cap = KSYM_NAME_MAX - (addr & 7) * 15; /* short buffers too: names are cut to fit */
	int rc;

	memset(name, 0x5a, sizeof(name));
	rc = ksym_lookup_blob(blob, len, addr, name, cap, &off);
	if (rc != 0 && rc != -ENOENT && rc != -EINVAL)
		__builtin_trap();
	for (size_t i = cap; i < sizeof(name); i++)
		if (name[i] != 0x5a)
			__builtin_trap();
	if (rc != 0)
		return;
	if (!memchr(name, '\0', cap) || off > addr)
		__builtin_trap();
	for (size_t i = 0; name[i]; i++)
		if ((unsigned char)name[i] >= 0x80)
			__builtin_trap();
}

/* A ULEB128 number at *p before end, loosely (the lookup is what checks): 0 past the end. */
static uint64_t uleb(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;

	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t b = *(*p)++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ksym_header h;
	uint64_t addr = 0;
	const uint8_t *p, *end;
	uintptr_t at;
	size_t i;

	if (size >= sizeof(addr)) {
		memcpy(&addr, data, sizeof(addr));
		data += sizeof(addr);
		size -= sizeof(addr);
	}
	probe(data, size, (uintptr_t)addr);
	probe(data, size, 0);
	probe(data, size, UINTPTR_MAX);
	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	/* The entries' own addresses and ends: each is its distance from the one before, then its
	 * size. */
	p = data + sizeof(h);
	end = data + size;
	at = (uintptr_t)h.base;
	for (i = 0; i < 64 && p < end; i++) {
		uint64_t esize;

		at += (uintptr_t)uleb(&p, end);
		esize = uleb(&p, end);
		probe(data, size, at);
		probe(data, size, at - 1);
		probe(data, size, at + esize);
		probe(data, size, at + (esize ? esize - 1 : 0x10));
	}
	return 0;
}
