/* SPDX-License-Identifier: MIT */
/* dlfcn.h: dynamic loading (libc/libc_dl.c), which an image cannot do: it is one static
 * program. The calls exist so that a port with optional plug-ins (Redis's MODULE LOAD) links;
 * dlopen fails and says why through dlerror. */
#ifndef MOTE_DLFCN_H
#define MOTE_DLFCN_H

#define RTLD_LAZY   0x0001
#define RTLD_NOW    0x0002
#define RTLD_GLOBAL 0x0100
#define RTLD_LOCAL  0x0000

typedef struct {
	const char *dli_fname;
	void *dli_fbase;
	const char *dli_sname;
	void *dli_saddr;
} Dl_info;

#ifdef __cplusplus
extern "C" {
#endif

void *dlopen(const char *path, int mode);
void *dlsym(void *handle, const char *name);
int dlclose(void *handle);
char *dlerror(void);
int dladdr(const void *addr, Dl_info *info);

#ifdef __cplusplus
}
#endif

#endif
