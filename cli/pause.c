/* `lieve pause <container-id>` */
#include "cli/cli.h"

int cmd_pause(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"pause", "pause suspends all processes inside the container",
		"<container-id>\n\n"
		"Where \"<container-id>\" is the name for the instance of the container to be\n"
		"paused.",
		"The pause command suspends all processes in the instance of the container.\n\n"
		"Use lieve list to identify instances of containers and their current status.",
	};
	return cli_simple_command(&info, lv_pause, ctx, argc, argv, err);
}
