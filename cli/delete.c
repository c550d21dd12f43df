/* `lieve delete [--force] <container-id>` */
#include "cli/cli.h"
#include "src/store.h"

int cmd_delete(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"delete", "delete any resources held by the container often used with detached container",
		"<container-id>\n\n"
		"Where \"<container-id>\" is the name for the instance of the container.\n\n"
		"EXAMPLE:\n"
		"For example, if the container id is \"ubuntu01\" and lieve list currently shows the\n"
		"status of \"ubuntu01\" as \"stopped\" the following will delete resources held for\n"
		"\"ubuntu01\" removing \"ubuntu01\" from the lieve list of containers:\n\n"
		"       # lieve delete ubuntu01",
	};
	lv_delete_opts o = { 0 };
	const cli_opt opts[] = {
		{ "force", "f", CLI_BOOL, &o.force,
		  "Forcibly deletes the container if it is still running (uses SIGKILL)" },
		{ 0 },
	};
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	o.id = args.v[0];
	int status = lv_id_validate(o.id, err) == 0 && lv_delete(ctx, &o, err) == 0
			     ? 0 : CLI_EXIT_FAILURE;
	cli_args_free(&args);
	return status;
}
