/* SPDX-License-Identifier: MIT */
/* screen_fb.c: the screen console on a linear framebuffer (what GRUB gives with gfxpayload, and
 * always on UEFI): each character drawn from the built-in 8x16 font, in any direct-colour
 * format of 15/16, 24 or 32 bits a pixel the boot loader describes. */
#include <errno.h>

#include "screen_impl.h"

#define MAX_BYTES (512u << 20) /* far more than any real mode; the map must stay sane */

static volatile uint8_t *fb;
static uint32_t pitch, bytes_pp, fg, bg;

/* The pixel value of a grey of intensity `v` (0-255) in the mode's format. */
static uint32_t grey(const struct screen_mode *m, uint32_t v)
{
	return (v >> (8 - m->red_size)) << m->red_pos | (v >> (8 - m->green_size)) << m->green_pos |
	       (v >> (8 - m->blue_size)) << m->blue_pos;
}

static void fb_put(unsigned x, unsigned y, uint8_t c)
{
	const uint8_t *glyph = screen_font[c];

	for (unsigned row = 0; row < SCREEN_FONT_H; row++) {
		volatile uint8_t *p =
		        fb + (size_t)(y * SCREEN_FONT_H + row) * pitch + (size_t)x * SCREEN_FONT_W * bytes_pp;

		for (unsigned bit = 0; bit < SCREEN_FONT_W; bit++, p += bytes_pp) {
			uint32_t v = glyph[row] & (0x80 >> bit) ? fg : bg;

			switch (bytes_pp) {
			case 4:
				*(volatile uint32_t *)p = v;
				break;
			case 3:
				p[0] = (uint8_t)v;
				p[1] = (uint8_t)(v >> 8);
				p[2] = (uint8_t)(v >> 16);
				break;
			default:
				*(volatile uint16_t *)p = (uint16_t)v;
				break;
			}
		}
	}
}

static const struct screen_ops fb_ops = {.put = fb_put};

static int field_ok(unsigned pos, unsigned size, unsigned bpp)
{
	return size >= 1 && size <= 8 && pos + size <= bpp;
}

int screen_fb_init(const struct screen_mode *m, screen_map_fn map, const struct screen_ops **ops,
                   unsigned *cols, unsigned *rows, const char **why)
{
	unsigned bpp = m->bpp;

	if (bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32) {
		*why = "a framebuffer of other than 15, 16, 24 or 32 bits a pixel";
		return -EINVAL;
	}
	bytes_pp = (bpp + 7) / 8;
	if (!field_ok(m->red_pos, m->red_size, bpp) || !field_ok(m->green_pos, m->green_size, bpp) ||
	    !field_ok(m->blue_pos, m->blue_size, bpp)) {
		*why = "a framebuffer whose colour fields do not fit its pixels";
		return -EINVAL;
	}
	if (m->width < SCREEN_FONT_W || m->height < SCREEN_FONT_H || m->width > 65536 ||
	    (uint64_t)m->pitch < (uint64_t)m->width * bytes_pp ||
	    (uint64_t)m->pitch * m->height > MAX_BYTES || m->addr == 0 ||
	    m->addr + (uint64_t)m->pitch * m->height < m->addr) {
		*why = "a framebuffer whose size, line length or address does not hold together";
		return -EINVAL;
	}
	fb = map(m->addr, (size_t)m->pitch * m->height);
	if (!fb) {
		*why = "could not map the framebuffer";
		return -ENOMEM;
	}
	pitch = m->pitch;
	fg = grey(m, 0xaa); /* the grey of VGA text mode's default attribute */
	bg = 0;
	*ops = &fb_ops;
	*cols = m->width / SCREEN_FONT_W;
	*rows = m->height / SCREEN_FONT_H;
	return 0;
}
