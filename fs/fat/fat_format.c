/* SPDX-License-Identifier: MIT */
/* fat_format.c: FAT's on-disk format as pure functions (fat_format.h). The rules follow
 * Microsoft's "FAT: General Overview of On-Disk Format" (FAT type by cluster count, the LFN
 * checksum, numeric tails). Every field read from a disk is checked before use. */
#include <errno.h>
#include <string.h>

#include "fat_format.h"

static bool power_of_two(uint32_t v) { return v && !(v & (v - 1)); }

int fat_parse_bpb(const uint8_t *s, size_t len, uint64_t dev_bytes, struct fat_geom *g, const char **why)
{
	memset(g, 0, sizeof(*g));
	if (len < 512) {
		*why = "boot sector too short";
		return -EINVAL;
	}
	if (s[510] != 0x55 || s[511] != 0xaa) {
		*why = "no boot sector signature";
		return -EINVAL;
	}
	if (s[0] != 0xeb && s[0] != 0xe9) {
		*why = "no jump instruction in the boot sector";
		return -EINVAL;
	}
	g->bps = fat_le16(s + 11);
	g->spc = s[13];
	g->reserved = fat_le16(s + 14);
	g->nfats = s[16];
	g->root_entries = fat_le16(s + 17);
	uint32_t tot16 = fat_le16(s + 19), fat16 = fat_le16(s + 22), tot32 = fat_le32(s + 32);
	uint32_t fat32 = fat_le32(s + 36);
	uint8_t media = s[21];

	if (g->bps < 512 || g->bps > 4096 || !power_of_two(g->bps)) {
		*why = "bad bytes per sector";
		return -EINVAL;
	}
	if (!power_of_two(g->spc) || g->spc > 128 || g->bps * g->spc > 65536) {
		*why = "bad sectors per cluster";
		return -EINVAL;
	}
	g->cluster_size = g->bps * g->spc;
	if (g->reserved == 0 || g->nfats == 0 || g->nfats > 4) {
		*why = "bad reserved sector or FAT count";
		return -EINVAL;
	}
	if (media != 0xf0 && media < 0xf8) {
		*why = "bad media byte";
		return -EINVAL;
	}
	g->total_sectors = tot16 ? tot16 : tot32;
	g->fat_sectors = fat16 ? fat16 : fat32;
	if (g->total_sectors == 0 || g->fat_sectors == 0) {
		*why = "zero total or FAT size";
		return -EINVAL;
	}
	if ((uint64_t)g->total_sectors * g->bps > dev_bytes) {
		*why = "volume larger than the device";
		return -EINVAL;
	}
	g->root_sectors = (uint32_t)(((uint64_t)g->root_entries * FAT_DIRENT_SIZE + g->bps - 1) / g->bps);
	uint64_t data = (uint64_t)g->reserved + (uint64_t)g->nfats * g->fat_sectors + g->root_sectors;
	if (data >= g->total_sectors) {
		*why = "no room for data after the FATs";
		return -EINVAL;
	}
	g->root_sector = g->reserved + g->nfats * g->fat_sectors;
	g->data_sector = (uint32_t)data;
	g->clusters = (g->total_sectors - g->data_sector) / g->spc;
	if (g->clusters == 0) {
		*why = "no data clusters";
		return -EINVAL;
	}
	g->type = g->clusters < 4085 ? 12 : g->clusters < 65525 ? 16 : 32;
	if (g->type == 32) {
		if (fat16 != 0 || g->root_entries != 0) {
			*why = "FAT32 cluster count with a FAT12/16 BPB";
			return -EINVAL;
		}
		g->root_cluster = fat_le32(s + 44);
		if (g->root_cluster < 2 || g->root_cluster > g->clusters + 1) {
			*why = "root cluster out of range";
			return -EINVAL;
		}
		uint32_t fsi = fat_le16(s + 48);
		g->fsinfo_sector = fsi && fsi < g->reserved ? fsi : 0;
	} else if (g->root_entries == 0) {
		*why = "FAT12/16 cluster count without a root directory";
		return -EINVAL;
	}
	/* The FAT must hold an entry for every cluster (and the two reserved ones). */
	uint64_t need = g->type == 12 ? ((uint64_t)g->clusters + 2) * 3 / 2 + 1
	                              : ((uint64_t)g->clusters + 2) * g->type / 8;
	if ((uint64_t)g->fat_sectors * g->bps < need) {
		*why = "FAT too small for the cluster count";
		return -EINVAL;
	}
	return 0;
}

