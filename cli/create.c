/* `lieve create [options] <container-id>` */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "src/store.h"
#include "src/util/cleanup.h"

static const char *const create_args =
	"<container-id>\n\n"
	"Where \"<container-id>\" is your name for the instance of the container that you\n"
	"are starting. The name you provide for the container instance must be unique on\n"
	"your host.";

static const char *const create_description =
	"The create command creates an instance of a container for a bundle. The bundle\n"
	"is a directory with a specification file named \"config.json\" and a root\n"
	"filesystem.\n\n"
	"The specification file includes an args parameter. The args parameter is used\n"
	"to specify command(s) that get run when the container is started. To change the\n"
	"command(s) that get executed on start, edit the args parameter of the spec. See\n"
	"\"lieve spec --help\" for more explanation.";

size_t cli_create_options(lv_create_opts *o, const char **pidfd_socket, bool run,
			  cli_opt out[16])
{
	size_t n = 0;
	out[n++] = (cli_opt){ "bundle", "b", CLI_STRING, &o->bundle,
		"path to the root of the bundle directory, defaults to the current directory" };
	out[n++] = (cli_opt){ "console-socket", NULL, CLI_STRING, &o->console_socket,
		"path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal" };
	out[n++] = (cli_opt){ "pidfd-socket", NULL, CLI_STRING, pidfd_socket,
		"path to an AF_UNIX socket which will receive a file descriptor referencing the init process" };
	if (run) {
		out[n++] = (cli_opt){ "detach", "d", CLI_BOOL, &o->detach,
			"detach from the container's process" };
		out[n++] = (cli_opt){ "keep", NULL, CLI_BOOL, &o->keep,
			"do not delete the container after it exits" };
	}
	out[n++] = (cli_opt){ "pid-file", NULL, CLI_STRING, &o->pid_file,
		"specify the file to write the process id to" };
	if (run)
		out[n++] = (cli_opt){ "no-subreaper", NULL, CLI_BOOL, &o->no_subreaper,
			"disable the use of the subreaper used to reap reparented processes" };
	out[n++] = (cli_opt){ "no-pivot", NULL, CLI_BOOL, &o->no_pivot,
		"do not use pivot root to jail process inside rootfs.  This should be used whenever the rootfs is on top of a ramdisk" };
	out[n++] = (cli_opt){ "no-new-keyring", NULL, CLI_BOOL, &o->no_new_keyring,
		"do not create a new session keyring for the container.  This will cause the container to inherit the calling processes session key" };
	out[n++] = (cli_opt){ "preserve-fds", NULL, CLI_INT, &o->preserve_fds,
		"Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)",
		"0" };
	out[n] = (cli_opt){ 0 };
	return n;
}

int cli_create_finish(lv_create_opts *o, const char *pidfd_socket, char *owned[4],
		      lv_error **err)
{
	if (pidfd_socket)
		return lv_err(err, 0, "--pidfd-socket is not supported by lieve yet");
	if (o->preserve_fds < 0)
		return lv_err(err, 0, "--preserve-fds: invalid value %d", o->preserve_fds);
	if (!o->bundle || !*o->bundle)
		o->bundle = ".";
	const char **paths[] = { &o->bundle, &o->pid_file, &o->console_socket };
	for (size_t i = 0; i < 3; i++) {
		if (!*paths[i])
			continue;
		if (!(owned[i] = cli_abspath(*paths[i])))
			return lv_err(err, errno ? errno : ENOMEM, "make \"%s\" absolute", *paths[i]);
		*paths[i] = owned[i];
	}
	return lv_id_validate(o->id, err);
}

int cmd_create(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	const cli_cmd_info ci = { "create", "create a container", create_args,
				  create_description };
	lv_create_opts o = { 0 };
	const char *pidfd_socket = NULL;
	cli_opt opts[16];
	cli_create_options(&o, &pidfd_socket, false, opts);
	cli_args args;
	int r = cli_parse_checked(&ci, opts, argc, argv, &args, 1, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	o.id = args.v[0];
	char *owned[4] = { 0 };
	int status = CLI_EXIT_FAILURE;
	if (cli_create_finish(&o, pidfd_socket, owned, err) == 0 &&
	    lv_create(ctx, &o, err) == 0)
		status = 0;
	for (size_t i = 0; i < 4; i++)
		free(owned[i]);
	cli_args_free(&args);
	return status;
}
