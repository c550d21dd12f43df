/* `lieve checkpoint`: runc's flags are parsed (so a wrong invocation is a
 * usage error like runc's), then refused: lieve has no CRIU support. */
#include "cli/cli.h"

int cmd_checkpoint(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"checkpoint", "checkpoint a running container",
		"<container-id>\n\n"
		"Where \"<container-id>\" is the name for the instance of the container to be\n"
		"checkpointed.",
		"The checkpoint command saves the state of the container instance.\n"
		"lieve has no CRIU support: this command always fails.",
	};
	const char *s = NULL;
	bool b = false;
	int status_fd = -1;
	cli_strv empty_ns = { 0 };
	const cli_opt opts[] = {
		{ "image-path", NULL, CLI_STRING, &s, "path for saving criu image files" },
		{ "work-path", NULL, CLI_STRING, &s, "path for saving work files and logs" },
		{ "parent-path", NULL, CLI_STRING, &s, "path for previous criu image files in pre-dump" },
		{ "leave-running", NULL, CLI_BOOL, &b, "leave the process running after checkpointing" },
		{ "tcp-established", NULL, CLI_BOOL, &b, "allow open tcp connections" },
		{ "ext-unix-sk", NULL, CLI_BOOL, &b, "allow external unix sockets" },
		{ "shell-job", NULL, CLI_BOOL, &b, "allow shell jobs" },
		{ "lazy-pages", NULL, CLI_BOOL, &b, "use userfaultfd to lazily restore memory pages" },
		{ "status-fd", NULL, CLI_INT, &status_fd,
		  "criu writes \\0 to this FD once lazy-pages is ready", "-1" },
		{ "page-server", NULL, CLI_STRING, &s, "ADDRESS:PORT of the page server" },
		{ "file-locks", NULL, CLI_BOOL, &b, "handle file locks, for safety" },
		{ "pre-dump", NULL, CLI_BOOL, &b,
		  "dump container's memory information only, leave the container running after this" },
		{ "manage-cgroups-mode", NULL, CLI_STRING, &s,
		  "cgroups mode: 'soft' (default), 'full' and 'strict'" },
		{ "empty-ns", NULL, CLI_STRV, &empty_ns,
		  "create a namespace, but don't restore its properties" },
		{ "auto-dedup", NULL, CLI_BOOL, &b, "enable auto deduplication of memory images" },
		{ 0 },
	};
	(void)ctx;
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_EXACT, err);
	cli_strv_free(&empty_ns);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	cli_args_free(&args);
	lv_err(err, 0, "checkpoint: not supported by lieve (no CRIU support)");
	return CLI_EXIT_FAILURE;
}
