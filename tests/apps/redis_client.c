/* SPDX-License-Identifier: MIT */
/* redis_client.c: a small RESP client that checks a Redis server's exact replies, for dom0 in
 * Xen tier 2 (no redis-cli there); built for the host, statically, like tests/xen/net_client.c.
 *   redis_client HOST PORT STEPS SECTION
 * STEPS holds sections "[name]", each a list of commands ("> word word ...", a word in double
 * quotes may hold spaces) and, after each, its expected reply, one line per element:
 *   +simple  -error  :integer  $bulk  $(nil)  *count (then the elements)  *(nil)  (closed)
 * "(closed)" means the server closed the connection without a reply; "(no reply)" that it sent
 * nothing within NO_REPLY_MS, closing the connection or not (a unikernel that powers off after
 * SHUTDOWN leaves dom0's end of the connection open: its TCP stack is gone, with no FIN).
 * Runs SECTION's commands in order on one connection and stops at the first reply that differs.
 * Exit status: 0 all replies as expected, 1 a reply differed, 2 no server or bad STEPS. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT_MS      60000 /* a server that stops answering is a failure, not a stuck test */
#define NO_REPLY_MS  5000
#define MAX_WORDS    16
#define MAX_LINES    64
#define LINE_MAX_LEN 512

struct step {
	char cmd[LINE_MAX_LEN];
	char expect[MAX_LINES][LINE_MAX_LEN];
	int n_expect;
};

static int fd = -1;
static char rbuf[4096];
static size_t rlen, rpos;
static int wait_ms = WAIT_MS; /* NO_REPLY_MS for a step that expects "(no reply)" */

/* The next byte from the server: 0 on success, -1 when it closed, -2 on an error, -3 after
 * wait_ms of silence. */
static int get_byte(char *c)
{
	if (rpos == rlen) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, wait_ms) != 1) {
			if (wait_ms == NO_REPLY_MS)
				return -3;
			fprintf(stderr, "redis_client: no reply within %d s\n", wait_ms / 1000);
			return -2;
		}
		n = read(fd, rbuf, sizeof(rbuf));
		if (n == 0)
			return -1;
		if (n < 0) {
			/* A reset instead of a FIN is still the server going away. */
			if (errno == ECONNRESET)
				return -1;
			perror("redis_client: read");
			return -2;
		}
		rlen = (size_t)n;
		rpos = 0;
	}
	*c = rbuf[rpos++];
	return 0;
}

/* One CRLF-terminated header line (without the CRLF) into out: 0, or get_byte()'s -1 or -3 when
 * nothing came at all, else -2 (a line cut short is a broken reply, not a closed connection). */
static int get_line(char *out, size_t cap)
{
	size_t len = 0;
	char c;
	int r;

	while ((r = get_byte(&c)) == 0) {
		if (c == '\n' && len > 0 && out[len - 1] == '\r') {
			out[len - 1] = 0;
			return 0;
		}
		if (len + 1 >= cap) {
			fprintf(stderr, "redis_client: reply line longer than %zu bytes\n", cap);
			return -2;
		}
		out[len++] = c;
	}
	return len ? -2 : r;
}

/* Append text to the rendered reply, printable bytes as they are, others as \xHH. */
static void render(char *line, const char *prefix, const char *data, size_t len)
{
	size_t at = strlen(prefix);

	memcpy(line, prefix, at + 1);
	for (size_t i = 0; i < len && at + 5 < LINE_MAX_LEN; i++) {
		unsigned char c = (unsigned char)data[i];

		if (isprint(c) && c != '\\')
			line[at++] = (char)c;
		else
			at += (size_t)snprintf(line + at, 5, "\\x%02x", c);
	}
	line[at] = 0;
}

/* Read one reply and render it into lines[*n...]: 0 or -2. Its first byte may instead be the
 * connection closing, or, for a step that expects no reply, silence. */
static int read_reply(char lines[][LINE_MAX_LEN], int *n, int first)
{
	char head[LINE_MAX_LEN];
	int r = get_line(head, sizeof(head));

	if ((r == -1 || r == -3) && first) {
		strcpy(lines[(*n)++], r == -3 || wait_ms == NO_REPLY_MS ? "(no reply)" : "(closed)");
		return 0;
	}
	if (r)
		return -2;
	if (*n >= MAX_LINES) {
		fprintf(stderr, "redis_client: reply longer than %d lines\n", MAX_LINES);
		return -2;
	}
	switch (head[0]) {
	case '+':
	case '-':
	case ':':
		render(lines[(*n)++], "", head, strlen(head));
		return 0;
	case '$':
	case '*': {
		char *end;
		long count = strtol(head + 1, &end, 10);

		if (*end || end == head + 1 || count < -1 || count > (head[0] == '$' ? 1 << 20 : MAX_LINES)) {
			fprintf(stderr, "redis_client: bad reply header '%s'\n", head);
			return -2;
		}
		if (count == -1) {
			strcpy(lines[(*n)++], head[0] == '$' ? "$(nil)" : "*(nil)");
			return 0;
		}
		if (head[0] == '*') {
			snprintf(lines[(*n)++], LINE_MAX_LEN, "*%ld", count);
			for (long i = 0; i < count; i++)
				if ((r = read_reply(lines, n, 0)) != 0)
					return -2;
			return 0;
		}
		char *data = malloc((size_t)count + 2);

		if (!data)
			return -2;
		for (long i = 0; i < count + 2; i++)
			if (get_byte(&data[i]) != 0) {
				free(data);
				return -2;
			}
		if (data[count] != '\r' || data[count + 1] != '\n') {
			fprintf(stderr, "redis_client: bulk string of %ld bytes not ended by CRLF\n", count);
			free(data);
			return -2;
		}
		render(lines[(*n)++], "$", data, (size_t)count);
		free(data);
		return 0;
	}
	default:
		fprintf(stderr, "redis_client: unknown reply type in '%s'\n", head);
		return -2;
	}
}

