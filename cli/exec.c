/* `lieve exec [options] <container-id> <command> [args...]` or
 * `lieve exec [options] -p process.json <container-id>` */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "src/store.h"

static const cli_cmd_info info = {
	"exec", "execute new process inside the container",
	"<container-id> <command> [command options]  || -p process.json <container-id>\n\n"
	"Where \"<container-id>\" is the name for the instance of the container and\n"
	"\"<command>\" is the command to be executed in the container.\n"
	"\"<command>\" can't be empty unless a \"-p\" flag provided.\n\n"
	"EXAMPLE:\n"
	"For example, if the container is configured to run the linux ps command the\n"
	"following will output a list of processes running in the container:\n\n"
	"       # lieve exec <container-id> ps",
	NULL,
	.stop_at_arg = true,
};

typedef struct {
	lv_exec_opts o;
	cli_strv env, gids, caps, cgroups;
	const char *pidfd_socket;
	char *owned[3];
} exec_cli;

static int check_gids(const cli_strv *gids, lv_error **err)
{
	for (size_t i = 0; i < gids->n; i++) {
		char *end;
		errno = 0;
		long long v = strtoll(gids->v[i], &end, 0);
		if (errno || !*gids->v[i] || *end)
			return lv_err(err, 0, "invalid value \"%s\" for flag -additional-gids: parse error",
				      gids->v[i]);
		if (v < 0 || v > 0xffffffffLL)
			return lv_err(err, 0, "additional-gids must be a positive number %lld", v);
	}
	return 0;
}

static int finish(exec_cli *x, const cli_args *args, lv_error **err)
{
	lv_exec_opts *o = &x->o;
	o->id = args->v[0];
	if (lv_id_validate(o->id, err) < 0)
		return -1;
	if (x->pidfd_socket)
		return lv_err(err, 0, "--pidfd-socket is not supported by lieve yet");
	if (x->cgroups.n > 1)
		return lv_err(err, 0, "--cgroup: only one cgroup v2 sub-cgroup may be given, got %zu",
			      x->cgroups.n);
	o->cgroup = x->cgroups.n ? x->cgroups.v[0] : NULL;
	if (o->process_file && args->n > 1)
		return lv_err(err, 0, "exec: a command cannot be given with --process");
	if (!o->process_file && args->n < 2)
		return lv_err(err, 0, "exec args cannot be empty");
	if (o->preserve_fds < 0)
		return lv_err(err, 0, "--preserve-fds: invalid value %d", o->preserve_fds);
	if (check_gids(&x->gids, err) < 0)
		return -1;
	o->args = (const char *const *)(args->v + 1);
	o->env = x->env.v;
	o->additional_gids = x->gids.v;
	o->caps = x->caps.v;
	const char **paths[] = { &o->pid_file, &o->console_socket, &o->process_file };
	for (size_t i = 0; i < 3; i++) {
		if (!*paths[i])
			continue;
		if (!(x->owned[i] = cli_abspath(*paths[i])))
			return lv_err(err, errno ? errno : ENOMEM, "make \"%s\" absolute", *paths[i]);
		*paths[i] = x->owned[i];
	}
	return 0;
}

int cmd_exec(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	exec_cli x = { 0 };
	lv_exec_opts *o = &x.o;
	const cli_opt opts[] = {
		{ "console-socket", NULL, CLI_STRING, &o->console_socket,
		  "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal" },
		{ "pidfd-socket", NULL, CLI_STRING, &x.pidfd_socket,
		  "path to an AF_UNIX socket which will receive a file descriptor referencing the exec process" },
		{ "cwd", NULL, CLI_STRING, &o->cwd, "current working directory in the container" },
		{ "env", "e", CLI_STRV, &x.env, "set environment variables" },
		{ "tty", "t", CLI_BOOL, &o->tty, "allocate a pseudo-TTY" },
		{ "user", "u", CLI_STRING, &o->user, "UID (format: <uid>[:<gid>])" },
		{ "additional-gids", "g", CLI_STRV, &x.gids, "additional gids" },
		{ "process", "p", CLI_STRING, &o->process_file, "path to the process.json" },
		{ "detach", "d", CLI_BOOL, &o->detach, "detach from the container's process" },
		{ "pid-file", NULL, CLI_STRING, &o->pid_file,
		  "specify the file to write the process id to" },
		{ "process-label", NULL, CLI_STRING, &o->process_label,
		  "set the asm process label for the process commonly used with selinux" },
		{ "apparmor", NULL, CLI_STRING, &o->apparmor,
		  "set the apparmor profile for the process" },
		{ "no-new-privs", NULL, CLI_BOOL, &o->no_new_privs,
		  "set the no new privileges value for the process" },
		{ "cap", "c", CLI_STRV, &x.caps,
		  "add a capability to the bounding set for the process" },
		{ "preserve-fds", NULL, CLI_INT, &o->preserve_fds,
		  "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)",
		  "0" },
		{ "cgroup", NULL, CLI_STRV, &x.cgroups,
		  "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>." },
		{ "ignore-paused", NULL, CLI_BOOL, &o->ignore_paused,
		  "allow exec in a paused container" },
		{ 0 },
	};
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_MIN, err);
	int status = CLI_EXIT_FAILURE;
	if (r == CLI_HELP) {
		status = 0;
	} else if (r == CLI_PARSED) {
		int exit_status = 0;
		if (finish(&x, &args, err) == 0 && lv_exec(ctx, o, &exit_status, err) == 0)
			status = exit_status;
		else
			status = CLI_EXIT_EXEC_FAILURE;
		cli_args_free(&args);
	}
	cli_strv_free(&x.env);
	cli_strv_free(&x.gids);
	cli_strv_free(&x.caps);
	cli_strv_free(&x.cgroups);
	for (size_t i = 0; i < 3; i++)
		free(x.owned[i]);
	return status;
}
