/* SPDX-License-Identifier: MIT */
/* screen/screen.h: a text console on a PC's screen, VGA text mode or a linear framebuffer with
 * a built-in 8x16 font, so a person at the machine sees what the serial port shows. */
#ifndef SCREEN_H
#define SCREEN_H

#include <stddef.h>
#include <stdint.h>

enum screen_kind {
	SCREEN_VGA_TEXT, /* 16-bit cells (character, attribute), `width` x `height` characters */
	SCREEN_RGB,      /* direct colour, `width` x `height` pixels of `bpp` bits */
};

/* What the boot loader says about the screen (Multiboot2 framebuffer tag, §3.6.12). */
struct screen_mode {
	enum screen_kind kind;
	uint64_t addr;  /* physical */
	uint32_t pitch; /* bytes from one line (of pixels or of cells) to the next */
	uint32_t width, height;
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size; /* SCREEN_RGB */
};

/* Maps `len` bytes of device memory at physical `pa` and returns where to write them, or NULL. */
typedef volatile void *(*screen_map_fn)(uint64_t pa, size_t len);

/* Check `mode` (it comes from the boot loader: sizes that do not fit, or a pixel format this
 * console cannot draw, are refused with -EINVAL and *why saying which), map the screen with
 * `map` (-ENOMEM when that fails), clear it and make it the console's screen. In VGA text
 * mode the font is also loaded into the VGA's character generator, so the screen shows the
 * same glyphs in both modes. Called once, at boot, before interrupts are enabled. */
int screen_init(const struct screen_mode *mode, screen_map_fn map, const char **why);

/* Draw `len` bytes of console output: "\n" starts a line, "\r" returns to its start, "\t"
 * goes to the next multiple of 8, "\b" steps back; the screen scrolls up when full. Bytes are
 * Latin-1 (UTF-8 lead and continuation bytes show as such). Does nothing before screen_init()
 * succeeded. No allocation and no lock: safe from interrupt, fault and panic context. */
void screen_write(const char *buf, size_t len);

#endif
