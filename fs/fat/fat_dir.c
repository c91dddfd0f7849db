/* SPDX-License-Identifier: MIT */
/* fat_dir.c: FAT directories through the buffer cache: walking entries with their long
 * names, finding a name (case-insensitively, as FAT compares), adding an entry with a short
 * name unique in the directory, removing one. Caller holds fs->lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>

#include "fat_fs.h"
#include "fat_index.h"

uint32_t fat_dir_max_clusters(const struct fat_fs *fs)
{
	return (uint32_t)(((uint64_t)FAT_DIR_MAX * FAT_DIRENT_SIZE + fs->g.cluster_size - 1) /
	                  fs->g.cluster_size);
}

int fat_dir_slot(struct fat_fs *fs, uint32_t dir, uint32_t slot, struct bcache_buf **buf, uint32_t *off)
{
	uint32_t bps = fs->g.bps, byte;
	uint64_t sec;

	if (slot >= FAT_DIR_MAX)
		return -ENOENT;
	if (dir == 0) {
		if (slot >= fs->g.root_entries)
			return -ENOENT;
		byte = slot * FAT_DIRENT_SIZE;
		sec = fs->g.root_sector + byte / bps;
	} else {
		uint32_t epc = fs->g.cluster_size / FAT_DIRENT_SIZE, want = slot / epc, idx = 0, clus = dir;

		if (fat_next_kind(&fs->g, dir) != FAT_NEXT_CLUSTER)
			return -EIO;
		if (fs->walk_dir == dir && fs->walk_index <= want) {
			idx = fs->walk_index;
			clus = fs->walk_clus;
		}
		while (idx < want) {
			uint32_t v;
			int err = fat_get(fs, clus, &v);
			if (err)
				return err;
			enum fat_next k = fat_next_kind(&fs->g, v);
			if (k == FAT_NEXT_EOC)
				return -ENOENT;
			if (k != FAT_NEXT_CLUSTER) {
				FAT_LOG(fs, "directory at cluster %u: broken chain", dir);
				return -EIO;
			}
			clus = v;
			idx++;
		}
		fs->walk_dir = dir;
		fs->walk_index = idx;
		fs->walk_clus = clus;
		byte = (slot % epc) * FAT_DIRENT_SIZE;
		sec = fat_clus_sector(fs, clus) + byte / bps;
	}
	*off = byte % bps;
	return bcache_get(fs->bc, sec, buf);
}

static int slot_read(struct fat_fs *fs, uint32_t dir, uint32_t slot, struct fat_dirent *de)
{
	struct bcache_buf *b;
	uint32_t off;
	int err = fat_dir_slot(fs, dir, slot, &b, &off);

	if (err)
		return err;
	memcpy(de, b->data + off, sizeof(*de));
	bcache_put(fs->bc, b);
	return 0;
}

static int slot_write(struct fat_fs *fs, uint32_t dir, uint32_t slot, const void *de)
{
	struct bcache_buf *b;
	uint32_t off;
	int err = fat_dir_slot(fs, dir, slot, &b, &off);

	if (err)
		return err;
	memcpy(b->data + off, de, FAT_DIRENT_SIZE);
	bcache_dirty(fs->bc, b);
	bcache_put(fs->bc, b);
	return 0;
}

int fat_dirent_read(struct fat_fs *fs, struct fat_loc loc, struct fat_dirent *de)
{
	int err = slot_read(fs, loc.dir, loc.slot, de);
	return err == -ENOENT ? -EIO : err;
}

int fat_dirent_write(struct fat_fs *fs, struct fat_loc loc, const struct fat_dirent *de)
{
	int err = slot_write(fs, loc.dir, loc.slot, de);
	return err == -ENOENT ? -EIO : err;
}

int fat_dirent_write_back(struct fat_fs *fs, struct fat_loc loc)
{
	struct bcache_buf *b;
	uint32_t off;
	int err = fat_dir_slot(fs, loc.dir, loc.slot, &b, &off);

	if (err)
		return err == -ENOENT ? -EIO : err;
	uint64_t block = b->block;
	bcache_put(fs->bc, b);
	return bcache_write_back(fs->bc, block, 1);
}

static bool is_dot(const struct fat_dirent *de)
{
	return de->name[0] == '.' &&
	       (!memcmp(de->name + 1, "          ", 10) || !memcmp(de->name + 1, ".         ", 10));
}

/* A walk over a directory's slots a block at a time: the block holding the last slot asked
 * for stays pinned, so the slots after it cost no cache lookup. */