enum fat_next fat_next_kind(const struct fat_geom *g, uint32_t v)
{
	uint32_t eoc_min = g->type == 12 ? 0xff8 : g->type == 16 ? 0xfff8 : 0x0ffffff8;

	if (v == 0)
		return FAT_NEXT_FREE;
	if (v >= eoc_min)
		return FAT_NEXT_EOC;
	if (v >= 2 && v <= g->clusters + 1)
		return FAT_NEXT_CLUSTER;
	return FAT_NEXT_BAD;
}

uint32_t fat_eoc(const struct fat_geom *g)
{
	return g->type == 12 ? 0xfff : g->type == 16 ? 0xffff : 0x0fffffff;
}

uint32_t fat_entry_offset(int type, uint32_t n)
{
	return type == 12 ? n + n / 2 : type == 16 ? n * 2 : n * 4;
}

unsigned fat_entry_bytes(int type) { return type == 32 ? 4 : 2; }

uint32_t fat_entry_decode(int type, uint32_t n, const uint8_t *b)
{
	if (type == 12) {
		uint16_t v = fat_le16(b);
		return n & 1 ? v >> 4 : v & 0xfff;
	}
	if (type == 16)
		return fat_le16(b);
	return fat_le32(b) & 0x0fffffff;
}

void fat_entry_encode(int type, uint32_t n, uint8_t *b, uint32_t val)
{
	if (type == 12) {
		val &= 0xfff;
		if (n & 1) {
			b[0] = (uint8_t)((b[0] & 0x0f) | (val << 4));
			b[1] = (uint8_t)(val >> 4);
		} else {
			b[0] = (uint8_t)val;
			b[1] = (uint8_t)((b[1] & 0xf0) | (val >> 8));
		}
	} else if (type == 16) {
		b[0] = (uint8_t)val;
		b[1] = (uint8_t)(val >> 8);
	} else {
		val = (val & 0x0fffffff) | (fat_le32(b) & 0xf0000000);
		for (int i = 0; i < 4; i++)
			b[i] = (uint8_t)(val >> (8 * i));
	}
}

int fat_chain_length(const struct fat_geom *g, uint32_t first,
                     int (*next)(void *ctx, uint32_t n, uint32_t *v), void *ctx, uint32_t *len)
{
	uint32_t n = first, count = 0;

	*len = 0;
	if (first == 0)
		return 0;
	for (;;) {
		uint32_t v;
		int err;

		if (fat_next_kind(g, n) != FAT_NEXT_CLUSTER)
			return -EIO;
		/* A chain longer than the volume's clusters must visit one twice. */
		if (++count > g->clusters)
			return -EIO;
		err = next(ctx, n, &v);
		if (err)
			return err;
		switch (fat_next_kind(g, v)) {
		case FAT_NEXT_EOC:
			*len = count;
			return 0;
		case FAT_NEXT_CLUSTER:
			n = v;
			break;
		default:
			return -EIO;
		}
	}
}

uint32_t fat_dirent_cluster(const struct fat_dirent *d, int type)
{
	return d->clus_lo | (type == 32 ? (uint32_t)d->clus_hi << 16 : 0);
}

void fat_dirent_set_cluster(struct fat_dirent *d, uint32_t clus)
{
	d->clus_lo = (uint16_t)clus;
	d->clus_hi = (uint16_t)(clus >> 16);
}

