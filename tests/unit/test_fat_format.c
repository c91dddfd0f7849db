/* SPDX-License-Identifier: MIT */
/* test_fat_format.c: fs/fat's pure format logic: BPB checks and FAT type by cluster count,
 * FAT12/16/32 entry packing, chain walking with loop detection, directory and long-name
 * entries, UTF-8 <-> UCS-2, 8.3 short names with ~N tails, timestamps. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "fat_format.h"

static size_t u(const char *s, uint16_t *out)
{
	int n = fat_utf8_to_ucs2(s, strlen(s), out, FAT_LFN_MAX);
	return n < 0 ? 0 : (size_t)n;
}

/* A boot sector as mkfs.fat writes it, with the fields the tests change. */
static void make_bpb(uint8_t *s, uint32_t total, uint8_t spc, uint16_t root_entries, uint32_t fat_size,
                     bool fat32)
{
	memset(s, 0, 512);
	s[0] = 0xeb;
	s[11] = 0x00, s[12] = 0x02; /* 512 bytes per sector */
	s[13] = spc;
	s[14] = fat32 ? 32 : 1; /* reserved */
	s[16] = 2;
	s[17] = (uint8_t)root_entries, s[18] = (uint8_t)(root_entries >> 8);
	s[21] = 0xf8;
	if (total < 65536 && !fat32) {
		s[19] = (uint8_t)total, s[20] = (uint8_t)(total >> 8);
	} else {
		memcpy(s + 32, &total, 4);
	}
	if (fat32) {
		memcpy(s + 36, &fat_size, 4);
		s[44] = 2; /* root cluster */
		s[48] = 1; /* FSInfo */
	} else {
		s[22] = (uint8_t)fat_size, s[23] = (uint8_t)(fat_size >> 8);
	}
	s[510] = 0x55, s[511] = 0xaa;
}

static void test_bpb(void)
{
	uint8_t s[512];
	struct fat_geom g;
	const char *why = NULL;

	/* 1.44 MB floppy: FAT12, 2847 clusters. */
	make_bpb(s, 2880, 1, 224, 9, false);
	CHECK_EQ(fat_parse_bpb(s, 512, 2880 * 512, &g, &why), 0);
	CHECK_EQ(g.type, 12);
	CHECK_EQ(g.root_sector, 19);
	CHECK_EQ(g.data_sector, 33);
	CHECK_EQ(g.clusters, 2847);
	/* 4084 clusters is FAT12, 4085 FAT16 (the spec's boundary). */
	make_bpb(s, 39 + 4084, 1, 224, 12, false); /* data at 1 + 2 * 12 + 14 */
	CHECK_EQ(fat_parse_bpb(s, 512, 1ull << 30, &g, &why), 0);
	CHECK_EQ(g.clusters, 4084);
	CHECK_EQ(g.type, 12);
	make_bpb(s, 47 + 4085, 1, 224, 16, false);
	CHECK_EQ(fat_parse_bpb(s, 512, 1ull << 30, &g, &why), 0);
	CHECK_EQ(g.clusters, 4085);
	CHECK_EQ(g.type, 16);
	/* FAT32 by count. */
	make_bpb(s, 32 + 2 * 1024 + 70000, 1, 0, 1024, true);
	CHECK_EQ(fat_parse_bpb(s, 512, 1ull << 30, &g, &why), 0);
	CHECK_EQ(g.type, 32);
	CHECK_EQ(g.root_cluster, 2);
	CHECK_EQ(g.fsinfo_sector, 1);
	/* Refusals, each with a reason. */
	make_bpb(s, 2880, 1, 224, 9, false);
	CHECK_EQ(fat_parse_bpb(s, 512, 1000 * 512, &g, &why), -EINVAL); /* larger than the disk */
	CHECK(why && strstr(why, "larger"));
	s[13] = 3;
	CHECK_EQ(fat_parse_bpb(s, 512, 2880 * 512, &g, &why), -EINVAL);
	make_bpb(s, 2880, 1, 224, 9, false);
	s[510] = 0;
	CHECK_EQ(fat_parse_bpb(s, 512, 2880 * 512, &g, &why), -EINVAL);
	make_bpb(s, 2880, 1, 224, 1, false); /* FAT too small for 2847 clusters */
	CHECK_EQ(fat_parse_bpb(s, 512, 2880 * 512, &g, &why), -EINVAL);
	make_bpb(s, 2880, 1, 0, 9, false); /* FAT12 without a root directory */
	CHECK_EQ(fat_parse_bpb(s, 512, 2880 * 512, &g, &why), -EINVAL);
	make_bpb(s, 32 + 2 * 1024 + 70000, 1, 0, 1024, true);
	s[44] = 0xff, s[45] = 0xff, s[46] = 0xff; /* root cluster out of range */
	CHECK_EQ(fat_parse_bpb(s, 512, 1ull << 30, &g, &why), -EINVAL);
	CHECK_EQ(fat_parse_bpb(s, 100, 1ull << 30, &g, &why), -EINVAL);
}

