/* SPDX-License-Identifier: MIT */
/* cmdline.c: splitting the boot command line into kernel options and the application's argv
 * (mote/cmdline.h). Pure: the option table comes in as a parameter, so the host tests and the
 * fuzzer run this exact code. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <mote/cmdline.h>
#include <mote/parse.h>

#define CMDLINE_STR(x)  #x
#define CMDLINE_XSTR(x) CMDLINE_STR(x)

/* A message built in the caller's buffer, cut to fit and always terminated. */
struct msg {
	char *buf;
	size_t cap;
	size_t len;
};

static void msg_add(struct msg *m, const char *s)
{
	while (*s && m->len + 1 < m->cap)
		m->buf[m->len++] = *s++;
	if (m->cap)
		m->buf[m->len] = '\0';
}

/* Start a message in `err`; an absent or empty buffer just drops it. */
static struct msg msg_start(char *err, size_t errlen)
{
	struct msg m = {.buf = err, .cap = err ? errlen : 0};

	msg_add(&m, "");
	return m;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The words of the line, packed: each is NUL-terminated and the next starts right after,
 * from the start of the buffer. Words never grow when quotes and backslashes come out, so
 * the packed form fits inside the original. */
struct words {
	char *first;
	size_t count;
	size_t sep; /* index of the first bare "--", or `count` when there is none */
};

/* Split `line` in place. A word is "bare" when written without quotes or backslashes: only a
 * bare "--" separates options from arguments, so '--' or \-- can reach an option parser. */
static int split(char *line, struct words *w, char *err, size_t errlen)
{
	char *r = line, *wr = line;
	struct msg m;

	w->first = line;
	w->count = 0;
	w->sep = (size_t)-1;
	for (;;) {
		char *start, quote = 0;
		bool bare = true;

		while (is_space(*r))
			r++;
		if (!*r)
			break;
		start = wr;
		for (; *r && (quote || !is_space(*r)); r++) {
			if (quote && *r == quote) {
				quote = 0;
			} else if (!quote && (*r == '"' || *r == '\'')) {
				quote = *r;
				bare = false;
			} else if (*r == '\\' && quote != '\'') {
				bare = false;
				if (!r[1])
					break;
				*wr++ = *++r;
			} else {
				*wr++ = *r;
			}
		}
		if (quote || *r == '\\') {
			*wr = '\0';
			m = msg_start(err, errlen);
			msg_add(&m, quote == '"' ? "unterminated \" quote in boot command line word '"
			            : quote      ? "unterminated ' quote in boot command line word '"
			                         : "trailing backslash in boot command line word '");
			msg_add(&m, start);
			msg_add(&m, "'");
			return -EINVAL;
		}
		/* wr <= r here, so the terminator lands on what was already read. */
		if (*r)
			r++;
		*wr++ = '\0';
		if (w->sep == (size_t)-1 && bare && strcmp(start, "--") == 0)
			w->sep = w->count;
		w->count++;
		/* argv[0] is the program, then every word after the separator. */
		if (w->sep != (size_t)-1 && w->count - w->sep > CMDLINE_MAX_ARGS) {
			m = msg_start(err, errlen);
			msg_add(&m, "too many application arguments (at most " CMDLINE_XSTR(
			                    CMDLINE_MAX_ARGS) " with the program name), starting at '");
			msg_add(&m, start);
			msg_add(&m, "'");
			return -E2BIG;
		}
	}
	if (w->sep == (size_t)-1)
		w->sep = w->count;
	return 0;
}

/* An ordinary entry wins over a fallback of the same name wherever each sits in the table: in
 * an image the table's order is the link order, which says nothing about which is meant. */
static const struct cmdline_option *find_option(const struct cmdline_option *opts, size_t nopts,
                                                const char *name)
{
	const struct cmdline_option *fallback = NULL;

	for (size_t i = 0; i < nopts; i++) {
		if (!opts[i].name || strcmp(opts[i].name, name) != 0)
			continue;
		if (!opts[i].fallback)
			return &opts[i];
		if (!fallback)
			fallback = &opts[i];
	}
	return fallback;
}

/* Apply one "name=value" or "name" word. */
static int apply_option(char *word, const struct cmdline_option *opts, size_t nopts, char *err, size_t errlen)
{
	const struct cmdline_option *opt;
	char reason[CMDLINE_ERR_MAX];
	char *value = parse_find_char(word, '=');
	struct msg m;
	int ret;

	if (!word[0] || value == word) {
		m = msg_start(err, errlen);
		msg_add(&m, "malformed boot option '");
		msg_add(&m, word);
		msg_add(&m, "': expected name=value or name");
		return -EINVAL;
	}
	if (value)
		*value++ = '\0';
	opt = find_option(opts, nopts, word);
	if (!opt) {
		m = msg_start(err, errlen);
		msg_add(&m, "unknown boot option '");
		msg_add(&m, word);
		msg_add(&m, "' (application arguments go after '--')");
		return -EINVAL;
	}
	reason[0] = '\0';
	ret = opt->set(value, reason, sizeof(reason));
	if (ret == 0)
		return 0;
	/* The setter's text is not trusted to be terminated. */
	reason[sizeof(reason) - 1] = '\0';
	m = msg_start(err, errlen);
	msg_add(&m, "bad value for '");
	msg_add(&m, opt->name);
	msg_add(&m, "': ");
	msg_add(&m, reason[0] ? reason : "rejected");
	if (opt->help && opt->help[0]) {
		msg_add(&m, " (");
		msg_add(&m, opt->help);
		msg_add(&m, ")");
	}
	/* A setter that forgot the sign must still stop boot. */
	return ret < 0 ? ret : -EINVAL;
}

int cmdline_parse(char *line, const char *prog, const struct cmdline_option *opts, size_t nopts,
                  struct cmdline_result *out, char *err, size_t errlen)
{
	char empty[1] = "";
	struct words w;
	char *word, *next;
	size_t i;
	int ret;

	out->argc = 0;
	out->argv[0] = NULL;
	msg_start(err, errlen);
	/* Syntax and argument count are checked before any option takes effect. */
	ret = split(line ? line : empty, &w, err, errlen);
	if (ret)
		return ret;
	word = w.first;
	for (i = 0; i < w.sep; i++) {
		/* Step over the word first: applying it cuts it at the '='. */
		next = word + strlen(word) + 1;
		ret = apply_option(word, opts, nopts, err, errlen);
		if (ret)
			return ret;
		word = next;
	}
	/* main() takes char **, but argv[0] is the caller's constant name and stays unwritten. */
	out->argv[out->argc++] = (char *)(prog ? prog : "");
	for (i = w.sep; i < w.count; i++) {
		if (i > w.sep)
			out->argv[out->argc++] = word;
		word += strlen(word) + 1;
	}
	out->argv[out->argc] = NULL;
	return 0;
}