uint8_t fat_lfn_checksum(const uint8_t name[11])
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

void fat_lfn_pack(struct fat_lfn *e, const uint16_t *name, size_t len, unsigned order, uint8_t checksum)
{
	uint16_t chars[FAT_LFN_CHARS];
	size_t base = (size_t)((order & 0x1f) - 1) * FAT_LFN_CHARS;

	for (size_t i = 0; i < FAT_LFN_CHARS; i++) {
		size_t k = base + i;
		chars[i] = k < len ? name[k] : k == len ? 0x0000 : 0xffff;
	}
	memset(e, 0, sizeof(*e));
	e->order = (uint8_t)order;
	e->attr = FAT_ATTR_LFN;
	e->checksum = checksum;
	memcpy(e->name1, chars, 10);
	memcpy(e->name2, chars + 5, 12);
	memcpy(e->name3, chars + 11, 4);
}

void fat_lfn_unpack(const struct fat_lfn *e, uint16_t out[FAT_LFN_CHARS])
{
	memcpy(out, e->name1, 10);
	memcpy(out + 5, e->name2, 12);
	memcpy(out + 11, e->name3, 4);
}

int fat_utf8_to_ucs2(const char *str, size_t len, uint16_t *out, size_t max)
{
	const uint8_t *s = (const uint8_t *)str;
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		uint32_t c = s[i];
		unsigned more;

		if (c < 0x80)
			more = 0;
		else if ((c & 0xe0) == 0xc0)
			more = 1, c &= 0x1f;
		else if ((c & 0xf0) == 0xe0)
			more = 2, c &= 0x0f;
		else
			return -EINVAL; /* a stray continuation byte, or beyond the BMP */
		if (i + more >= len)
			return -EINVAL; /* cut short */
		for (unsigned k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -EINVAL;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		/* Overlong forms and surrogates are not characters. */
		if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) || (c >= 0xd800 && c <= 0xdfff))
			return -EINVAL;
		if (n == max)
			return -ENAMETOOLONG;
		out[n++] = (uint16_t)c;
		i += 1 + more;
	}
	return (int)n;
}

int fat_ucs2_to_utf8(const uint16_t *s, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		uint16_t c = s[i];
		size_t need = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;

		if (c >= 0xd800 && c <= 0xdfff)
			return -EINVAL;
		if (n + need + 1 > cap)
			return -ENAMETOOLONG;
		if (need == 1) {
			out[n++] = (char)c;
		} else if (need == 2) {
			out[n++] = (char)(0xc0 | c >> 6);
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[n++] = (char)(0xe0 | c >> 12);
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	if (n + 1 > cap)
		return -ENAMETOOLONG;
	out[n] = 0;
	return (int)n;
}

bool fat_long_name_valid(const uint16_t *s, size_t len)
{
	if (len == 0 || len > FAT_LFN_MAX)
		return false;
	if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	if (s[len - 1] == '.' || s[len - 1] == ' ')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || (s[i] < 0x80 && strchr("\"*/:<>?\\|", (char)s[i])))
			return false;
	}
	return true;
}

uint16_t fat_upcase(uint16_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7))
		return (uint16_t)(c - 0x20);
	return c;
}

bool fat_name_equal(const uint16_t *a, size_t alen, const uint16_t *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		if (fat_upcase(a[i]) != fat_upcase(b[i]))
			return false;
	}
	return true;
}

/* Characters allowed in a short name besides letters and digits. */
static bool short_char_ok(uint16_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c < 0x80 && strchr("$%'-_@~`!(){}^#&", (char)c));
}