static void test_fat12_packing(void)
{
	uint8_t fat[16] = {0};

	/* Entries 2 and 3 share three bytes: 0x123 and 0xabc pack as 23 c1 ab. */
	fat_entry_encode(12, 2, fat + fat_entry_offset(12, 2), 0x123);
	fat_entry_encode(12, 3, fat + fat_entry_offset(12, 3), 0xabc);
	CHECK_EQ(fat_entry_offset(12, 2), 3);
	CHECK_EQ(fat_entry_offset(12, 3), 4);
	CHECK_EQ(fat[3], 0x23);
	CHECK_EQ(fat[4], 0xc1);
	CHECK_EQ(fat[5], 0xab);
	CHECK_EQ(fat_entry_decode(12, 2, fat + 3), 0x123);
	CHECK_EQ(fat_entry_decode(12, 3, fat + 4), 0xabc);
	/* Changing one keeps its neighbour. */
	fat_entry_encode(12, 2, fat + 3, 0xfff);
	CHECK_EQ(fat_entry_decode(12, 3, fat + 4), 0xabc);
	fat_entry_encode(12, 3, fat + 4, 0);
	CHECK_EQ(fat_entry_decode(12, 2, fat + 3), 0xfff);
	/* FAT16 and FAT32 (whose top four bits are kept). */
	fat_entry_encode(16, 5, fat + fat_entry_offset(16, 5), 0xfff8);
	CHECK_EQ(fat_entry_decode(16, 5, fat + 10), 0xfff8);
	uint8_t e[4] = {0, 0, 0, 0xf0};
	fat_entry_encode(32, 9, e, 0x0fffffff);
	CHECK_EQ(e[3], 0xff);
	fat_entry_encode(32, 9, e, 7);
	CHECK_EQ(e[3], 0xf0);
	CHECK_EQ(fat_entry_decode(32, 9, e), 7);
}

/* A FAT in an array for the chain tests. */
static uint32_t table[64];
static int next_of(void *ctx, uint32_t n, uint32_t *v)
{
	(void)ctx;
	*v = table[n];
	return 0;
}

static void test_chains(void)
{
	struct fat_geom g = {.type = 16, .clusters = 60};
	uint32_t len;

	CHECK_EQ(fat_next_kind(&g, 0), FAT_NEXT_FREE);
	CHECK_EQ(fat_next_kind(&g, 5), FAT_NEXT_CLUSTER);
	CHECK_EQ(fat_next_kind(&g, 62), FAT_NEXT_BAD); /* past clusters + 1 */
	CHECK_EQ(fat_next_kind(&g, 1), FAT_NEXT_BAD);
	CHECK_EQ(fat_next_kind(&g, 0xfff7), FAT_NEXT_BAD);
	CHECK_EQ(fat_next_kind(&g, 0xffff), FAT_NEXT_EOC);
	table[2] = 3, table[3] = 7, table[7] = 0xffff;
	CHECK_EQ(fat_chain_length(&g, 2, next_of, NULL, &len), 0);
	CHECK_EQ(len, 3);
	CHECK_EQ(fat_chain_length(&g, 0, next_of, NULL, &len), 0);
	CHECK_EQ(len, 0);
	table[7] = 3; /* a loop */
	CHECK_EQ(fat_chain_length(&g, 2, next_of, NULL, &len), -EIO);
	table[7] = 7; /* a cluster pointing at itself */
	CHECK_EQ(fat_chain_length(&g, 2, next_of, NULL, &len), -EIO);
	table[7] = 0; /* a free cluster inside a chain */
	CHECK_EQ(fat_chain_length(&g, 2, next_of, NULL, &len), -EIO);
	table[7] = 500; /* out of range */
	CHECK_EQ(fat_chain_length(&g, 2, next_of, NULL, &len), -EIO);
	CHECK_EQ(fat_chain_length(&g, 99, next_of, NULL, &len), -EIO);
}

