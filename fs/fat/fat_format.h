/* SPDX-License-Identifier: MIT */
/* fat_format.h: FAT's on-disk format as pure functions (no device, no locks), so host unit
 * tests and fuzzers reach them: the BPB's checks, FAT entries of 12/16/32 bits, directory
 * entries, long names (VFAT) and 8.3 short names, and FAT timestamps. */
#ifndef FS_FAT_FORMAT_H
#define FS_FAT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAT_DIRENT_SIZE 32
#define FAT_LFN_CHARS   13    /* UCS-2 characters in one long-name entry */
#define FAT_LFN_MAX     255   /* characters in a long name */
#define FAT_LFN_SLOTS   20    /* entries a 255-character name takes */
#define FAT_DIR_MAX     65536 /* entries in one directory (the spec's limit) */

#define FAT_ATTR_RO     0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR    0x10
#define FAT_ATTR_ARCH   0x20
#define FAT_ATTR_LFN    0x0f

#define FAT_DEL_MARK  0xe5 /* name[0] of a deleted entry */
#define FAT_LFN_LAST  0x40 /* in an LFN entry's order byte: the name's last piece */
#define FAT_CASE_BASE 0x08 /* nt_case: the 8-character base is lower case */
#define FAT_CASE_EXT  0x10 /* nt_case: the extension is lower case */

/* The volume's layout, from the BPB. Sector numbers are in the FAT's own sectors (bps). */
struct fat_geom {
	int type;              /* 12, 16 or 32, by cluster count as the spec says */
	uint32_t bps;          /* bytes per sector */
	uint32_t spc;          /* sectors per cluster */
	uint32_t cluster_size; /* bytes */
	uint32_t reserved;     /* sectors before the first FAT */
	uint32_t nfats;
	uint32_t fat_sectors;  /* one FAT's size */
	uint32_t root_entries; /* FAT12/16 fixed root directory; 0 on FAT32 */
	uint32_t root_sector;  /* FAT12/16: first sector of the root directory */
	uint32_t root_sectors;
	uint32_t data_sector; /* first sector of cluster 2 */
	uint32_t total_sectors;
	uint32_t clusters;      /* data clusters: valid numbers are 2 .. clusters + 1 */
	uint32_t root_cluster;  /* FAT32 */
	uint32_t fsinfo_sector; /* FAT32; 0 when there is none */
};

/* Check a boot sector (at least 512 bytes) against a device of dev_bytes bytes and fill in g.
 * Returns 0, or -EINVAL with *why saying what is wrong (a static string). */
int fat_parse_bpb(const uint8_t *sec, size_t len, uint64_t dev_bytes, struct fat_geom *g, const char **why);

/* What a FAT entry's value means. */
enum fat_next {
	FAT_NEXT_FREE,    /* 0 */
	FAT_NEXT_CLUSTER, /* another cluster of the chain, in range */
	FAT_NEXT_EOC,     /* end of chain */
	FAT_NEXT_BAD,     /* a bad cluster, or a reserved or out-of-range value: corrupt */
};
enum fat_next fat_next_kind(const struct fat_geom *g, uint32_t v);
/* The value that ends a chain. */
uint32_t fat_eoc(const struct fat_geom *g);

/* Byte offset of cluster n's entry from the start of a FAT. A FAT12 entry takes the two bytes
 * at that offset (which may straddle a sector), FAT16 two, FAT32 four. */
uint32_t fat_entry_offset(int type, uint32_t n);
unsigned fat_entry_bytes(int type);
/* Decode cluster n's entry from its bytes b (fat_entry_bytes of them). */
uint32_t fat_entry_decode(int type, uint32_t n, const uint8_t *b);
/* Store val as cluster n's entry into b, keeping the bits the entry does not own (the other
 * FAT12 entry's nibble, FAT32's top four bits). */
void fat_entry_encode(int type, uint32_t n, uint8_t *b, uint32_t val);

/* Follow a chain from `first` through next() (which reads an entry) and count its clusters
 * into *len. Returns 0, or -EIO when the chain holds a free, bad or out-of-range entry, or
 * loops (detected by length: a chain cannot be longer than the volume), or when next()
 * fails (its error). */