void fat_short_basis(const uint16_t *s, size_t len, uint8_t out[11], bool *exact, bool *case_only)
{
	size_t dot = len, i, b = 0, e = 0;
	bool lossy = false, lower_seen = false;

	memset(out, ' ', 11);
	for (i = len; i > 0; i--) {
		if (s[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	}
	if (dot == 0) /* ".profile": the leading dot is not an extension separator */
		dot = len;
	for (i = 0; i < len; i++) {
		uint16_t c = s[i];
		bool in_ext = i > dot;

		if (i == dot)
			continue;
		if (c == ' ' || (c == '.' && !in_ext)) {
			lossy = true; /* spaces and inner dots are dropped */
			continue;
		}
		if (c >= 'a' && c <= 'z')
			lower_seen = true;
		uint16_t u = fat_upcase(c);
		if (!short_char_ok(u)) {
			u = '_';
			lossy = true;
		}
		if (in_ext) {
			if (e < 3)
				out[8 + e++] = (uint8_t)u;
			else
				lossy = true;
		} else {
			if (b < 8)
				out[b++] = (uint8_t)u;
			else
				lossy = true;
		}
	}
	if (b == 0) { /* nothing usable before the extension */
		out[0] = '_';
		lossy = true;
	}
	if (out[0] == FAT_DEL_MARK)
		out[0] = 0x05;
	*exact = !lossy;
	*case_only = !lossy && lower_seen;
}

void fat_short_tail(const uint8_t basis[11], unsigned n, uint8_t out[11])
{
	char tail[8];
	int tl = 0;
	unsigned b = 0;

	tail[tl++] = '~';
	{
		char digits[7];
		int nd = 0;
		do {
			digits[nd++] = (char)('0' + n % 10);
			n /= 10;
		} while (n && nd < 6);
		while (nd)
			tail[tl++] = digits[--nd];
	}
	memcpy(out, basis, 11);
	while (b < 8 && basis[b] != ' ')
		b++;
	if (b > (unsigned)(8 - tl))
		b = (unsigned)(8 - tl);
	memcpy(out + b, tail, (size_t)tl);
	for (unsigned i = b + (unsigned)tl; i < 8; i++)
		out[i] = ' ';
}

size_t fat_short_display(const uint8_t name[11], uint8_t nt_case, uint16_t out[12])
{
	size_t n = 0;
	int b = 8, e = 3;

	while (b > 0 && name[b - 1] == ' ')
		b--;
	while (e > 0 && name[8 + e - 1] == ' ')
		e--;
	for (int i = 0; i < b; i++) {
		uint16_t c = i == 0 && name[0] == 0x05 ? FAT_DEL_MARK : name[i];
		out[n++] = (nt_case & FAT_CASE_BASE) && c >= 'A' && c <= 'Z' ? (uint16_t)(c + 0x20) : c;
	}
	if (e) {
		out[n++] = '.';
		for (int i = 0; i < e; i++) {
			uint16_t c = name[8 + i];
			out[n++] =
			        (nt_case & FAT_CASE_EXT) && c >= 'A' && c <= 'Z' ? (uint16_t)(c + 0x20) : c;
		}
	}
	return n;
}

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

uint32_t fat_time_encode(int64_t t)
{
	const int64_t lo = 315532800, hi = 4354819198; /* 1980-01-01, 2107-12-31 23:59:58 */
	int64_t y;
	unsigned m, d;

	if (t < lo)
		t = lo;
	if (t > hi)
		t = hi;
	int64_t days = t / 86400, secs = t % 86400;
	civil_from_days(days, &y, &m, &d);
	uint32_t date = (uint32_t)((y - 1980) << 9 | m << 5 | d);
	return date << 16 | (uint32_t)(secs / 3600 << 11 | (secs / 60 % 60) << 5 | (secs % 60) / 2);
}

int64_t fat_time_decode(uint16_t date, uint16_t time)
{
	unsigned m = (date >> 5) & 15, d = date & 31;
	unsigned h = time >> 11, mi = (time >> 5) & 63, s = (time & 31) * 2;

	if (m < 1 || m > 12)
		m = 1;
	if (d < 1)
		d = 1;
	if (h > 23 || mi > 59 || s > 59)
		h = mi = s = 0;
	return days_from_civil(1980 + (date >> 9), m, d) * 86400 + h * 3600 + mi * 60 + s;
}
