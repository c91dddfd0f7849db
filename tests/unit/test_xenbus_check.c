/* SPDX-License-Identifier: MIT */
/* test_xenbus_check.c: strict numbers and backend paths as a backend might write them, and the
 * xenbus handshake's decision for every state in every phase. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "xenbus_check.h"

static void test_numbers(void)
{
	uint64_t v = 7;

	CHECK_EQ(xenbus_parse_u64("0", 10, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(xenbus_parse_u64("4", 10, &v), 0);
	CHECK_EQ(v, 4);
	CHECK_EQ(xenbus_parse_u64("10", 10, &v), 0);
	CHECK_EQ(v, 10);
	CHECK_EQ(xenbus_parse_u64("11", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(xenbus_parse_u64("18446744073709551616", UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("99999999999999999999999", UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("4294967296", UINT32_MAX, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("2", 0, &v), -EINVAL); /* a digit above a small maximum (fuzz.xenbus) */
	CHECK_EQ(xenbus_parse_u64("0", 0, &v), 0);
	CHECK_EQ(xenbus_parse_u64("9", 8, &v), -EINVAL);
	v = 5;
	/* Nothing a lenient strtoul would accept. */
	CHECK_EQ(xenbus_parse_u64("", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("-1", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("+1", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64(" 1", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("1 ", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("01", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("00", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("0x1", 10, &v), -EINVAL);
	CHECK_EQ(xenbus_parse_u64("1a", 10, &v), -EINVAL);
	CHECK_EQ(v, 5); /* untouched on error */
}

static void test_paths(void)
{
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/vif/3/0", 0, 128), 0);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/vbd/3/51712", 0, 128), 0);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/12/backend/qdisk-x_y/1.2/0", 12, 128), 0);
	/* Another domain's tree, a prefix trick, a number written oddly. */
	CHECK_EQ(xenbus_check_backend_path("/local/domain/1/backend/vif/3/0", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/01/backend/vif/3/0", 1, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0x/backend/vif/3/0", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain//backend/vif/3/0", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backendx/vif/3/0", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/frontend/vif/3/0", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("local/domain/0/backend/vif/3/0", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/4294967296/backend/vif", 0, 128), -EINVAL);
	/* Escapes and malformed components. */
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/vif/", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/vif//0", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/../../1/x", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/vif/./0", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/vif 3", 0, 128), -EINVAL);
	CHECK_EQ(xenbus_check_backend_path("/local/domain/0/backend/vif\n3", 0, 128), -EINVAL);
	/* Length: the bus's buffers hold max - 1 characters. */
	char path[200] = "/local/domain/0/backend/";

	memset(path + strlen(path), 'a', 127 - strlen(path));
	path[127] = '\0';
	CHECK_EQ(xenbus_check_backend_path(path, 0, 128), 0);
	path[127] = 'a';
	path[128] = '\0';
	CHECK_EQ(xenbus_check_backend_path(path, 0, 128), -EINVAL);
}

/* Every state of public/io/xenbus.h (0-8), plus "missing" (-1) and values out of range. */
static void test_verdicts(void)
{
	static const struct {
		enum xenbus_phase phase;
		const char *want; /* the verdict for -1, 0, 1 ... 8, 9: G(o), W(ait), F(ail) */
	} table[] = {
	        /*                           -1 0 1 2 3 4 5 6 7 8 9 */
	        {XENBUS_WAIT_INITWAIT, "FWWGGGFFFFF"}, {XENBUS_WAIT_CONNECTED, "FFWWWGFFFFF"},
	        {XENBUS_WAIT_CLOSING, "GWWWWWGGFFF"},  {XENBUS_WAIT_CLOSED, "GFFGFWWGFFF"},
	        {XENBUS_WATCH_RUNNING, "FFFFFWFFFFF"},
	};

	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		for (int st = -1; st <= 9; st++) {
			enum xenbus_verdict v = xenbus_verdict(table[i].phase, st);
			char got = v == XENBUS_GO ? 'G' : v == XENBUS_WAIT ? 'W' : 'F';

			if (got != table[i].want[st + 1])
				fprintf(stderr, "phase %d state %d: got %c\n", table[i].phase, st, got);
			CHECK(got == table[i].want[st + 1]);
		}
	}
	CHECK_STR(xenbus_state_name(2), "InitWait");
	CHECK_STR(xenbus_state_name(6), "Closed");
	CHECK_STR(xenbus_state_name(-1), "?");
	CHECK_STR(xenbus_state_name(9), "?");
}

int main(void)
{
	test_numbers();
	test_paths();
	test_verdicts();
	return check_report();
}