int fat_chain_length(const struct fat_geom *g, uint32_t first,
                     int (*next)(void *ctx, uint32_t n, uint32_t *v), void *ctx, uint32_t *len);

/* One 32-byte directory entry as stored (little-endian fields). */
struct fat_dirent {
	uint8_t name[11];
	uint8_t attr;
	uint8_t nt_case;
	uint8_t ctime_tenth;
	uint16_t ctime;
	uint16_t cdate;
	uint16_t adate;
	uint16_t clus_hi;
	uint16_t mtime;
	uint16_t mdate;
	uint16_t clus_lo;
	uint32_t size;
} __attribute__((packed));
_Static_assert(sizeof(struct fat_dirent) == 32, "FAT directory entry is 32 bytes");

struct fat_lfn {
	uint8_t order;
	uint16_t name1[5];
	uint8_t attr; /* FAT_ATTR_LFN */
	uint8_t type; /* 0 */
	uint8_t checksum;
	uint16_t name2[6];
	uint16_t zero;
	uint16_t name3[2];
} __attribute__((packed));
_Static_assert(sizeof(struct fat_lfn) == 32, "FAT long-name entry is 32 bytes");

uint32_t fat_dirent_cluster(const struct fat_dirent *d, int type);
void fat_dirent_set_cluster(struct fat_dirent *d, uint32_t clus);

/* The checksum of a short name that each of its long-name entries carries. */
uint8_t fat_lfn_checksum(const uint8_t name[11]);
/* Characters 13 * (order - 1) ... of a long name into e (order 1..20, FAT_LFN_LAST added by
 * the caller for the last piece); past the name's end: one 0x0000, then 0xffff. */
void fat_lfn_pack(struct fat_lfn *e, const uint16_t *name, size_t len, unsigned order, uint8_t checksum);
/* The 13 characters of one entry into out. */
void fat_lfn_unpack(const struct fat_lfn *e, uint16_t out[FAT_LFN_CHARS]);

/* UTF-8 (len bytes) to UCS-2 (at most max characters): the count, or -EINVAL for invalid
 * UTF-8 or characters outside the Basic Multilingual Plane, -ENAMETOOLONG past max. */
int fat_utf8_to_ucs2(const char *s, size_t len, uint16_t *out, size_t max);
/* UCS-2 to UTF-8 with a NUL (out has room for cap bytes): the length, or -ENAMETOOLONG,
 * -EINVAL for an unpaired surrogate. */
int fat_ucs2_to_utf8(const uint16_t *s, size_t len, char *out, size_t cap);
/* Whether a long name is allowed: no control characters, none of " * / : < > ? \ |, not
 * ending in a dot or space, not "." or "..". */
bool fat_long_name_valid(const uint16_t *s, size_t len);
/* Upper case as FAT compares names (ASCII and Latin-1). */
uint16_t fat_upcase(uint16_t c);
bool fat_name_equal(const uint16_t *a, size_t alen, const uint16_t *b, size_t blen);

/* The short name a long name becomes: *exact when the name is a valid 8.3 name as it stands
 * except for case (no ~N tail needed), *case_only when it differs from the short name only
 * in case (so a long-name entry keeps the case). out is space-padded, name[0] 0xe5 stored
 * as 0x05. */
void fat_short_basis(const uint16_t *s, size_t len, uint8_t out[11], bool *exact, bool *case_only);
/* basis with the numeric tail ~n (1..999999) cut in before the extension. */
void fat_short_tail(const uint8_t basis[11], unsigned n, uint8_t out[11]);
/* A short entry's name for display ("README.TXT", applying nt_case) in UCS-2: the length. */
size_t fat_short_display(const uint8_t name[11], uint8_t nt_case, uint16_t out[12]);

/* FAT timestamps (local time taken as UTC). */
/* Returns date << 16 | time (2-second resolution, clamped to 1980..2107). */
uint32_t fat_time_encode(int64_t unix_sec);
int64_t fat_time_decode(uint16_t date, uint16_t time);

static inline uint16_t fat_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t fat_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
