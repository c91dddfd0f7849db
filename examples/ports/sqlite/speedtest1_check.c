/* SPDX-License-Identifier: MIT */
/* speedtest1_check.c: runs SQLite's test/speedtest1.c (compiled with -Dmain=speedtest1_main)
 * and then `PRAGMA integrity_check` on the database it left, in the same boot, so a database in
 * ramfs (which ends with the image) is checked too. The last argument is the database file. */
#include <stdio.h>

#include "sqlite3.h"

int speedtest1_main(int argc, char **argv);

static int print_row(void *arg, int n, char **values, char **names)
{
	printf("integrity_check: %s\n", n > 0 && values[0] ? values[0] : "(null)");
	return 0;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	char *err = NULL;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: speedtest1_check [speedtest1 options] DATABASE\n");
		return 2;
	}
	rc = speedtest1_main(argc, argv);
	if (rc != 0)
		return rc;
	if (sqlite3_open_v2(argv[argc - 1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "speedtest1_check: %s: %s\n", argv[argc - 1], sqlite3_errmsg(db));
		return 1;
	}
	rc = sqlite3_exec(db, "PRAGMA integrity_check", print_row, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "speedtest1_check: %s\n", err);
	sqlite3_free(err);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : 1;
}