struct dir_cursor {
	struct fat_fs *fs;
	uint32_t dir;
	struct bcache_buf *b;
	uint32_t base; /* the slot of b's first entry */
};

static void cursor_done(struct dir_cursor *c)
{
	if (c->b)
		bcache_put(c->fs->bc, c->b);
	c->b = NULL;
}

/* The entry at slot (valid until the next call or cursor_done): 0, -ENOENT past the end, -EIO. */
static int cursor_at(struct dir_cursor *c, uint32_t slot, const struct fat_dirent **de)
{
	uint32_t epb = c->fs->g.bps / FAT_DIRENT_SIZE, off;

	if (!c->b || slot < c->base || slot - c->base >= epb) {
		cursor_done(c);
		int err = fat_dir_slot(c->fs, c->dir, slot, &c->b, &off);
		if (err) {
			c->b = NULL;
			return err;
		}
		c->base = slot - off / FAT_DIRENT_SIZE;
	}
	*de = (const struct fat_dirent *)(c->b->data + (slot - c->base) * FAT_DIRENT_SIZE);
	return 0;
}

static int dir_next(struct dir_cursor *c, uint32_t *slot, struct fat_entry_info *out)
{
	uint16_t chars[FAT_LFN_SLOTS * FAT_LFN_CHARS];
	unsigned expect = 0, total = 0;
	uint8_t chk = 0;
	uint32_t start = 0;

	for (uint32_t s = *slot;; s++) {
		const struct fat_dirent *d;
		struct fat_dirent de;
		int err = cursor_at(c, s, &d);

		if (err)
			return err;
		memcpy(&de, d, sizeof(de));
		if (de.name[0] == 0)
			return -ENOENT;
		if (de.name[0] == FAT_DEL_MARK) {
			expect = 0;
			continue;
		}
		if ((de.attr & 0x3f) == FAT_ATTR_LFN) {
			const struct fat_lfn *l = (const struct fat_lfn *)&de;
			unsigned ord = l->order & 0x1f;

			if (l->order & FAT_LFN_LAST) {
				expect = ord >= 1 && ord <= FAT_LFN_SLOTS ? ord : 0;
				total = expect;
				chk = l->checksum;
				start = s;
			}
			if (expect && ord == expect && l->checksum == chk) {
				fat_lfn_unpack(l, chars + (ord - 1) * FAT_LFN_CHARS);
				expect--;
				if (expect == 0)
					expect = 0x100; /* complete: waiting for its short entry */
			} else {
				expect = 0;
			}
			continue;
		}
		if ((de.attr & FAT_ATTR_VOLUME) || is_dot(&de)) {
			expect = 0;
			continue;
		}
		out->de = de;
		out->loc.dir = c->dir;
		out->loc.slot = s;
		out->lfn_slot = s;
		out->name_len = 0;
		if (expect == 0x100 && fat_lfn_checksum(de.name) == chk) {
			size_t n = 0;
			while (n < total * FAT_LFN_CHARS && chars[n] != 0)
				n++;
			if (n > 0 && n <= FAT_LFN_MAX) {
				memcpy(out->name, chars, n * 2);
				out->name_len = n;
				out->lfn_slot = start;
			}
		}
		if (out->name_len == 0)
			out->name_len = fat_short_display(de.name, de.nt_case, out->name);
		*slot = s + 1;
		return 0;
	}
}

int fat_dir_next(struct fat_fs *fs, uint32_t dir, uint32_t *slot, struct fat_entry_info *out)
{
	struct dir_cursor c = {.fs = fs, .dir = dir};
	int err = dir_next(&c, slot, out);

	cursor_done(&c);
	return err;
}

/* Whether entry e is called name (its long name, or its short name as on every FAT
 * implementation). */
static bool entry_named(const struct fat_entry_info *e, const uint16_t *name, size_t len)
{
	uint16_t sn[12];

	if (fat_name_equal(e->name, e->name_len, name, len))
		return true;
	size_t sl = fat_short_display(e->de.name, 0, sn);
	return fat_name_equal(sn, sl, name, len);
}

/* The directory indexes (fat_index.h): built on a directory's first lookup, create or
 * unlink, kept up to date by fat_dir_add and fat_dir_remove (the only changes to which names
 * a directory holds and where), dropped when the directory goes. The least recently used is
 * dropped to make room. */
