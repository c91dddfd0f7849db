/* SPDX-License-Identifier: MIT */
/* screen_vga.c: the screen console in VGA text mode, as BIOS and GRUB leave a PC: cells of a
 * character and an attribute byte at 0xb8000. The font is loaded into the VGA's character
 * generator (plane 2), so text mode shows the same glyphs as the framebuffer console. Register
 * programming as in the IBM VGA Technical Reference (sequencer 3c4h, graphics 3ceh, CRTC 3d4h). */
#include <errno.h>

#include <arch/io.h>

#include "screen_impl.h"

#define VGA_TEXT_PA 0xb8000
#define VGA_FONT_PA 0xa0000 /* plane 2 as seen at 0xa0000 while it is mapped alone */
#define SEQ         0x3c4
#define GC          0x3ce
#define CRTC        0x3d4
#define ATTR        0x07 /* light grey on black */
#define MAX_CELLS   (256 * 256)

static volatile uint16_t *cells;
static unsigned stride; /* cells from one line to the next */

static void vga_put(unsigned x, unsigned y, uint8_t c) { cells[y * stride + x] = (uint16_t)(ATTR << 8 | c); }

static const struct screen_ops vga_ops = {.put = vga_put};

static void seq(uint8_t reg, uint8_t val)
{
	outb(SEQ, reg);
	outb(SEQ + 1, val);
}

static void gc(uint8_t reg, uint8_t val)
{
	outb(GC, reg);
	outb(GC + 1, val);
}

/* Plane 2 holds 32 bytes per character, of which a 16-line font uses the first 16. To write it
 * the planes are switched from text mode's odd/even addressing to plane 2 alone at 0xa0000,
 * then back (values of the standard mode 3). */
static int load_font(screen_map_fn map)
{
	volatile uint32_t *plane = map(VGA_FONT_PA, 256 * 32);

	if (!plane)
		return -ENOMEM;
	seq(0x00, 0x01); /* synchronous reset while the memory mode changes */
	seq(0x02, 0x04); /* write plane 2 only */
	seq(0x04, 0x07); /* sequential addressing, 256 KiB */
	seq(0x00, 0x03);
	gc(0x04, 0x02); /* read plane 2 */
	gc(0x05, 0x00); /* no odd/even */
	gc(0x06, 0x04); /* memory at 0xa0000, 64 KiB, graphics off */
	/* Four bytes a store (the font's lines in memory order, little-endian), the glyph's lines
	 * and then the unused rest of its 32: a quarter of the stores of a byte loop, on a boot
	 * path that runs before main(). */
	for (unsigned c = 0; c < 256; c++) {
		for (unsigned w = 0; w < SCREEN_FONT_H / 4; w++) {
			const uint8_t *f = &screen_font[c][w * 4];

			plane[c * 8 + w] = f[0] | f[1] << 8 | f[2] << 16 | (uint32_t)f[3] << 24;
		}
		for (unsigned w = SCREEN_FONT_H / 4; w < 8; w++)
			plane[c * 8 + w] = 0;
	}
	seq(0x00, 0x01);
	seq(0x02, 0x03); /* planes 0 and 1: characters and attributes */
	seq(0x04, 0x03); /* odd/even addressing */
	seq(0x03, 0x00); /* both character sets at the start of plane 2 */
	seq(0x00, 0x03);
	gc(0x04, 0x00);
	gc(0x05, 0x10); /* odd/even */
	gc(0x06, 0x0e); /* memory at 0xb8000, 32 KiB, text */
	return 0;
}

int screen_vga_init(const struct screen_mode *mode, screen_map_fn map, const struct screen_ops **ops,
                    unsigned *cols, unsigned *rows, const char **why)
{
	if (mode->addr != VGA_TEXT_PA || mode->width == 0 || mode->height == 0 ||
	    mode->width * mode->height > MAX_CELLS || mode->pitch < mode->width * 2 || (mode->pitch & 1) ||
	    (uint64_t)mode->pitch * mode->height > 0x8000) {
		*why = "a VGA text mode that is not at 0xb8000 or does not fit its 32 KiB";
		return -EINVAL;
	}
	cells = map(VGA_TEXT_PA, (size_t)mode->pitch * mode->height);
	if (!cells || load_font(map) < 0) {
		*why = "could not map the VGA memory";
		return -ENOMEM;
	}
	stride = mode->pitch / 2;
	/* The console does not move the hardware cursor: hide it (cursor start register, bit 5). */
	outb(CRTC, 0x0a);
	outb(CRTC + 1, 0x20);
	*ops = &vga_ops;
	*cols = mode->width;
	*rows = mode->height;
	return 0;
}