static void test_names(void)
{
	uint16_t a[FAT_LFN_MAX], b[FAT_LFN_MAX];
	char out[4 * FAT_LFN_MAX];
	size_t n;

	/* UTF-8 <-> UCS-2 within the BMP. */
	n = u("caf\xc3\xa9 \xe2\x82\xac", a);
	CHECK_EQ(n, 6);
	CHECK_EQ(a[3], 0xe9);
	CHECK_EQ(a[5], 0x20ac);
	CHECK_EQ(fat_ucs2_to_utf8(a, n, out, sizeof(out)), 9);
	CHECK_STR(out, "caf\xc3\xa9 \xe2\x82\xac");
	CHECK_EQ(fat_utf8_to_ucs2("\xf0\x9f\x98\x80", 4, a, 10), -EINVAL); /* beyond the BMP */
	CHECK_EQ(fat_utf8_to_ucs2("\xc3", 1, a, 10), -EINVAL);             /* cut short */
	CHECK_EQ(fat_utf8_to_ucs2("\xc0\xaf", 2, a, 10), -EINVAL);         /* overlong */
	CHECK_EQ(fat_utf8_to_ucs2("\xed\xa0\x80", 3, a, 10), -EINVAL);     /* a surrogate */
	CHECK_EQ(fat_utf8_to_ucs2("abcdef", 6, a, 5), -ENAMETOOLONG);
	CHECK_EQ(fat_ucs2_to_utf8(a, 3, out, 3), -ENAMETOOLONG);
	/* Valid long names. */
	CHECK(fat_long_name_valid(a, u("Read Me.txt", a)));
	CHECK(!fat_long_name_valid(a, u("a:b", a)));
	CHECK(!fat_long_name_valid(a, u("a*", a)));
	CHECK(!fat_long_name_valid(a, u("trailing.", a)));
	CHECK(!fat_long_name_valid(a, u("..", a)));
	CHECK(!fat_long_name_valid(a, 0));
	/* Case-insensitive comparison, Latin-1 included. */
	n = u("Caf\xc3\xa9", a);
	CHECK(fat_name_equal(a, n, b, u("CAF\xc3\x89", b)));
	CHECK(!fat_name_equal(a, n, b, u("CAFE", b)));
}

static void test_short_names(void)
{
	uint16_t s[FAT_LFN_MAX], d[12];
	uint8_t sn[11], t[11];
	bool exact, case_only;

	fat_short_basis(s, u("README.TXT", s), sn, &exact, &case_only);
	CHECK(!memcmp(sn, "README  TXT", 11));
	CHECK(exact && !case_only);
	fat_short_basis(s, u("readme.txt", s), sn, &exact, &case_only);
	CHECK(!memcmp(sn, "README  TXT", 11));
	CHECK(exact && case_only);
	fat_short_basis(s, u("Long File Name.data", s), sn, &exact, &case_only);
	CHECK(!memcmp(sn, "LONGFILEDAT", 11));
	CHECK(!exact);
	fat_short_basis(s, u("a.b.c", s), sn, &exact, &case_only);
	CHECK(!memcmp(sn, "AB      C  ", 11));
	CHECK(!exact);
	fat_short_basis(s, u(".profile", s), sn, &exact, &case_only);
	CHECK(!memcmp(sn, "PROFILE    ", 11));
	CHECK(!exact);
	fat_short_basis(s, u("caf\xc3\xa9+1.txt", s), sn, &exact, &case_only);
	CHECK(!memcmp(sn, "CAF__1  TXT", 11));
	CHECK(!exact);
	/* Numeric tails cut into the base, never the extension. */
	fat_short_basis(s, u("Long File Name.data", s), sn, &exact, &case_only);
	fat_short_tail(sn, 1, t);
	CHECK(!memcmp(t, "LONGFI~1DAT", 11));
	fat_short_tail(sn, 123456, t);
	CHECK(!memcmp(t, "L~123456DAT", 11));
	memcpy(sn, "AB      C  ", 11);
	fat_short_tail(sn, 12, t);
	CHECK(!memcmp(t, "AB~12   C  ", 11));
	/* 0xe5 as a first character is stored as 0x05 and shown back. */
	s[0] = 0xe5, s[1] = 'X';
	fat_short_basis(s, 2, sn, &exact, &case_only);
	CHECK_EQ(sn[0], '_'); /* not a short-name character: replaced */
	memcpy(sn,
	       "\x05"
	       "ABC    TXT",
	       11);
	CHECK_EQ(fat_short_display(sn, 0, d), 8);
	CHECK_EQ(d[0], 0xe5);
	/* Windows NT's case bits. */
	memcpy(sn, "README  TXT", 11);
	CHECK_EQ(fat_short_display(sn, FAT_CASE_BASE, d), 10);
	CHECK(d[0] == 'r' && d[7] == 'T');
	CHECK_EQ(fat_short_display(sn, FAT_CASE_BASE | FAT_CASE_EXT, d), 10);
	CHECK(d[9] == 't');
	memcpy(sn, "MAKEFILE   ", 11);
	CHECK_EQ(fat_short_display(sn, 0, d), 8);
}

