/* SPDX-License-Identifier: MIT */
/* screen.c: the terminal of the screen console: cursor, line breaks, tabs and scrolling over a
 * grid of characters that the VGA text or framebuffer code draws. A copy of the grid is kept
 * here, so scrolling redraws only the cells that change and never reads video memory, which is
 * slow (uncached) on real hardware. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <screen/screen.h>

#include "screen_impl.h"

/* Enough for 2560x1600 at 8x16 pixels a character; a larger screen uses its top-left part. */
#define MAX_COLS 320
#define MAX_ROWS 100
#define TAB      8

static const struct screen_ops *ops;
static unsigned cols, rows, cur_x, cur_y;
static uint8_t grid[MAX_ROWS][MAX_COLS];

static void put(unsigned x, unsigned y, uint8_t c)
{
	if (grid[y][x] != c) {
		grid[y][x] = c;
		ops->put(x, y, c);
	}
}

static void scroll(void)
{
	for (unsigned y = 0; y + 1 < rows; y++)
		for (unsigned x = 0; x < cols; x++)
			put(x, y, grid[y + 1][x]);
	for (unsigned x = 0; x < cols; x++)
		put(x, rows - 1, ' ');
}

static void newline(void)
{
	cur_x = 0;
	if (cur_y + 1 < rows)
		cur_y++;
	else
		scroll();
}

int screen_init(const struct screen_mode *mode, screen_map_fn map, const char **why)
{
	const struct screen_ops *o;
	unsigned c, r;
	int err;

	if (mode->kind == SCREEN_VGA_TEXT)
		err = screen_vga_init(mode, map, &o, &c, &r, why);
	else if (mode->kind == SCREEN_RGB)
		err = screen_fb_init(mode, map, &o, &c, &r, why);
	else {
		*why = "unknown kind of screen";
		err = -EINVAL;
	}
	if (err < 0)
		return err;
	cols = c < MAX_COLS ? c : MAX_COLS;
	rows = r < MAX_ROWS ? r : MAX_ROWS;
	cur_x = cur_y = 0;
	/* Clear what the boot loader left: the grid starts as NULs, so every cell is drawn. */
	memset(grid, 0, sizeof(grid));
	ops = o;
	for (unsigned y = 0; y < rows; y++)
		for (unsigned x = 0; x < cols; x++)
			put(x, y, ' ');
	return 0;
}

void screen_write(const char *buf, size_t len)
{
	hal_irq_state_t s;

	if (!ops)
		return;
	/* An interrupt handler's message must not land between reading and moving the cursor. */
	s = hal_irq_save();
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)buf[i];

		switch (c) {
		case '\n':
			newline();
			break;
		case '\r':
			cur_x = 0;
			break;
		case '\t':
			if (cur_x >= cols)
				newline();
			do
				put(cur_x++, cur_y, ' ');
			while (cur_x % TAB && cur_x < cols);
			break;
		case '\b':
			if (cur_x > 0)
				cur_x--;
			break;
		default:
			if (cur_x >= cols)
				newline();
			put(cur_x++, cur_y, c);
			break;
		}
	}
	hal_irq_restore(s);
}