void fat_dir_forget(struct fat_fs *fs, uint32_t dir)
{
	for (unsigned i = 0; i < FAT_INDEX_CACHED; i++) {
		if (fs->dix[i] && fs->dix[i]->dir == dir) {
			fat_index_free(fs->dix[i]);
			fs->dix[i] = NULL;
		}
	}
}

void fat_dir_forget_all(struct fat_fs *fs)
{
	for (unsigned i = 0; i < FAT_INDEX_CACHED; i++) {
		fat_index_free(fs->dix[i]);
		fs->dix[i] = NULL;
	}
}

/* Every slot of dir, a block at a time: which are used, where the end mark is, each entry. */
static int index_build(struct fat_fs *fs, struct fat_index *x)
{
	struct dir_cursor c = {.fs = fs, .dir = x->dir};
	struct fat_entry_info *e = malloc(sizeof(*e));
	bool ended = false;
	uint32_t s;
	int err = 0;

	if (!e)
		return -ENOMEM;
	for (s = 0; s < FAT_DIR_MAX; s++) {
		const struct fat_dirent *d;
		err = cursor_at(&c, s, &d);
		if (err)
			break;
		if (d->name[0] == 0 && !ended) {
			ended = true;
			x->end = s;
		}
		if (d->name[0] != 0 && d->name[0] != FAT_DEL_MARK)
			fat_index_mark(x, s, s, true);
	}
	if (!ended)
		x->end = s;
	if (err == -ENOENT)
		err = 0;
	for (s = 0; !err;) {
		err = dir_next(&c, &s, e);
		if (!err)
			err = fat_index_add(x, e->lfn_slot, e->loc.slot, e->de.name, e->name, e->name_len);
	}
	cursor_done(&c);
	free(e);
	return err == -ENOENT ? 0 : err;
}

/* dir's index, built when there is none: NULL when it cannot be (no memory, or a directory
 * too damaged to walk: then the callers walk it entry by entry, as far as it goes). */
static struct fat_index *index_get(struct fat_fs *fs, uint32_t dir)
{
	unsigned victim = 0;

	for (unsigned i = 0; i < FAT_INDEX_CACHED; i++) {
		struct fat_index *x = fs->dix[i];
		if (x && x->dir == dir) {
			x->stamp = ++fs->dix_clock;
			return x;
		}
		if (!x || (fs->dix[victim] && x->stamp < fs->dix[victim]->stamp))
			victim = i;
	}
	struct fat_index *x = fat_index_new(dir);
	if (!x)
		return NULL;
	if (index_build(fs, x)) {
		fat_index_free(x);
		return NULL;
	}
	fat_index_free(fs->dix[victim]);
	fs->dix[victim] = x;
	x->stamp = ++fs->dix_clock;
	return x;
}

static int find_indexed(struct fat_fs *fs, struct fat_index *x, const uint16_t *name, size_t len,
                        struct fat_entry_info *out)
{
	uint32_t iter = 0;
	const struct fat_index_ent *c;

	while (fat_index_find(x, fat_index_hash(name, len), &iter, &c) == 0) {
		uint32_t slot = c->lfn_slot, want = c->slot;
		/* The index says where; the entry itself, read back, says what. */
		int err = fat_dir_next(fs, x->dir, &slot, out);
		if (err == -ENOENT || (!err && out->loc.slot != want))
			return -ESTALE;
		if (err)
			return err;
		if (entry_named(out, name, len))
			return 0;
	}
	return -ENOENT;
}

int fat_dir_find(struct fat_fs *fs, uint32_t dir, const uint16_t *name, size_t len,
                 struct fat_entry_info *out)
{
	struct fat_index *x = index_get(fs, dir);
	uint32_t slot = 0;

	if (x) {
		int err = find_indexed(fs, x, name, len, out);
		if (err != -ESTALE)
			return err;
		/* The disk disagrees with the index (a bug, or a change not seen): walk instead. */
		FAT_LOG(fs, "directory %u: index out of date, dropped", dir);
		fat_dir_forget(fs, dir);
	}
	for (;;) {
		int err = fat_dir_next(fs, dir, &slot, out);
		if (err)
			return err;
		if (entry_named(out, name, len))
			return 0;
	}
}

static int cmp11(const void *a, const void *b) { return memcmp(a, b, 11); }