static void test_lfn_entries(void)
{
	uint16_t name[FAT_LFN_MAX], back[FAT_LFN_SLOTS * FAT_LFN_CHARS];
	size_t n = u("A long name of thirty characters", name);
	struct fat_lfn e;
	uint8_t sn[11];

	memcpy(sn, "ALONGN~1   ", 11);
	uint8_t chk = fat_lfn_checksum(sn);
	/* The checksum as the spec computes it (rotate right, add). */
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)((sum >> 1 | sum << 7) + sn[i]);
	CHECK_EQ(chk, sum);
	CHECK_EQ(n, 32);
	for (unsigned ord = 1; ord <= 3; ord++) {
		fat_lfn_pack(&e, name, n, ord | (ord == 3 ? FAT_LFN_LAST : 0), chk);
		CHECK_EQ(e.attr, FAT_ATTR_LFN);
		CHECK_EQ(e.checksum, chk);
		fat_lfn_unpack(&e, back + (ord - 1) * FAT_LFN_CHARS);
	}
	CHECK(!memcmp(back, name, n * 2));
	CHECK_EQ(back[32], 0x0000); /* terminator */
	CHECK_EQ(back[33], 0xffff); /* padding */
	CHECK_EQ(back[38], 0xffff);
	/* A name of exactly 13 characters has no terminator. */
	n = u("thirteen_char", name);
	fat_lfn_pack(&e, name, n, 1 | FAT_LFN_LAST, chk);
	fat_lfn_unpack(&e, back);
	CHECK(!memcmp(back, name, 26));
	/* Directory entries' cluster fields. */
	struct fat_dirent de;
	memset(&de, 0, sizeof(de));
	fat_dirent_set_cluster(&de, 0x12345678);
	CHECK_EQ(de.clus_lo, 0x5678);
	CHECK_EQ(de.clus_hi, 0x1234);
	CHECK_EQ(fat_dirent_cluster(&de, 32), 0x12345678);
	CHECK_EQ(fat_dirent_cluster(&de, 16), 0x5678); /* FAT16 ignores the high half */
	CHECK_EQ(((uint8_t *)&de)[20], 0x34);
	CHECK_EQ(((uint8_t *)&de)[26], 0x78);
}

static void test_times(void)
{
	/* 2024-02-29 13:45:58 UTC */
	uint32_t t = fat_time_encode(1709214358);
	uint16_t date = (uint16_t)(t >> 16), time = (uint16_t)t;
	CHECK_EQ(date >> 9, 44);
	CHECK_EQ((date >> 5) & 15, 2);
	CHECK_EQ(date & 31, 29);
	CHECK_EQ(time >> 11, 13);
	CHECK_EQ((time >> 5) & 63, 45);
	CHECK_EQ(time & 31, 29);
	CHECK_EQ(fat_time_decode(date, time), 1709214358);
	/* Odd seconds round down; before 1980 clamps to 1980. */
	CHECK_EQ(fat_time_decode(date, (uint16_t)fat_time_encode(1709214359)), 1709214358);
	CHECK_EQ(fat_time_decode((uint16_t)(fat_time_encode(0) >> 16), 0), 315532800);
	/* A garbage date decodes to something, not a crash. */
	(void)fat_time_decode(0xffff, 0xffff);
}

int main(void)
{
	test_bpb();
	test_fat12_packing();
	test_chains();
	test_names();
	test_short_names();
	test_lfn_entries();
	test_times();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
