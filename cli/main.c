/* lieve's entry point: global flags, then one subcommand, as runc does. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/image/cmd_image.h"
#include "lieve-config.h"
#include "spec/config.h"
#include "src/util/cleanup.h"

typedef struct {
	const char *name;
	const char *usage;
	cli_cmd_fn fn;
	bool cgroups; /* manages cgroups: --rootless=true matters */
} command;

static const command commands[] = {
	{ "checkpoint", "checkpoint a running container", cmd_checkpoint, true },
	{ "create", "create a container", cmd_create, true },
	{ "delete", "delete any resources held by the container often used with detached container",
	  cmd_delete, true },
	{ "events", "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
	  cmd_events, true },
	{ "exec", "execute new process inside the container", cmd_exec, true },
	{ "kill", "kill sends the specified signal (default: SIGTERM) to the container's init process",
	  cmd_kill, true },
	{ "list", "lists containers started by lieve with the given root", cmd_list, false },
	{ "pause", "pause suspends all processes inside the container", cmd_pause, true },
	{ "ps", "ps displays the processes running inside a container", cmd_ps, true },
	{ "restore", "restore a container from a previous checkpoint", cmd_restore, true },
	{ "resume", "resumes all processes that have been previously paused", cmd_resume, true },
	{ "run", "create and run a container", cmd_run, true },
	{ "spec", "create a new specification file", cmd_spec, false },
	{ "start", "executes the user defined process in a created container", cmd_start, true },
	{ "state", "output the state of a container", cmd_state, false },
	{ "update", "update container resource constraints", cmd_update, true },
	{ "features", "show the enabled features", cmd_features, false },
	{ "image", "unpack and run OCI images", cmd_image, true },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

typedef struct {
	lv_context ctx;
	const char *log_format;
	const char *criu;
	const char *rootless;
	bool version, help;
} globals;

static void global_options(globals *g, cli_opt out[12])
{
	cli_opt opts[] = {
		{ "debug", NULL, CLI_BOOL, &g->ctx.debug, "enable debug logging" },
		{ "log", NULL, CLI_STRING, &g->ctx.log_path,
		  "set the log file to write lieve logs to (default is '/dev/stderr')" },
		{ "log-format", NULL, CLI_STRING, &g->log_format,
		  "set the log format ('text' (default), or 'json')", "\"text\"" },
		{ "root", NULL, CLI_STRING, &g->ctx.root,
		  "root directory for storage of container state (this should be located in tmpfs)",
		  "\"" LIEVE_DEFAULT_ROOT "\"" },
		{ "criu", NULL, CLI_STRING, &g->criu,
		  "path to the criu binary used for checkpoint and restore (unsupported: lieve has no CRIU support)",
		  "\"criu\"" },
		{ "systemd-cgroup", NULL, CLI_BOOL, &g->ctx.systemd_cgroup,
		  "enable systemd cgroup support, expects cgroupsPath to be of form \"slice:prefix:name\" for e.g. \"system.slice:lieve:434234\"" },
		{ "rootless", NULL, CLI_STRING, &g->rootless,
		  "ignore cgroup permission errors ('true', 'false', or 'auto')", "\"auto\"" },
		{ "help", "h", CLI_BOOL, &g->help, "show help" },
		{ "version", "v", CLI_BOOL, &g->version, "print the version" },
		{ 0 },
	};
	memcpy(out, opts, sizeof(opts));
}

static const cli_cmd_info global_info = {
	.name = "",
	.usage = "Open Container Initiative runtime",
	.stop_at_arg = true,
};

static void print_usage(FILE *f, const cli_opt *opts)
{
	fputs("NAME:\n   lieve - Open Container Initiative runtime\n\n"
	      "lieve is a command line client for running applications packaged according to\n"
	      "the Open Container Initiative (OCI) format, compatible with runc's command line.\n\n"
	      "To start a new instance of a container:\n\n"
	      "    # lieve run [ -b bundle ] <container-id>\n\n"
	      "USAGE:\n   lieve [global options] command [command options] [arguments...]\n\n"
	      "VERSION:\n   " LIEVE_VERSION "\n\nCOMMANDS:\n", f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "   %-10s  %s\n", commands[i].name, commands[i].usage);
	fprintf(f, "   %-10s  %s\n", "help, h", "Shows a list of commands or help for one command");
	fputs("\nGLOBAL OPTIONS:\n", f);
	cli_print_options(f, opts);
}

static void print_version(void)
{
	const struct scmp_version *v = seccomp_version();
	printf("lieve version %s\nspec: %s\nlibseccomp: %u.%u.%u\n", LIEVE_VERSION,
	       SPEC_OCI_VERSION, v->major, v->minor, v->micro);
}

static const command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int check_globals(globals *g, char **root_abs, lv_error **err)
{
	if (!g->log_format || !strcmp(g->log_format, "text"))
		g->ctx.log_json = false;
	else if (!strcmp(g->log_format, "json"))
		g->ctx.log_json = true;
	else
		return lv_err(err, 0, "invalid log-format: %s", g->log_format);
	if (g->rootless && strcmp(g->rootless, "true") && strcmp(g->rootless, "false") &&
	    strcmp(g->rootless, "auto"))
		return lv_err(err, 0, "invalid --rootless value \"%s\": expected true, false or auto",
			      g->rootless);
	if (!g->ctx.root || !*g->ctx.root)
		g->ctx.root = LIEVE_DEFAULT_ROOT;
	/* runc makes --root absolute: the runtime may change directory later. */
	if (!(*root_abs = cli_abspath(g->ctx.root)))
		return lv_err(err, ENOMEM, "--root \"%s\"", g->ctx.root);
	g->ctx.root = *root_abs;
	return 0;
}

/* `lieve help [command]` */
static int cmd_help(const lv_context *ctx, const cli_opt *gopts, int argc, char **argv,
		    lv_error **err)
{
	if (argc < 2) {
		print_usage(stdout, gopts);
		return 0;
	}
	const command *c = find_command(argv[1]);
	if (!c) {
		lv_err(err, 0, "No help topic for '%s'", argv[1]);
		return CLI_EXIT_FAILURE;
	}
	char *sub[] = { (char *)c->name, (char *)"--help", NULL };
	return c->fn(ctx, 2, sub, err);
}

static int dispatch(globals *g, const cli_opt *gopts, int argc, char **argv,
		    lv_error **err)
{
	if (argc == 0 || g->help) {
		print_usage(stdout, gopts);
		return 0;
	}
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "h"))
		return cmd_help(&g->ctx, gopts, argc, argv, err);
	const command *c = find_command(argv[0]);
	if (!c) {
		lv_err(err, 0, "No help topic for '%s'", argv[0]);
		return CLI_EXIT_FAILURE;
	}
	if (c->cgroups && g->rootless && !strcmp(g->rootless, "true") && geteuid() == 0) {
		lv_err(err, 0, "--rootless=true (ignoring cgroup permission errors) is not supported by lieve");
		return CLI_EXIT_FAILURE;
	}
	return c->fn(&g->ctx, argc, argv, err);
}

