/* SPDX-License-Identifier: MIT */
/* fat_file.c: a FAT file's data: read, write (allocating clusters as it grows) and truncate
 * (growing with zeros, shrinking by handing the cut chain to fat_free_later). Whole sectors
 * go straight between the caller's buffer and the device; partial ones through the cache.
 * Caller holds fs->lock. */
#include <errno.h>
#include <string.h>

#include <mote/log.h>

#include "fat_file.h"

#define FAT_SMALL_WRITE 4096 /* bytes: a write's run shorter than this goes through the cache */

static uint32_t clusters_for(const struct fat_fs *fs, uint64_t size)
{
	return (uint32_t)((size + fs->g.cluster_size - 1) / fs->g.cluster_size);
}

static int get_cb(void *fs, uint32_t n, uint32_t *v) { return fat_get(fs, n, v); }

/* Before a file's data is first touched: its chain ends (no loop, nothing out of range) and
 * covers its size. Later walks stay inside what this one saw, so they cannot loop. */
static int check_chain(struct fat_fs *fs, struct fat_node *node)
{
	uint32_t len = 0;
	int err = 0;

	if (node->chain_ok)
		return 0;
	if (node->first)
		err = fat_chain_length(&fs->g, node->first, get_cb, fs, &len);
	if (err == -EIO || (!err && len < clusters_for(fs, node->size))) {
		FAT_LOG(fs, "file at cluster %u: chain broken, looping or shorter than its %u bytes",
		        node->first, node->size);
		return -EIO;
	}
	if (!err)
		node->chain_ok = true;
	return err;
}

/* Make the chain at least `want` clusters long; *have says how long it is on return (shorter
 * than want only with an error, -ENOSPC when the volume filled up). */
static int ensure_clusters(struct fat_fs *fs, struct fat_node *node, uint32_t want, uint32_t *have)
{
	uint32_t last, idx;
	bool end;
	int err;

	uint32_t saved_index = node->hint_index, saved_clus = node->hint_clus;

	*have = 0;
	if (want == 0)
		return 0;
	if (node->first == 0) {
		err = fat_alloc(fs, 0, false, &node->first);
		if (err)
			return err;
		node->dirty = true;
		node->hint_index = 0;
		node->hint_clus = node->first;
	}
	err = fat_chain_at(fs, node, node->first, want - 1, &last, &end);
	if (err)
		return err;
	idx = node->hint_index;
	while (idx + 1 < want) {
		uint32_t n;
		err = fat_alloc(fs, last, false, &n);
		if (err)
			break;
		last = n;
		idx++;
		node->hint_index = idx;
		node->hint_clus = n;
	}
	*have = idx + 1;
	/* Leave the walking hint where it was (where the last transfer ended), not at the new end:
	 * the transfer that follows starts before the end, and a hint past its start would send it
	 * walking from the first cluster, every write of a growing file (quadratic: a 1 GiB file
	 * fell to about 1 MiB/s). */
	if (saved_clus != 0 && saved_index < *have) {
		node->hint_index = saved_index;
		node->hint_clus = saved_clus;
	}
	return err;
}

/* Move len bytes between buf and the file at off, inside the chain (which must cover it). */
static int transfer(struct fat_fs *fs, struct fat_node *node, uint8_t *buf, size_t len, uint64_t off,
                    bool write)
{
	uint32_t cs = fs->g.cluster_size, bps = fs->g.bps;

	while (len) {
		uint32_t clus, in = (uint32_t)(off % cs), run = 1;
		bool end;
		int err = fat_chain_at(fs, node, node->first, (uint32_t)(off / cs), &clus, &end);

		if (!err && end)
			err = -EIO;
		if (err) {
			FAT_LOG(fs, "file at cluster %u: chain shorter than its size or broken", node->first);
			return -EIO;
		}
		/* Physically consecutive clusters go to the device as one transfer. */
		while ((uint64_t)run * cs - in < len && run < 256) {
			uint32_t v;
			err = fat_get(fs, clus + run - 1, &v);
			if (err)
				return err;
			if (v != clus + run)
				break;
			run++;
		}
		uint64_t sec = fat_clus_sector(fs, clus) + in / bps;
		size_t chunk = (size_t)run * cs - in;
		if (chunk > len)
			chunk = len;
		size_t done = 0;
		while (done < chunk) {
			uint32_t sin = (uint32_t)((in + done) % bps);
			size_t part = bps - sin;
			if (part > chunk - done)
				part = chunk - done;
			/* Whole sectors go straight to the device, except a small write's (under
			 * FAT_SMALL_WRITE): those go into the cache, so an fsync after it sends
			 * them in its one batch with the FAT and the directory instead of a round
			 * trip of their own now. */
			bool small = write && chunk < FAT_SMALL_WRITE;
			if (sin == 0 && chunk - done >= bps && !small) {
				uint32_t count = (uint32_t)((chunk - done) / bps);
				err = write ? bcache_write_direct(fs->bc, sec, count, buf + done)
				            : bcache_read_direct(fs->bc, sec, count, buf + done);
				if (err)
					return err;
				sec += count;
				done += (size_t)count * bps;
				continue;
			}
			struct bcache_buf *b;
			/* A whole sector overwritten needs no read first. */
			err = write && sin == 0 && part == bps ? bcache_get_new(fs->bc, sec, &b)
			                                       : bcache_get(fs->bc, sec, &b);
			if (err)
				return err;
			if (write) {
				memcpy(b->data + sin, buf + done, part);
				bcache_dirty(fs->bc, b);
			} else {
				memcpy(buf + done, b->data + sin, part);
			}
			bcache_put(fs->bc, b);
			sec++;
			done += part;
		}
		/* Keep the hint on the run's last cluster: the next step starts from there. */
		if (run > 1) {
			node->hint_index += run - 1;
			node->hint_clus = clus + run - 1;
		}
		buf += chunk;
		off += chunk;
		len -= chunk;
	}
	return 0;
}