/* Every short name in dir, sorted, for picking a unique ~N tail. */
static int short_names(struct fat_fs *fs, uint32_t dir, uint8_t (**out)[11], size_t *count)
{
	uint8_t(*names)[11] = NULL;
	size_t n = 0, cap = 0;

	for (uint32_t s = 0;; s++) {
		struct fat_dirent de;
		int err = slot_read(fs, dir, s, &de);

		if (err == -ENOENT || (!err && de.name[0] == 0))
			break;
		if (err) {
			free(names);
			return err;
		}
		if (de.name[0] == FAT_DEL_MARK || (de.attr & 0x3f) == FAT_ATTR_LFN)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			void *p = realloc(names, cap * 11);
			if (!p) {
				free(names);
				return -ENOMEM;
			}
			names = p;
		}
		memcpy(names[n++], de.name, 11);
	}
	if (n)
		qsort(names, n, 11, cmp11);
	*out = names;
	*count = n;
	return 0;
}

static bool name_used(const uint8_t name[11], uint8_t (*names)[11], size_t count)
{
	return count && bsearch(name, names, count, 11, cmp11);
}

/* A short name for `name` unique in dir: from the index x when there is one, else from a
 * sorted list of every short name in dir. */
static int pick_short(struct fat_fs *fs, struct fat_index *x, uint32_t dir, const uint16_t *name, size_t len,
                      uint8_t out[11], bool *need_lfn)
{
	uint8_t basis[11], (*names)[11] = NULL;
	bool exact, case_only;
	size_t count = 0;
	int err;

	fat_short_basis(name, len, basis, &exact, &case_only);
	*need_lfn = !exact || case_only;
	if (!x && (err = short_names(fs, dir, &names, &count)))
		return err;
	err = -EEXIST;
	if (exact && !(x ? fat_index_short_used(x, basis) : name_used(basis, names, count))) {
		memcpy(out, basis, 11);
		err = 0;
	} else if (!exact || case_only) {
		for (unsigned n = 1; n <= 999999; n++) {
			fat_short_tail(basis, n, out);
			if (!(x ? fat_index_short_used(x, out) : name_used(out, names, count))) {
				err = 0;
				break;
			}
		}
	}
	free(names);
	return err;
}

/* Append a zeroed cluster to dir's chain. */
static int dir_extend(struct fat_fs *fs, uint32_t dir)
{
	uint32_t last, clus;
	bool end;
	int err = fat_chain_at(fs, NULL, dir, UINT32_MAX, &last, &end);

	if (err)
		return err;
	return fat_alloc(fs, last, true, &clus);
}

/* A run of `need` free slots in dir found by walking every slot, the directory grown to hold
 * it: its last slot in *last, the first end mark on the way in *end_mark (UINT32_MAX: none). */
static int run_by_walk(struct fat_fs *fs, uint32_t dir, unsigned need, uint32_t *last, uint32_t *end_mark)
{
	uint32_t run = 0, epb = fs->g.bps / FAT_DIRENT_SIZE;

	*end_mark = UINT32_MAX;
	for (uint32_t s = 0;; s++) {
		struct fat_dirent cur;
		int err = slot_read(fs, dir, s, &cur);

		if (err == -ENOENT) {
			if (dir == 0 || s >= FAT_DIR_MAX)
				return -ENOSPC;
			err = dir_extend(fs, dir);
			if (!err)
				err = slot_read(fs, dir, s, &cur);
		}
		if (err)
			return err;
		/* A run that fits in one sector never crosses one: a sector is written whole, so a
		 * crash cannot split an entry from its long name. */
		if (s % epb == 0 && need <= epb)
			run = 0;
		if (cur.name[0] == 0 && *end_mark == UINT32_MAX)
			*end_mark = s;
		if (cur.name[0] == 0 || cur.name[0] == FAT_DEL_MARK) {
			if (++run == need) {
				*last = s;
				return 0;
			}
		} else {
			run = 0;
		}
	}
}

/* The same from dir's index (which keeps a run inside one sector as above): only the run's
 * last slot is looked at, to grow the directory until it exists. */
static int run_by_index(struct fat_fs *fs, struct fat_index *x, unsigned need, uint32_t *last,
                        uint32_t *end_mark)
{
	uint32_t first = fat_index_free_run(x, need, fs->g.bps / FAT_DIRENT_SIZE);

	if (first > FAT_DIR_MAX - need)
		return -ENOSPC;
	*last = first + need - 1;
	*end_mark = x->end;
	for (;;) {
		struct bcache_buf *b;
		uint32_t off;
		int err = fat_dir_slot(fs, x->dir, *last, &b, &off);

		if (!err)
			bcache_put(fs->bc, b);
		if (err != -ENOENT)
			return err;
		err = x->dir == 0 ? -ENOSPC : dir_extend(fs, x->dir);
		if (err)
			return err;
	}
}

