/* SPDX-License-Identifier: MIT */
/* www_files.h: the files of www/, embedded by embed_files.cmake at build time. */
#ifndef WWW_FILES_H
#define WWW_FILES_H

#include <stddef.h>

struct www_file {
	const char *path; /* "/index.html" */
	const unsigned char *data;
	size_t size;
};

extern const struct www_file www_files[];
extern const size_t www_file_count;

#endif