static int send_all(const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0) {
			perror("redis_client: write");
			return -2;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send cmd ("word word "quoted words" ...") as a RESP array of bulk strings. */
static int send_command(const char *cmd)
{
	char *words[MAX_WORDS], copy[LINE_MAX_LEN], out[4 * LINE_MAX_LEN];
	int nw = 0, len;
	char *p = copy;

	snprintf(copy, sizeof(copy), "%s", cmd);
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (nw == MAX_WORDS) {
			fprintf(stderr, "redis_client: more than %d words in '%s'\n", MAX_WORDS, cmd);
			return -2;
		}
		if (*p == '"') {
			words[nw++] = ++p;
			p = strchr(p, '"');
			if (!p) {
				fprintf(stderr, "redis_client: unclosed quote in '%s'\n", cmd);
				return -2;
			}
		} else {
			words[nw++] = p;
			while (*p && *p != ' ')
				p++;
			if (!*p)
				break;
		}
		*p++ = 0;
	}
	len = snprintf(out, sizeof(out), "*%d\r\n", nw);
	for (int i = 0; i < nw; i++)
		len += snprintf(out + len, sizeof(out) - (size_t)len, "$%zu\r\n%s\r\n", strlen(words[i]),
		                words[i]);
	return send_all(out, (size_t)len);
}

/* Read SECTION's steps from the file; returns their count, or -1. */
static int load(const char *path, const char *section, struct step *steps, int cap)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN], want[LINE_MAX_LEN];
	int in = 0, n = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	snprintf(want, sizeof(want), "[%s]", section);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		if (line[0] == '[') {
			in = strcmp(line, want) == 0;
			continue;
		}
		if (!in)
			continue;
		if (line[0] == '>' && line[1] == ' ') {
			if (n == cap)
				break;
			snprintf(steps[n].cmd, LINE_MAX_LEN, "%s", line + 2);
			steps[n++].n_expect = 0;
		} else if (n > 0 && steps[n - 1].n_expect < MAX_LINES) {
			struct step *s = &steps[n - 1];

			snprintf(s->expect[s->n_expect++], LINE_MAX_LEN, "%s", line);
		} else {
			fprintf(stderr, "redis_client: %s: '%s' is not under a command\n", path, line);
			n = -1;
			break;
		}
	}
	fclose(f);
	if (n == 0)
		fprintf(stderr, "redis_client: %s has no commands in [%s]\n", path, section);
	return n > 0 ? n : -1;
}

int main(int argc, char **argv)
{
	static struct step steps[32];
	static char got[MAX_LINES][LINE_MAX_LEN];
	struct sockaddr_in addr = {.sin_family = AF_INET};
	int n;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
		fprintf(stderr, "usage: redis_client HOST PORT STEPS SECTION (HOST an IPv4 address)\n");
		return 2;
	}
	addr.sin_port = htons((unsigned short)atoi(argv[2]));
	n = load(argv[3], argv[4], steps, 32);
	if (n < 0)
		return 2;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("redis_client: connect");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		int lines = 0, same;

		wait_ms = steps[i].n_expect == 1 && !strcmp(steps[i].expect[0], "(no reply)") ? NO_REPLY_MS
		                                                                              : WAIT_MS;
		if (send_command(steps[i].cmd) || read_reply(got, &lines, 1)) {
			fprintf(stderr, "redis_client: [%s] %s: no complete reply\n", argv[4], steps[i].cmd);
			return 1;
		}
		same = lines == steps[i].n_expect;
		for (int j = 0; same && j < lines; j++)
			same = strcmp(got[j], steps[i].expect[j]) == 0;
		if (!same) {
			printf("redis_client: [%s] %s: got", argv[4], steps[i].cmd);
			for (int j = 0; j < lines; j++)
				printf(" '%s'", got[j]);
			printf(", expected");
			for (int j = 0; j < steps[i].n_expect; j++)
				printf(" '%s'", steps[i].expect[j]);
			printf("\n");
			return 1;
		}
	}
	printf("redis_client: [%s] %d replies as expected\n", argv[4], n);
	return 0;
}
