/* The runc-compatible option parser (cli/args.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "cli/args.h"
#include "src/util/cleanup.h"

typedef struct {
	const char *bundle, *pid_file;
	bool detach, tty;
	bool tty_set;
	int fds;
	cli_strv env;
} opts_t;

static opts_t o;
static cli_opt table[6];
static const cli_cmd_info reorder = { "create", "create a container", "<id>", NULL };
static const cli_cmd_info stop = { "exec", "exec", "<id> <cmd>", NULL, .stop_at_arg = true };

static void init(void)
{
	memset(&o, 0, sizeof(o));
	cli_opt t[] = {
		{ "bundle", "b", CLI_STRING, &o.bundle, "bundle" },
		{ "pid-file", NULL, CLI_STRING, &o.pid_file, "pid file" },
		{ "detach", "d", CLI_BOOL, &o.detach, "detach" },
		{ "tty", "t", CLI_BOOL, &o.tty, "tty", NULL, &o.tty_set },
		{ "env", "e", CLI_STRV, &o.env, "env" },
		{ 0 },
	};
	memcpy(table, t, sizeof(t));
}

static int parse(const cli_cmd_info *cmd, cli_args *a, lv_error **err, ...)
{
	char *argv[32] = { (char *)cmd->name };
	int argc = 1;
	va_list ap;
	va_start(ap, err);
	for (char *s; (s = va_arg(ap, char *));)
		argv[argc++] = s;
	va_end(ap);
	return cli_parse(cmd, table, argc, argv, a, err);
}

Test(args, forms_of_flags, .init = init)
{
	cli_args a;
	cr_assert_eq(parse(&reorder, &a, NULL, "--bundle", "/b", "-pid-file=/p", "-d", "--tty=false",
			   "-e", "A=1", "--env=B=2", "c1", NULL), CLI_PARSED);
	cr_expect_str_eq(o.bundle, "/b");
	cr_expect_str_eq(o.pid_file, "/p");
	cr_expect(o.detach);
	cr_expect(!o.tty && o.tty_set);
	cr_assert_eq(o.env.n, 2);
	cr_expect_str_eq(o.env.v[0], "A=1");
	cr_expect_str_eq(o.env.v[1], "B=2");
	cr_expect_null(o.env.v[2]);
	cr_assert_eq(a.n, 1);
	cr_expect_str_eq(a.v[0], "c1");
	cli_args_free(&a);
	cli_strv_free(&o.env);
}

Test(args, options_after_arguments_are_reordered, .init = init)
{
	cli_args a;
	cr_assert_eq(parse(&reorder, &a, NULL, "c1", "--bundle=x", "-b", "y", "--", "-d", NULL),
		     CLI_PARSED);
	cr_expect_str_eq(o.bundle, "y");
	cr_expect(!o.detach, "after -- everything is an argument");
	cr_assert_eq(a.n, 2);
	cr_expect_str_eq(a.v[1], "-d");
	cli_args_free(&a);
}

Test(args, exec_stops_at_first_argument, .init = init)
{
	cli_args a;
	cr_assert_eq(parse(&stop, &a, NULL, "-t", "c1", "ls", "-d", "--bundle", NULL), CLI_PARSED);
	cr_expect(o.tty);
	cr_expect(!o.detach);
	cr_assert_eq(a.n, 4);
	cr_expect_str_eq(a.v[2], "-d");
	cr_expect_str_eq(a.v[3], "--bundle");
	cr_expect_null(a.v[4]);
	cli_args_free(&a);
}

Test(args, errors, .init = init)
{
	static const struct {
		const char *a1, *a2, *msg;
	} cases[] = {
		{ "-x", NULL, "flag provided but not defined: -x" },
		{ "--nope=1", NULL, "flag provided but not defined: -nope" },
		{ "--bundle", NULL, "flag needs an argument: -bundle" },
		{ "--detach=maybe", NULL, "invalid boolean value \"maybe\" for -detach: parse error" },
		{ "---bundle", "x", "bad flag syntax: ---bundle" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_args a;
		_cleanup_error_ lv_error *err = NULL;
		cr_expect_eq(parse(&reorder, &a, &err, cases[i].a1, cases[i].a2, NULL), -1, "%s",
			     cases[i].a1);
		cr_expect_str_eq(err ? err->msg : "", cases[i].msg);
	}
}

Test(args, int_and_check_args, .init = init)
{
	cli_opt t[] = { { "preserve-fds", NULL, CLI_INT, &o.fds, "n" }, { 0 } };
	memcpy(table, t, sizeof(t));
	cli_args a;
	cr_assert_eq(parse(&reorder, &a, NULL, "--preserve-fds", "0x10", NULL), CLI_PARSED);
	cr_expect_eq(o.fds, 16);
	_cleanup_error_ lv_error *err = NULL;
	cr_expect_eq(cli_check_args(&reorder, &a, 1, CLI_EXACT, &err), -1);
	cr_expect_str_eq(err->msg, "\"create\" requires exactly 1 argument(s)");
	cli_args_free(&a);
	_cleanup_error_ lv_error *e2 = NULL;
	cr_expect_eq(parse(&reorder, &a, &e2, "--preserve-fds=abc", NULL), -1);
	cr_expect_str_eq(e2->msg, "invalid value \"abc\" for flag -preserve-fds: parse error");
}

Test(args, parse_bool)
{
	bool b;
	const char *yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	const char *no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (int i = 0; i < 6; i++) {
		cr_expect(cli_parse_bool(yes[i], &b) == 0 && b);
		cr_expect(cli_parse_bool(no[i], &b) == 0 && !b);
	}
	cr_expect_eq(cli_parse_bool("yes", &b), -1);
}
