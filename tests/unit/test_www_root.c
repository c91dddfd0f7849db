/* SPDX-License-Identifier: MIT */
/* test_www_root.c: httpd's --root on a host folder made here: files, a folder's index.html,
 * 404 and 403, and symlinks that lead out of the root refused while those inside are served. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "www_root.h"

static char base[64];

static void put(const char *rel, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	FILE *f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(p);
		exit(2);
	}
}

static void link_to(const char *target, const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if (symlink(target, p) < 0) {
		perror(p);
		exit(2);
	}
}

static void dir(const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if (mkdir(p, 0755) < 0) {
		perror(p);
		exit(2);
	}
}

/* The bytes served for url ("" for an error), and the result in *rc. */
static const char *serve(const char *url, int *rc)
{
	static char body[256];
	char name[64];
	off_t size = -1;
	int fd = -1;

	body[0] = 0;
	*rc = www_root_open(url, &fd, &size, name, sizeof(name));
	if (*rc == 0) {
		ssize_t n = read(fd, body, sizeof(body) - 1);
		body[n > 0 ? n : 0] = 0;
		if (n != size)
			*rc = -EIO;
		close(fd);
	}
	return body;
}

int main(void)
{
	int rc;

	snprintf(base, sizeof(base), "/tmp/www_root.XXXXXX");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		return 2;
	}
	dir("www");
	dir("www/sub");
	dir("www/empty");
	put("secret.txt", "secret\n");
	put("www/index.html", "<p>root index</p>\n");
	put("www/hello.txt", "hello\n");
	put("www/sub/index.html", "<p>sub index</p>\n");
	link_to("../secret.txt", "www/out.txt");             /* relative, out of the root */
	link_to("/etc", "www/etc");                          /* absolute, out of the root */
	link_to("hello.txt", "www/in.txt");                  /* inside: served */
	link_to("../secret.txt", "www/sub/../up");           /* www/up: out */
	link_to("..", "www/sub/back");                       /* a folder inside: served */
	link_to("../../secret.txt", "www/empty/index.html"); /* an index that leads out */

	char root[128];
	snprintf(root, sizeof(root), "%s/www/sub/..", base); /* set_root resolves it */
	CHECK_EQ(www_root(), 0);
	CHECK_EQ(www_root_set("/nonexistent/folder"), -ENOENT);
	snprintf(root + strlen(base), sizeof(root) - strlen(base), "/www/hello.txt");
	CHECK_EQ(www_root_set(root), -ENOTDIR);
	snprintf(root + strlen(base), sizeof(root) - strlen(base), "/www/sub/..");
	CHECK_EQ(www_root_set(root), 0);
	CHECK(www_root() != NULL && strcmp(strrchr(www_root(), '/'), "/www") == 0);

	CHECK_STR(serve("/", &rc), "<p>root index</p>\n");
	CHECK_EQ(rc, 0);
	CHECK_STR(serve("/hello.txt", &rc), "hello\n");
	CHECK_STR(serve("/sub", &rc), "<p>sub index</p>\n");
	CHECK_STR(serve("/sub/", &rc), "<p>sub index</p>\n");
	CHECK_STR(serve("/in.txt", &rc), "hello\n");
	CHECK_STR(serve("/sub/back/hello.txt", &rc), "hello\n");
	serve("/missing.txt", &rc);
	CHECK_EQ(rc, -ENOENT);
	serve("/hello.txt/x", &rc);
	CHECK_EQ(rc, -ENOENT);
	serve("/empty/", &rc);
	CHECK_EQ(rc, -EACCES);
	serve("/out.txt", &rc);
	CHECK_EQ(rc, -EACCES);
	serve("/etc/passwd", &rc);
	CHECK_EQ(rc, -EACCES);
	serve("/etc", &rc);
	CHECK_EQ(rc, -EACCES);
	serve("/up", &rc);
	CHECK_EQ(rc, -EACCES);

	/* A root of "/" contains everything; a sibling whose name extends the root's does not. */
	CHECK(www_root_contains("/", "/etc"));
	CHECK(www_root_contains("/srv/www", "/srv/www"));
	CHECK(www_root_contains("/srv/www", "/srv/www/a"));
	CHECK(!www_root_contains("/srv/www", "/srv/www2/a"));
	CHECK(!www_root_contains("/srv/www", "/srv"));

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	if (system(cmd) != 0)
		return 2;
	return check_report();
}
