/* `lieve restore`: runc's flags are parsed, then refused: lieve has no
 * CRIU support. */
#include "cli/cli.h"

int cmd_restore(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"restore", "restore a container from a previous checkpoint",
		"<container-id>\n\n"
		"Where \"<container-id>\" is the name for the instance of the container to be\n"
		"restored.",
		"Restores the saved state of the container instance that was previously saved\n"
		"using the checkpoint command.  lieve has no CRIU support: this command always\n"
		"fails.",
	};
	const char *s = NULL;
	bool b = false;
	cli_strv empty_ns = { 0 };
	const cli_opt opts[] = {
		{ "console-socket", NULL, CLI_STRING, &s,
		  "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal" },
		{ "image-path", NULL, CLI_STRING, &s, "path to criu image files for restoring" },
		{ "work-path", NULL, CLI_STRING, &s, "path for saving work files and logs" },
		{ "tcp-established", NULL, CLI_BOOL, &b, "allow open tcp connections" },
		{ "ext-unix-sk", NULL, CLI_BOOL, &b, "allow external unix sockets" },
		{ "shell-job", NULL, CLI_BOOL, &b, "allow shell jobs" },
		{ "file-locks", NULL, CLI_BOOL, &b, "handle file locks, for safety" },
		{ "manage-cgroups-mode", NULL, CLI_STRING, &s,
		  "cgroups mode: 'soft' (default), 'full' and 'strict'" },
		{ "bundle", "b", CLI_STRING, &s, "path to the root of the bundle directory" },
		{ "detach", "d", CLI_BOOL, &b, "detach from the container's process" },
		{ "pid-file", NULL, CLI_STRING, &s, "specify the file to write the process id to" },
		{ "no-subreaper", NULL, CLI_BOOL, &b,
		  "disable the use of the subreaper used to reap reparented processes" },
		{ "no-pivot", NULL, CLI_BOOL, &b,
		  "do not use pivot root to jail process inside rootfs.  This should be used whenever the rootfs is on top of a ramdisk" },
		{ "empty-ns", NULL, CLI_STRV, &empty_ns,
		  "create a namespace, but don't restore its properties" },
		{ "auto-dedup", NULL, CLI_BOOL, &b, "enable auto deduplication of memory images" },
		{ "lazy-pages", NULL, CLI_BOOL, &b, "use userfaultfd to lazily restore memory pages" },
		{ "lsm-profile", NULL, CLI_STRING, &s,
		  "Specify an LSM profile to be used during restore in the form of TYPE:NAME." },
		{ "lsm-mount-context", NULL, CLI_STRING, &s,
		  "Specify an LSM mount context to be used during restore." },
		{ 0 },
	};
	(void)ctx;
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_EXACT, err);
	cli_strv_free(&empty_ns);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	cli_args_free(&args);
	lv_err(err, 0, "restore: not supported by lieve (no CRIU support)");
	return CLI_EXIT_FAILURE;
}
