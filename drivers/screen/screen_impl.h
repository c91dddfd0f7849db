/* SPDX-License-Identifier: MIT */
/* screen_impl.h: what the console's terminal (screen.c) asks of its two ways of drawing, VGA
 * text cells (screen_vga.c) and framebuffer pixels (screen_fb.c). */
#ifndef SCREEN_IMPL_H
#define SCREEN_IMPL_H

#include <stdint.h>

#include <screen/screen.h>

#define SCREEN_FONT_W 8
#define SCREEN_FONT_H 16

/* The font, generated at build time from a Debian console font (tools/mote_font.py): one
 * glyph per Latin-1 byte, 16 rows, bit 7 the leftmost pixel. */
extern const uint8_t screen_font[256][SCREEN_FONT_H];

struct screen_ops {
	/* Draw character `c` in the cell at column x, row y. */
	void (*put)(unsigned x, unsigned y, uint8_t c);
};

/* Each checks `mode` and maps it, then sets *ops and the size in characters and returns 0;
 * or returns -EINVAL (a mode it cannot draw) or -ENOMEM (not mapped) with *why set. */
int screen_vga_init(const struct screen_mode *mode, screen_map_fn map, const struct screen_ops **ops,
                    unsigned *cols, unsigned *rows, const char **why);
int screen_fb_init(const struct screen_mode *mode, screen_map_fn map, const struct screen_ops **ops,
                   unsigned *cols, unsigned *rows, const char **why);

#endif
