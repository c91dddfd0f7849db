/* SPDX-License-Identifier: MIT */
/* test_screen.c: the screen console's terminal logic (drivers/screen/screen.c) on the host: a
 * fake backend of 10x4 cells records what is drawn, so line breaks, wrapping, tabs and
 * scrolling (which redraws only the cells that change) can be checked cell by cell. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>

#include "check.h"
#include "screen_impl.h"

#define COLS 10
#define ROWS 4

const uint8_t screen_font[256][SCREEN_FONT_H];
static char cells[ROWS][COLS];
static unsigned puts_count;
static int fail_init;

hal_irq_state_t hal_irq_save(void) { return 0; }
void hal_irq_restore(hal_irq_state_t s) {}

static void fake_put(unsigned x, unsigned y, uint8_t c)
{
	CHECK(x < COLS && y < ROWS);
	if (x < COLS && y < ROWS)
		cells[y][x] = (char)c;
	puts_count++;
}

static const struct screen_ops fake_ops = {.put = fake_put};

static int fake_init(screen_map_fn map, const struct screen_ops **ops, unsigned *cols, unsigned *rows,
                     const char **why)
{
	if (fail_init) {
		*why = "could not map";
		return -ENOMEM;
	}
	*ops = &fake_ops;
	*cols = COLS;
	*rows = ROWS;
	return 0;
}

int screen_vga_init(const struct screen_mode *mode, screen_map_fn map, const struct screen_ops **ops,
                    unsigned *cols, unsigned *rows, const char **why)
{
	return fake_init(map, ops, cols, rows, why);
}

int screen_fb_init(const struct screen_mode *mode, screen_map_fn map, const struct screen_ops **ops,
                   unsigned *cols, unsigned *rows, const char **why)
{
	return fake_init(map, ops, cols, rows, why);
}

/* Row y as a string, trailing blanks dropped. */
static const char *row(unsigned y)
{
	static char buf[COLS + 1];
	int n = COLS;

	memcpy(buf, cells[y], COLS);
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = 0;
	return buf;
}

static void write_str(const char *s) { screen_write(s, strlen(s)); }

static void start(void)
{
	struct screen_mode m = {.kind = SCREEN_RGB};
	const char *why;

	CHECK_EQ(screen_init(&m, NULL, &why), 0);
}

int main(void)
{
	struct screen_mode m = {.kind = SCREEN_VGA_TEXT};
	const char *why = "";

	memset(cells, 'x', sizeof(cells));
	write_str("before init");
	CHECK_EQ(puts_count, 0);

	m.kind = (enum screen_kind)7;
	CHECK_EQ(screen_init(&m, NULL, &why), -EINVAL);
	CHECK_STR(why, "unknown kind of screen");
	fail_init = 1;
	m.kind = SCREEN_VGA_TEXT;
	CHECK_EQ(screen_init(&m, NULL, &why), -ENOMEM);
	write_str("still nothing");
	CHECK_EQ(puts_count, 0);
	fail_init = 0;

	/* Init clears every cell of what the boot loader left. */
	CHECK_EQ(screen_init(&m, NULL, &why), 0);
	CHECK_EQ(puts_count, COLS * ROWS);
	CHECK_STR(row(0), "");
	CHECK_STR(row(3), "");

	write_str("ab\ncd\r\nxy\rz");
	CHECK_STR(row(0), "ab");
	CHECK_STR(row(1), "cd");
	CHECK_STR(row(2), "zy");

	/* A line of exactly COLS characters then "\n" takes one row, not two; longer ones wrap. */
	start();
	write_str("0123456789\nabcdefghijKLM\n");
	CHECK_STR(row(0), "0123456789");
	CHECK_STR(row(1), "abcdefghij");
	CHECK_STR(row(2), "KLM");
	CHECK_STR(row(3), "");

	/* Tabs stop at multiples of 8; backspace steps back. */
	start();
	write_str("a\tb\n12345678\tc\nxy\bz");
	CHECK_STR(row(0), "a       b");
	CHECK_STR(row(1), "12345678");
	CHECK_STR(row(2), "c");
	CHECK_STR(row(3), "xz");
	/* A tab right after a full row starts the next one. */
	start();
	write_str("0123456789\tz");
	CHECK_STR(row(0), "0123456789");
	CHECK_STR(row(1), "        z");

	/* Scrolling: lines past the last row push the first ones off; the cursor stays on the last
	 * row, and only cells whose character changes are drawn again. */
	start();
	write_str("one\ntwo\nthree\nfour\n");
	CHECK_STR(row(0), "two");
	CHECK_STR(row(2), "four");
	CHECK_STR(row(3), "");
	write_str("five\nsix");
	CHECK_STR(row(0), "three");
	CHECK_STR(row(3), "six");
	puts_count = 0;
	write_str("\n");
	CHECK_STR(row(0), "four");
	CHECK_STR(row(1), "five");
	CHECK_STR(row(2), "six");
	CHECK_STR(row(3), "");
	/* "four" over "three" changes 5 cells, "five" over "four" 3, "six" over "five" 3 (the i
	 * stays), "" over "six" 3. */
	CHECK_EQ(puts_count, 5 + 3 + 3 + 3);

	/* Bytes above 0x7f are drawn as themselves (Latin-1). */
	start();
	write_str("\xe9t\xe9");
	CHECK_EQ((uint8_t)cells[0][0], 0xe9);
	CHECK_EQ(cells[0][1], 't');
	return check_report();
}