/* Keep the first `keep` clusters of the chain (node->size fits in them); the rest goes to
 * fat_free_later. */
static int cut_chain(struct fat_fs *fs, struct fat_node *node, uint32_t keep)
{
	uint32_t last = 0, tail = 0, v;
	bool end;
	int err;

	if (keep == 0) {
		/* The entry keeps naming the chain until it is rewritten; fat_commit frees the
		 * chain only after that. */
		tail = node->first;
		node->first = 0;
	} else if (node->first) {
		err = fat_chain_at(fs, node, node->first, keep - 1, &last, &end);
		if (!err && !end)
			err = fat_get(fs, last, &v);
		if (err)
			return err;
		if (!end && fat_next_kind(&fs->g, v) == FAT_NEXT_CLUSTER) {
			tail = v;
			/* The entry with the smaller size reaches the device before the shorter
			 * chain can: a crash between leaves lost clusters, never a size beyond its
			 * chain. */
			if (!node->unlinked) {
				err = fat_node_store(fs, node);
				if (!err)
					err = fat_dirent_write_back(fs, node->loc);
				if (!err)
					err = bcache_flush(fs->bc);
			}
			if (!err)
				err = fat_set(fs, last, fat_eoc(&fs->g));
			if (err)
				return err;
		}
	}
	if (node->hint_index >= keep) {
		node->hint_index = keep ? keep - 1 : 0;
		node->hint_clus = keep ? last : 0;
	}
	node->dirty = true;
	return fat_free_later(fs, tail);
}

ssize_t fat_file_read(struct fat_fs *fs, struct fat_node *node, void *buf, size_t len, uint64_t off)
{
	int err = check_chain(fs, node);

	if (err)
		return err;
	if (off >= node->size)
		return 0;
	if (len > node->size - off)
		len = (size_t)(node->size - off);
	err = transfer(fs, node, buf, len, off, false);
	return err ? err : (ssize_t)len;
}

/* Write zeros over [from, to) of the file (its chain covers it). */
static int zero_range(struct fat_fs *fs, struct fat_node *node, uint64_t from, uint64_t to)
{
	while (from < to) {
		size_t part = to - from > fs->g.cluster_size ? fs->g.cluster_size : (size_t)(to - from);
		int err = transfer(fs, node, fs->zero, part, from, true);
		if (err)
			return err;
		from += part;
	}
	return 0;
}

ssize_t fat_file_write(struct fat_fs *fs, struct fat_node *node, const void *buf, size_t len, uint64_t off)
{
	uint32_t have;
	int err = check_chain(fs, node);

	if (err)
		return err;
	if (len == 0)
		return 0;
	if (off >= FAT_FILE_MAX)
		return -EFBIG;
	if (len > FAT_FILE_MAX - off)
		len = (size_t)(FAT_FILE_MAX - off);
	err = ensure_clusters(fs, node, clusters_for(fs, off + len), &have);
	if (err && err != -ENOSPC)
		return err;
	uint64_t limit = (uint64_t)have * fs->g.cluster_size;
	if (limit <= off) {
		/* Nothing fits: give back what was allocated past the end. */
		cut_chain(fs, node, clusters_for(fs, node->size));
		return -ENOSPC;
	}
	if (off + len > limit)
		len = (size_t)(limit - off);
	/* A write past the end leaves a hole of zeros, as POSIX says. */
	if (off > node->size) {
		err = zero_range(fs, node, node->size, off);
		if (err)
			return err;
	}
	err = transfer(fs, node, (uint8_t *)buf, len, off, true);
	if (err)
		return err;
	if (off + len > node->size)
		node->size = (uint32_t)(off + len);
	node->mtime = fat_now();
	node->dirty = true;
	return (ssize_t)len;
}

int fat_file_truncate(struct fat_fs *fs, struct fat_node *node, uint64_t size)
{
	int err = check_chain(fs, node);

	if (err)
		return err;
	if (size > FAT_FILE_MAX)
		return -EFBIG;
	if (size > node->size) {
		uint32_t have, want = clusters_for(fs, size);
		err = ensure_clusters(fs, node, want, &have);
		if (!err)
			err = zero_range(fs, node, node->size, size);
		if (err) {
			cut_chain(fs, node, clusters_for(fs, node->size));
			return err;
		}
	} else if (size < node->size) {
		uint32_t old = node->size;
		node->size = (uint32_t)size;
		err = cut_chain(fs, node, clusters_for(fs, size));
		if (err) {
			node->size = old;
			return err;
		}
	} else {
		return 0;
	}
	node->size = (uint32_t)size;
	node->mtime = fat_now();
	node->dirty = true;
	return 0;
}
