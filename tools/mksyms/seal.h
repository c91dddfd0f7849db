/* SPDX-License-Identifier: MIT */
/* seal.h: mote-mksyms --seal (seal.c), the word that lets an image check it was loaded intact. */
#ifndef SEAL_H
#define SEAL_H

/* Seal the image at `path` in place if it defines mote_seal_ranges and mote_seal; leave it
 * alone if not. Returns the process exit status: 0, or 1 after a message on stderr. */
int seal_image(const char *prog, const char *path);

#endif
