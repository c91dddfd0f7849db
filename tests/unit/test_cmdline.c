/* SPDX-License-Identifier: MIT */
/* test_cmdline.c: the boot command-line parser on quoting, escapes, the "--" split, option
 * lookup and setter failures, argument limits and error messages cut to tiny buffers. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <mote/cmdline.h>

#include "check.h"

/* What the setters saw, in order, so tests can tell which options were applied. */
static char applied[1024];

static void record(const char *name, const char *value)
{
	size_t len = strlen(applied);

	if (value)
		snprintf(applied + len, sizeof(applied) - len, "%s=[%s];", name, value);
	else
		snprintf(applied + len, sizeof(applied) - len, "%s;", name);
}

static int set_log(const char *value, char *err, size_t errlen)
{
	static const char *const levels[] = {"error", "warn", "info", "debug"};

	if (!value) {
		snprintf(err, errlen, "needs a level");
		return -EINVAL;
	}
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(value, levels[i]) == 0) {
			record("mote.log", value);
			return 0;
		}
	}
	snprintf(err, errlen, "unknown level '%s'", value);
	return -EINVAL;
}

static int set_flag(const char *value, char *err, size_t errlen)
{
	if (value) {
		snprintf(err, errlen, "takes no value");
		return -EINVAL;
	}
	record("mote.flag", value);
	return 0;
}

static int set_any(const char *value, char *err, size_t errlen)
{
	record("net.ip", value);
	return 0;
}

/* Setters that misbehave: no reason, a positive return, an unterminated reason. */
static int set_silent(const char *value, char *err, size_t errlen) { return -ERANGE; }

static int set_positive(const char *value, char *err, size_t errlen)
{
	strcpy(err, "positive");
	return 1;
}

static int set_unterminated(const char *value, char *err, size_t errlen)
{
	memset(err, 'x', errlen);
	return -EINVAL;
}

/* A fallback records under its own name, so a test sees which entry answered. */
static int set_stand_in(const char *value, char *err, size_t errlen)
{
	record("stand-in", value);
	return 0;
}

/* The fallbacks sit before and after the ordinary entries of the same name: order must not
 * matter, as in an image, where it is the link order. */
