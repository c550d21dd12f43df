/* `lieve kill [--all] <container-id> [signal]` */
#include <signal.h>

#include "cli/cli.h"
#include "src/store.h"

int cmd_kill(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"kill", "kill sends the specified signal (default: SIGTERM) to the container's init process",
		"<container-id> [signal]\n\n"
		"Where \"<container-id>\" is the name for the instance of the container and\n"
		"\"[signal]\" is the signal to be sent to the init process.\n\n"
		"EXAMPLE:\n"
		"For example, if the container id is \"ubuntu01\" the following will send a \"KILL\"\n"
		"signal to the init process of the \"ubuntu01\" container:\n\n"
		"       # lieve kill ubuntu01 KILL",
	};
	lv_kill_opts o = { .signal = SIGTERM };
	const cli_opt opts[] = {
		{ "all", "a", CLI_BOOL, &o.all,
		  "send the specified signal to all processes inside the container" },
		{ 0 },
	};
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_MIN, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	int status = CLI_EXIT_FAILURE;
	o.id = args.v[0];
	if (cli_check_args(&info, &args, 2, CLI_MAX, err) == 0 &&
	    lv_id_validate(o.id, err) == 0 &&
	    (args.n < 2 || lv_parse_signal(args.v[1], &o.signal, err) == 0) &&
	    lv_kill(ctx, &o, err) == 0)
		status = 0;
	cli_args_free(&args);
	return status;
}