int fat_dir_add(struct fat_fs *fs, uint32_t dir, const uint16_t *name, size_t len, struct fat_dirent *de,
                struct fat_loc *loc)
{
	bool need_lfn;
	struct fat_index *x = index_get(fs, dir);
	int err = pick_short(fs, x, dir, name, len, de->name, &need_lfn);
	unsigned need = need_lfn ? (unsigned)((len + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS) + 1 : 1;
	uint32_t s = 0, first_end = UINT32_MAX;

	if (err)
		return err;
	err = x ? run_by_index(fs, x, need, &s, &first_end) : run_by_walk(fs, dir, need, &s, &first_end);
	if (err)
		return err;
	uint32_t first = s + 1 - need;
	/* Free slots skipped before the run that still say "end of directory" must not hide it. */
	for (uint32_t k = first_end; k < first; k++) {
		struct fat_dirent cur;
		err = slot_read(fs, dir, k, &cur);
		if (!err && cur.name[0] == 0) {
			cur.name[0] = FAT_DEL_MARK;
			err = slot_write(fs, dir, k, &cur);
		}
		if (err)
			return err;
	}
	if (need_lfn) {
		uint8_t chk = fat_lfn_checksum(de->name);
		for (unsigned i = 0; i < need - 1; i++) {
			unsigned order = need - 1 - i;
			struct fat_lfn l;
			fat_lfn_pack(&l, name, len, order | (i == 0 ? FAT_LFN_LAST : 0), chk);
			err = slot_write(fs, dir, first + i, &l);
			if (err)
				return err;
		}
	}
	err = slot_write(fs, dir, s, de);
	if (err)
		return err;
	loc->dir = dir;
	loc->slot = s;
	if (x) {
		/* Something past the end mark that the mark hid, now shown: the index never saw it. */
		bool hidden = false;
		for (uint32_t k = x->end; k < first && !hidden; k++)
			hidden = fat_index_used(x, k);
		if (s >= x->end && (hidden || fat_index_used(x, s + 1)))
			fat_dir_forget(fs, dir);
		else if (fat_index_add(x, first, s, de->name, name, len))
			fat_dir_forget(fs, dir);
		else if (s >= x->end)
			x->end = s + 1;
	}
	/* A run across two blocks (a name too long for one): the short entry reaches the disk
	 * first, so a crash between leaves a file without its long name rather than long-name
	 * entries without a file. */
	if (need > 1) {
		struct bcache_buf *b;
		uint32_t off;
		uint64_t first_block;
		err = fat_dir_slot(fs, dir, first, &b, &off);
		if (err)
			return err;
		first_block = b->block;
		bcache_put(fs->bc, b);
		err = fat_dir_slot(fs, dir, s, &b, &off);
		if (err)
			return err;
		uint64_t last_block = b->block;
		bcache_put(fs->bc, b);
		if (first_block != last_block)
			err = bcache_write_back(fs->bc, last_block, 1);
	}
	return err;
}

int fat_dir_remove(struct fat_fs *fs, const struct fat_entry_info *e)
{
	int err = 0;

	for (uint32_t s = e->lfn_slot; s <= e->loc.slot && !err; s++) {
		struct bcache_buf *b;
		uint32_t off;

		err = fat_dir_slot(fs, e->loc.dir, s, &b, &off);
		if (err) {
			err = err == -ENOENT ? -EIO : err;
			break;
		}
		b->data[off] = FAT_DEL_MARK;
		bcache_dirty(fs->bc, b);
		bcache_put(fs->bc, b);
	}
	/* The index follows; a run it recorded differently, or a removal cut short, drops it. */
	for (unsigned i = 0; i < FAT_INDEX_CACHED; i++) {
		struct fat_index *x = fs->dix[i];
		if (x && x->dir == e->loc.dir && (err || fat_index_remove(x, e->lfn_slot, e->loc.slot)))
			fat_dir_forget(fs, e->loc.dir);
	}
	return err;
}

int fat_dir_nonempty(struct fat_fs *fs, uint32_t dir)
{
	struct fat_entry_info *e = malloc(sizeof(*e));
	uint32_t slot = 0;
	int err;

	if (!e)
		return -ENOMEM;
	err = fat_dir_next(fs, dir, &slot, e);
	free(e);
	return err == 0 ? 1 : err == -ENOENT ? 0 : err;
}
