/* `lieve state <container-id>`: runc's state document, indented. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "src/store.h"
#include "src/util/cleanup.h"

int cmd_state(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"state", "output the state of a container",
		"<container-id>\n\n"
		"Where \"<container-id>\" is your name for the instance of the container.",
		"The state command outputs current state information for the\n"
		"instance of a container.",
	};
	static const cli_opt none[] = { { 0 } };
	cli_args args;
	int r = cli_parse_checked(&info, none, argc, argv, &args, 1, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	_cleanup_free_ char *json = NULL;
	int status = CLI_EXIT_FAILURE;
	if (lv_state_json(ctx, args.v[0], &json, err) == 0) {
		size_t len = strlen(json);
		bool nl = len > 0 && json[len - 1] == '\n';
		if (cli_write_stdout(json, err) == 0 &&
		    (nl || cli_write_stdout("\n", err) == 0))
			status = 0;
	}
	cli_args_free(&args);
	return status;
}
