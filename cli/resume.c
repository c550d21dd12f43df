/* `lieve resume <container-id>` */
#include "cli/cli.h"

int cmd_resume(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"resume", "resumes all processes that have been previously paused",
		"<container-id>\n\n"
		"Where \"<container-id>\" is the name for the instance of the container to be\n"
		"resumed.",
		"The resume command resumes all processes in the instance of the container.\n\n"
		"Use lieve list to identify instances of containers and their current status.",
	};
	return cli_simple_command(&info, lv_resume, ctx, argc, argv, err);
}