char **cli_main_argv;

int main(int argc, char **argv)
{
	cli_main_argv = argv;
	globals g = { 0 };
	cli_opt gopts[12];
	global_options(&g, gopts);
	_cleanup_error_ lv_error *err = NULL;
	_cleanup_free_ char *root_abs = NULL;
	cli_args args;
	int status = CLI_EXIT_FAILURE;

	int r = cli_parse(&global_info, gopts, argc, argv, &args, &err);
	if (r == CLI_HELP) {
		print_usage(stdout, gopts);
		return 0;
	}
	if (r == CLI_PARSED && g.version && !g.help) {
		print_version();
		cli_args_free(&args);
		return 0;
	}
	if (r == CLI_PARSED && check_globals(&g, &root_abs, &err) == 0 &&
	    cli_log_open(&g.ctx, &err) == 0)
		status = dispatch(&g, gopts, args.n, args.v, &err);
	if (r == CLI_PARSED)
		cli_args_free(&args);

	if (status != 0 && err) {
		/* One line, always: the shim and conmon show the last line. */
		for (char *p = err->msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		fprintf(stderr, "lieve: %s\n", err->msg);
		cli_log_error(err->msg);
	}
	cli_log_close();
	if (fflush(stdout) != 0 && status == 0)
		status = CLI_EXIT_FAILURE;
	return status;
}
