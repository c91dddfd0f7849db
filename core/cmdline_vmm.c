/* SPDX-License-Identifier: MIT */
/* cmdline_vmm.c: boot options a virtual machine monitor appends to the command line it was
 * given. QEMU microvm adds "virtio_mmio.device=..." words at the very end, after the
 * application's arguments and their "--"; they are moved back in front so they reach the
 * option parser and not main(). */
#include <stdbool.h>
#include <string.h>

#include <hal/boot.h>

static const char *const vmm_prefixes[] = {"virtio_mmio.device="};

/* A word a VMM writes: a known prefix, then only characters that need no quoting. */
static bool vmm_word(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof(vmm_prefixes) / sizeof(vmm_prefixes[0]); i++) {
		size_t plen = strlen(vmm_prefixes[i]);

		if (len <= plen || strncmp(w, vmm_prefixes[i], plen) != 0)
			continue;
		for (size_t j = plen; j < len; j++) {
			char c = w[j];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      c == '@' || c == ':' || c == '.' || c == '_'))
				return false;
		}
		return true;
	}
	return false;
}

/* Does `line[0..end)` contain a bare "--" word (unquoted, space-delimited)? Quoting before it
 * is left to the parser: a quoted "--" is rare enough that missing it only leaves the words
 * where the VMM put them, which the parser then reports. */
static bool has_separator(const char *line, size_t end)
{
	for (size_t i = 0; i + 1 < end; i++)
		if (line[i] == '-' && line[i + 1] == '-' && (i == 0 || line[i - 1] == ' ') &&
		    (i + 2 == end || line[i + 2] == ' '))
			return true;
	return false;
}

void cmdline_hoist_vmm_options(char *line)
{
	static char moved[HAL_BOOT_CMDLINE_MAX];
	size_t len = strlen(line), end = len;

	if (len >= sizeof(moved))
		return;
	/* Peel VMM words off the end. */
	for (;;) {
		size_t e = end;

		while (e > 0 && line[e - 1] == ' ')
			e--;
		size_t s = e;

		while (s > 0 && line[s - 1] != ' ')
			s--;
		if (s == e || !vmm_word(line + s, e - s))
			break;
		end = s;
	}
	if (end == len || !has_separator(line, end))
		return;
	/* The VMM words first, then what came before them. */
	size_t n = len - end;

	memcpy(moved, line + end, n);
	moved[n] = ' ';
	memcpy(moved + n + 1, line, end);
	moved[len] = '\0';
	memcpy(line, moved, len + 1);
}
