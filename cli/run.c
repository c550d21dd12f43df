/* `lieve run [options] <container-id>`: create and start, waiting for the
 * container unless --detach. */
#include <stdlib.h>

#include "cli/cli.h"

int cmd_run(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"run", "create and run a container",
		"<container-id>\n\n"
		"Where \"<container-id>\" is your name for the instance of the container that you\n"
		"are starting. The name you provide for the container instance must be unique on\n"
		"your host.",
		"The run command creates an instance of a container for a bundle. The bundle\n"
		"is a directory with a specification file named \"config.json\" and a root\n"
		"filesystem.\n\n"
		"The specification file includes an args parameter. The args parameter is used\n"
		"to specify command(s) that get run when the container is started. To change the\n"
		"command(s) that get executed on start, edit the args parameter of the spec. See\n"
		"\"lieve spec --help\" for more explanation.",
	};
	lv_create_opts o = { 0 };
	const char *pidfd_socket = NULL;
	cli_opt opts[16];
	cli_create_options(&o, &pidfd_socket, true, opts);
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	o.id = args.v[0];
	char *owned[4] = { 0 };
	int status = CLI_EXIT_FAILURE, exit_status = 0;
	if (cli_create_finish(&o, pidfd_socket, owned, err) == 0 &&
	    lv_run(ctx, &o, &exit_status, err) == 0)
		status = exit_status;
	for (size_t i = 0; i < 4; i++)
		free(owned[i]);
	cli_args_free(&args);
	return status;
}
