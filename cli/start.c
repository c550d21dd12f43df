/* `lieve start <container-id>` */
#include "cli/cli.h"

int cmd_start(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"start", "executes the user defined process in a created container",
		"<container-id>\n\n"
		"Where \"<container-id>\" is your name for the instance of the container that you\n"
		"are starting. The name you provide for the container instance must be unique on\n"
		"your host.",
		"The start command executes the user defined process in a created container.",
	};
	return cli_simple_command(&info, lv_start, ctx, argc, argv, err);
}
