/* SPDX-License-Identifier: MIT */
/* virtio_mmio_parse.c: reading virtio_mmio.device=SIZE@ADDR:IRQ[:ID] (the format Linux's
 * virtio_mmio driver defines). Pure, so the host tests and the fuzz target run it too. */
#include <errno.h>
#include <stdbool.h>

#include <mote/fmt.h>
#include <virtio/virtio_mmio.h>

#define MMIO_REGS_SIZE 0x100u
#define IRQ_MAX        255u

/* A number with an optional K/M/G suffix; *end past it. -EINVAL when there are no digits or
 * it overflows 64 bits. */
static int parse_num(const char *s, const char **end, uint64_t *out, bool suffix)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && p[1] >= '0' && p[1] <= '7') {
		base = 8;
		p++;
	}
	const char *digits = p;

	for (;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (p == digits)
		return -EINVAL;
	if (suffix) {
		unsigned shift = 0;

		switch (*p) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		default:
			break;
		}
		if (shift) {
			if (v > (UINT64_MAX >> shift))
				return -EINVAL;
			v <<= shift;
			p++;
		}
	}
	*end = p;
	*out = v;
	return 0;
}

int virtio_mmio_parse(const char *s, struct virtio_mmio_spec *out, char *err, size_t errlen)
{
	const char *p;
	uint64_t size, base, irq, id;

	if (!s) {
		fmt_snprintf(err, errlen, "needs a value SIZE@ADDR:IRQ");
		return -EINVAL;
	}
	if (parse_num(s, &p, &size, true) < 0 || *p != '@') {
		fmt_snprintf(err, errlen, "'%s': expected SIZE@ADDR:IRQ", s);
		return -EINVAL;
	}
	if (parse_num(p + 1, &p, &base, true) < 0 || *p != ':') {
		fmt_snprintf(err, errlen, "'%s': bad address (expected SIZE@ADDR:IRQ)", s);
		return -EINVAL;
	}
	if (parse_num(p + 1, &p, &irq, false) < 0 || (*p != '\0' && *p != ':')) {
		fmt_snprintf(err, errlen, "'%s': bad interrupt number", s);
		return -EINVAL;
	}
	if (*p == ':' && (parse_num(p + 1, &p, &id, false) < 0 || *p != '\0')) {
		fmt_snprintf(err, errlen, "'%s': bad device id after the interrupt", s);
		return -EINVAL;
	}
	if (size < MMIO_REGS_SIZE || base + size < base || (base & 3)) {
		fmt_snprintf(err, errlen, "'%s': region too small, misaligned or wrapping", s);
		return -EINVAL;
	}
	if (irq == 0 || irq > IRQ_MAX) {
		fmt_snprintf(err, errlen, "'%s': interrupt %llu out of range 1-%u", s,
		             (unsigned long long)irq, IRQ_MAX);
		return -EINVAL;
	}
	out->base = base;
	out->size = size;
	out->irq = (unsigned)irq;
	return 0;
}