static const struct cmdline_option opts[] = {
        {"mote.flag", "", set_stand_in, 1},
        {"mote.log", "log level: error|warn|info|debug", set_log, 0},
        {"mote.flag", "a flag without value", set_flag, 0},
        {"net.ip", "", set_any, 0},
        {"t.silent", NULL, set_silent, 0},
        {"t.positive", "", set_positive, 0},
        {"t.unterm", "", set_unterminated, 0},
        {"net.ip", "", set_stand_in, 1},
        {"t.vmm", "", set_stand_in, 1},
        {"t.vmm", "", set_silent, 1},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static char line[4096];
static struct cmdline_result res;
static char err[CMDLINE_ERR_MAX];

/* Parse a copy of `text` with the table above; the result is in res/err/applied. */
static int parse(const char *text)
{
	snprintf(line, sizeof(line), "%s", text);
	applied[0] = '\0';
	memset(err, '#', sizeof(err));
	memset(&res, 0x5a, sizeof(res));
	return cmdline_parse(line, "app", opts, NOPTS, &res, err, sizeof(err));
}

/* Check argv against a NULL-terminated list of expected words. */
static void check_argv(int line_no, const char *const *want)
{
	int n = 0;

	while (want[n])
		n++;
	if (res.argc != n + 1 || strcmp(res.argv[0], "app") != 0 || res.argv[n + 1] != NULL) {
		check_failed++;
		fprintf(stderr, "line %d: argc %d, want %d\n", line_no, res.argc, n + 1);
		return;
	}
	for (int i = 0; i < n; i++) {
		bool inside = res.argv[i + 1] >= line && res.argv[i + 1] < line + sizeof(line);

		if (!inside || strcmp(res.argv[i + 1], want[i]) != 0) {
			check_failed++;
			fprintf(stderr, "line %d: argv[%d] \"%s\", want \"%s\"\n", line_no, i + 1,
			        inside ? res.argv[i + 1] : "(outside)", want[i]);
			return;
		}
	}
	check_passed++;
}

#define ARGV(...) check_argv(__LINE__, (const char *const[]){__VA_ARGS__, NULL})
#define NO_ARGS() check_argv(__LINE__, (const char *const[]){NULL})

static void test_empty(void)
{
	CHECK_EQ(parse(""), 0);
	NO_ARGS();
	CHECK_STR(err, "");
	CHECK_STR(applied, "");

	CHECK_EQ(parse(" \t\n\r  "), 0);
	NO_ARGS();

	CHECK_EQ(parse("--"), 0);
	NO_ARGS();
	CHECK_EQ(parse("  --  "), 0);
	NO_ARGS();

	/* A missing line is an empty one. */
	CHECK_EQ(cmdline_parse(NULL, "app", opts, NOPTS, &res, err, sizeof(err)), 0);
	NO_ARGS();
	/* With no table every option is unknown, but a line without any is fine. */
	CHECK_EQ(cmdline_parse(strcpy(line, "-- x"), "app", NULL, 0, &res, err, sizeof(err)), 0);
	ARGV("x");
}

static void test_arguments(void)
{
	CHECK_EQ(parse("-- a bb ccc"), 0);
	ARGV("a", "bb", "ccc");

	/* Everything after the separator is the application's, options and "--" included. */
	CHECK_EQ(parse("-- mote.log=bogus -- --help mote.flag"), 0);
	ARGV("mote.log=bogus", "--", "--help", "mote.flag");
	CHECK_STR(applied, "");

	CHECK_EQ(parse("-- -- --"), 0);
	ARGV("--", "--");

	CHECK_EQ(parse("\tmote.flag\n\n--\targ1 \r\n arg2\t\t"), 0);
	ARGV("arg1", "arg2");
	CHECK_STR(applied, "mote.flag;");

	CHECK_EQ(parse("--x"), -EINVAL);
	CHECK_STR(err, "unknown boot option '--x' (application arguments go after '--')");
}

static void test_quotes_and_escapes(void)
{
	CHECK_EQ(parse("-- \"a b\" 'c d' e\"f g\"h 'it''s' \"\" '' x"), 0);
	ARGV("a b", "c d", "ef gh", "its", "", "", "x");

	CHECK_EQ(parse("-- a\\ b \\\"q\\\" 'no\\escape' \"x\\\"y\" \\\\ \"it's\" '\"'"), 0);
	ARGV("a b", "\"q\"", "no\\escape", "x\"y", "\\", "it's", "\"");

	CHECK_EQ(parse("-- \"multi\nline\ttab\""), 0);
	ARGV("multi\nline\ttab");

	/* A quoted or escaped "--" is a word, not the separator. */
	CHECK_EQ(parse("-- a '--' \\-- b"), 0);
	ARGV("a", "--", "--", "b");
	CHECK_EQ(parse("'--' -- x"), -EINVAL);
	CHECK_STR(err, "unknown boot option '--' (application arguments go after '--')");
	CHECK_EQ(parse("\\-- x"), -EINVAL);

	CHECK_EQ(parse("mote.log=\"de\"bug -- 'x y'"), 0);
	CHECK_STR(applied, "mote.log=[debug];");
	ARGV("x y");
	CHECK_EQ(parse("\"net.ip=a b\" net.ip='c  d'"), 0);
	CHECK_STR(applied, "net.ip=[a b];net.ip=[c  d];");
	NO_ARGS();
}

static void test_syntax_errors(void)
{
	CHECK_EQ(parse("-- \"abc def"), -EINVAL);
	CHECK_STR(err, "unterminated \" quote in boot command line word 'abc def'");
	CHECK_EQ(res.argc, 0);

	CHECK_EQ(parse("-- x 'abc"), -EINVAL);
	CHECK_STR(err, "unterminated ' quote in boot command line word 'abc'");

	CHECK_EQ(parse("-- abc\\"), -EINVAL);
	CHECK_STR(err, "trailing backslash in boot command line word 'abc'");

	CHECK_EQ(parse("\\"), -EINVAL);
	CHECK_STR(err, "trailing backslash in boot command line word ''");

	/* Syntax is checked before any option takes effect. */
	CHECK_EQ(parse("mote.flag mote.log=info -- \"oops"), -EINVAL);
	CHECK_STR(applied, "");
}

static void test_options(void)
{
	CHECK_EQ(parse("mote.log=debug mote.flag net.ip= net.ip=a=b net.ip -- app-arg"), 0);
	CHECK_STR(applied, "mote.log=[debug];mote.flag;net.ip=[];net.ip=[a=b];net.ip;");
	ARGV("app-arg");

	/* Without "--" every word is an option. */
	CHECK_EQ(parse("mote.log=warn"), 0);
	CHECK_STR(applied, "mote.log=[warn];");
	NO_ARGS();

	CHECK_EQ(parse("mote.flag foo.bar -- x"), -EINVAL);
	CHECK_STR(err, "unknown boot option 'foo.bar' (application arguments go after '--')");
	CHECK_STR(applied, "mote.flag;");
	CHECK_EQ(res.argc, 0);

	/* Names match exactly: no prefixes, no case folding. */
	CHECK_EQ(parse("mote.lo=info"), -EINVAL);
	CHECK_EQ(parse("MOTE.LOG=info"), -EINVAL);
	CHECK_EQ(parse("mote.log.x=info"), -EINVAL);
	CHECK_STR(err, "unknown boot option 'mote.log.x' (application arguments go after '--')");

	CHECK_EQ(parse("=x"), -EINVAL);
	CHECK_STR(err, "malformed boot option '=x': expected name=value or name");
	CHECK_EQ(parse("''"), -EINVAL);
	CHECK_STR(err, "malformed boot option '': expected name=value or name");
	CHECK_EQ(parse("="), -EINVAL);
}

/* An ordinary entry answers for its name wherever a fallback of the same name is; a name with
 * only fallbacks gets the first of them. */
static void test_fallbacks(void)
{
	CHECK_EQ(parse("mote.flag net.ip=1 t.vmm=512@0x1000:5 t.vmm -- x"), 0);
	CHECK_STR(applied, "mote.flag;net.ip=[1];stand-in=[512@0x1000:5];stand-in;");
	ARGV("x");

	/* The ordinary entry's failure is not papered over by the fallback. */
	CHECK_EQ(parse("mote.flag=1"), -EINVAL);
	CHECK_STR(err, "bad value for 'mote.flag': takes no value (a flag without value)");
}

static void test_setter_failures(void)
{
	CHECK_EQ(parse("mote.flag mote.log=loud net.ip=1 -- x"), -EINVAL);
	CHECK_STR(err, "bad value for 'mote.log': unknown level 'loud' (log level: error|warn|info|debug)");
	CHECK_STR(applied, "mote.flag;");
	CHECK_EQ(res.argc, 0);

	CHECK_EQ(parse("mote.log"), -EINVAL);
	CHECK_STR(err, "bad value for 'mote.log': needs a level (log level: error|warn|info|debug)");

	/* An empty help text adds nothing. */
	CHECK_EQ(parse("mote.flag=1"), -EINVAL);
	CHECK_STR(err, "bad value for 'mote.flag': takes no value (a flag without value)");

	/* The setter's own error code comes back. */
	CHECK_EQ(parse("t.silent=1"), -ERANGE);
	CHECK_STR(err, "bad value for 't.silent': rejected");

	CHECK_EQ(parse("t.positive"), -EINVAL);
	CHECK_STR(err, "bad value for 't.positive': positive");

	CHECK_EQ(parse("t.unterm=1"), -EINVAL);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	CHECK(strncmp(err, "bad value for 't.unterm': xxx", 29) == 0);
	CHECK_EQ(strlen(err), sizeof(err) - 1);
}

static void test_too_many(void)
{
	char text[4096] = "--";

	/* argv[0] plus CMDLINE_MAX_ARGS - 1 words is the most there can be. */
	for (int i = 1; i < CMDLINE_MAX_ARGS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " a%d", i);
	CHECK_EQ(parse(text), 0);
	CHECK_EQ(res.argc, CMDLINE_MAX_ARGS);
	CHECK_STR(res.argv[CMDLINE_MAX_ARGS - 1], "a63");
	CHECK(res.argv[CMDLINE_MAX_ARGS] == NULL);

	strcat(text, " one-too-many b c");
	CHECK_EQ(parse(text), -E2BIG);
	CHECK_STR(err, "too many application arguments (at most 64 with the program name), starting at "
	               "'one-too-many'");
	CHECK_EQ(res.argc, 0);

	/* Nothing is applied when the arguments do not fit. */
	memmove(text + 10, text, strlen(text) + 1);
	memcpy(text, "mote.flag ", 10);
	CHECK_EQ(parse(text), -E2BIG);
	CHECK_STR(applied, "");

	/* Options before "--" do not count. */
	text[0] = '\0';
	for (int i = 0; i < 3 * CMDLINE_MAX_ARGS; i++)
		strcat(text, "mote.flag ");
	CHECK_EQ(parse(text), 0);
	NO_ARGS();
}

/* Whatever the buffer, the message is cut, terminated, and nothing past errlen is touched. */
static void test_small_err(void)
{
	char small[16];
	size_t sizes[] = {1, 2, 8, 15};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(small, '#', sizeof(small));
		strcpy(line, "foo.bar");
		CHECK_EQ(cmdline_parse(line, "app", opts, NOPTS, &res, small, sizes[i]), -EINVAL);
		CHECK_EQ(strlen(small), sizes[i] - 1);
		CHECK(strncmp(small, "unknown boot option", sizes[i] - 1) == 0);
		CHECK_EQ(small[sizes[i]], '#');
	}

	memset(small, '#', sizeof(small));
	strcpy(line, "mote.log=loud");
	CHECK_EQ(cmdline_parse(line, "app", opts, NOPTS, &res, small, 5), -EINVAL);
	CHECK_STR(small, "bad ");
	CHECK_EQ(small[5], '#');

	memset(small, '#', sizeof(small));
	strcpy(line, "-- 'x");
	CHECK_EQ(cmdline_parse(line, "app", opts, NOPTS, &res, small, 0), -EINVAL);
	CHECK_EQ(small[0], '#');
	CHECK_EQ(cmdline_parse(strcpy(line, "-- 'x"), "app", opts, NOPTS, &res, NULL, 100), -EINVAL);

	/* Success clears the message. */
	memset(small, '#', sizeof(small));
	CHECK_EQ(cmdline_parse(strcpy(line, "-- y"), "app", opts, NOPTS, &res, small, sizeof(small)), 0);
	CHECK_STR(small, "");
}

/* The words stay inside the caller's buffer and argv[0] is the program name given. */
static void test_in_place(void)
{
	char buf[] = "mote.flag -- \"one two\" three";

	CHECK_EQ(cmdline_parse(buf, "prog", opts, NOPTS, &res, err, sizeof(err)), 0);
	CHECK_EQ(res.argc, 3);
	CHECK_STR(res.argv[0], "prog");
	CHECK_STR(res.argv[1], "one two");
	CHECK_STR(res.argv[2], "three");
	CHECK(res.argv[1] >= buf && res.argv[1] < buf + sizeof(buf));
	CHECK(res.argv[2] >= buf && res.argv[2] < buf + sizeof(buf));
	CHECK(res.argv[3] == NULL);
}

int main(void)
{
	test_empty();
	test_arguments();
	test_quotes_and_escapes();
	test_syntax_errors();
	test_options();
	test_fallbacks();
	test_setter_failures();
	test_too_many();
	test_small_err();
	test_in_place();
	return check_report();
}
