/* Helpers every subcommand uses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "src/store.h"
#include "src/util/cleanup.h"

int cli_parse_checked(const cli_cmd_info *cmd, const cli_opt *opts, int argc,
		      char **argv, cli_args *args, int nargs, enum cli_nargs how,
		      lv_error **err)
{
	int r = cli_parse(cmd, opts, argc, argv, args, err);
	if (r != CLI_PARSED)
		return r;
	if (cli_check_args(cmd, args, nargs, how, err) < 0) {
		cli_args_free(args);
		return -1;
	}
	return CLI_PARSED;
}

char *cli_abspath(const char *path)
{
	if (path[0] == '/')
		return strdup(path);
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	if (!strcmp(path, "."))
		return steal_ptr(cwd);
	char *out;
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

int cli_write_stdout(const char *s, lv_error **err)
{
	size_t len = strlen(s);
	if (fwrite(s, 1, len, stdout) != len || fflush(stdout) != 0)
		return lv_err(err, errno, "write to stdout");
	return 0;
}

int cli_simple_command(const cli_cmd_info *info, cli_id_action fn, const lv_context *ctx,
			  int argc, char **argv, lv_error **err)
{
	static const cli_opt none[] = { { 0 } };
	cli_args args;
	int r = cli_parse_checked(info, none, argc, argv, &args, 1, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	int status = lv_id_validate(args.v[0], err) == 0 && fn(ctx, args.v[0], err) == 0
			     ? 0 : CLI_EXIT_FAILURE;
	cli_args_free(&args);
	return status;
}

