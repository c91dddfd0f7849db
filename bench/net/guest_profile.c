/* SPDX-License-Identifier: MIT */
/* guest_profile.c: a QEMU TCG plugin (QEMU 7.2, plugin API version 1) counting the guest instructions
 * each translated block runs, written at exit as "vaddr instructions-per-run runs" lines to out=FILE;
 * bench/net/guest_profile.py builds it and sums the counts by function. Deterministic where host
 * time under load is not. The few API declarations are written out here: Debian ships no qemu-plugin.h.
 * With snap=FILE, a thread takes a snapshot of the counts once FILE appears and the dump subtracts
 * it, so a run can count one phase (bench/apps/redis_profile.py: the benchmark, not the boot). */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef void (*tb_trans_cb)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*udata_cb)(qemu_plugin_id_t, void *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, int op, void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb cb, void *userdata);
__attribute__((visibility("default"))) int qemu_plugin_version = 1;
struct ent {
	uint64_t count, vaddr, n, base;
	struct ent *next;
};
static struct ent *all;
static const char *path = "/tmp/prof.txt";
static const char *snap_path;
static pthread_mutex_t all_lock = PTHREAD_MUTEX_INITIALIZER;

/* Counts are read while the vCPU runs: a block mid-update is off by a run or two, which is noise. */
static void *snapper(void *arg)
{
	(void)arg;
	while (access(snap_path, F_OK) != 0)
		usleep(20000);
	pthread_mutex_lock(&all_lock);
	for (struct ent *e = all; e; e = e->next)
		e->base = e->count;
	pthread_mutex_unlock(&all_lock);
	return NULL;
}
static void trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct ent *e = calloc(1, sizeof(*e));
	e->vaddr = qemu_plugin_tb_vaddr(tb);
	e->n = qemu_plugin_tb_n_insns(tb);
	pthread_mutex_lock(&all_lock);
	e->next = all;
	all = e;
	pthread_mutex_unlock(&all_lock);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, 0, &e->count, 1);
}
static void done(qemu_plugin_id_t id, void *u)
{
	FILE *f = fopen(path, "w");
	for (struct ent *e = all; e; e = e->next)
		if (e->count > e->base)
			fprintf(f, "%llx %llu %llu\n", (unsigned long long)e->vaddr, (unsigned long long)e->n,
			        (unsigned long long)(e->count - e->base));
	fclose(f);
}
__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const void *info,
                                                               int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
		else if (!strncmp(argv[i], "snap=", 5))
			snap_path = argv[i] + 5;
	if (snap_path) {
		pthread_t t;
		pthread_create(&t, NULL, snapper, NULL);
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans);
	qemu_plugin_register_atexit_cb(id, done, NULL);
	return 0;
}
