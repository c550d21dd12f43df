/* `lieve ps [--format table|json] <container-id> [ps options]` */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "src/store.h"
#include "src/util/cleanup.h"

extern char **environ;

static int print_json(const pid_t *pids, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	return puts("]") < 0 ? -1 : 0;
}

/* Runs ps(1) with the given options (default -ef) and collects its stdout. */
static int run_ps(char **ps_args, int n_args, char **out, lv_error **err)
{
	_cleanup_free_ char **argv = calloc((size_t)n_args + 3, sizeof(char *));
	if (!argv)
		return lv_err(err, ENOMEM, "ps");
	argv[0] = (char *)"ps";
	for (int i = 0; i < n_args; i++)
		argv[i + 1] = ps_args[i];
	if (n_args == 0)
		argv[1] = (char *)"-ef";
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return lv_err(err, errno, "ps: pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	pid_t pid;
	int r = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	_cleanup_close_ int rfd = p[0];
	if (r != 0)
		return lv_err(err, r, "exec ps");
	size_t len;
	FILE *mem = open_memstream(out, &len);
	char buf[4096];
	ssize_t n;
	while ((n = read(rfd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && mem)
			fwrite(buf, 1, (size_t)n, mem);
	if (mem)
		fclose(mem);
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (!mem)
		return lv_err(err, ENOMEM, "ps");
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return lv_err(err, 0, "ps %s failed (status %d)", n_args ? ps_args[0] : "-ef",
			      WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
	return 0;
}

static int field_index(const char *header, const char *name)
{
	_cleanup_free_ char *copy = strdup(header);
	char *save = NULL;
	int i = 0;
	for (char *t = copy ? strtok_r(copy, " \t", &save) : NULL; t;
	     t = strtok_r(NULL, " \t", &save), i++)
		if (!strcmp(t, name))
			return i;
	return -1;
}

static const char *nth_field(char *line, int idx)
{
	char *save = NULL;
	char *t = strtok_r(line, " \t", &save);
	for (int i = 0; t && i < idx; i++)
		t = strtok_r(NULL, " \t", &save);
	return t;
}

/* runc's table: ps's header, then the lines whose PID is the container's. */
static int print_table(const pid_t *pids, size_t n, char **ps_args, int n_args,
		       lv_error **err)
{
	_cleanup_free_ char *out = NULL;
	if (run_ps(ps_args, n_args, &out, err) < 0)
		return -1;
	char *save = NULL;
	char *header = strtok_r(out, "\n", &save);
	if (!header)
		return lv_err(err, 0, "ps: no output");
	int idx = field_index(header, "PID");
	if (idx < 0)
		return lv_err(err, 0, "couldn't find PID field in ps output");
	puts(header);
	for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_free_ char *copy = strdup(line);
		const char *f = copy ? nth_field(copy, idx) : NULL;
		char *end;
		long p = f ? strtol(f, &end, 10) : 0;
		if (!f || *end)
			return lv_err(err, 0, "unable to parse pid: \"%s\"", f ? f : "");
		for (size_t i = 0; i < n; i++)
			if (pids[i] == p) {
				puts(line);
				break;
			}
	}
	return 0;
}

int cmd_ps(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"ps", "ps displays the processes running inside a container",
		"<container-id> [ps options]", NULL, .stop_at_arg = true,
	};
	const char *format = "table";
	const cli_opt opts[] = {
		{ "format", "f", CLI_STRING, &format, "select one of: table or json", "\"table\"" },
		{ 0 },
	};
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_MIN, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	int status = CLI_EXIT_FAILURE;
	bool json = !strcmp(format, "json");
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (!json && strcmp(format, "table"))
		lv_err(err, 0, "invalid format option");
	else if (json && args.n > 1)
		lv_err(err, 0, "ps options cannot be used with --format json");
	else if (lv_id_validate(args.v[0], err) == 0 && lv_ps(ctx, args.v[0], &pids, &n, err) == 0)
		status = (json ? print_json(pids, n)
			       : print_table(pids, n, args.v + 1, args.n - 1, err)) < 0
				 ? CLI_EXIT_FAILURE : 0;
	cli_args_free(&args);
	return status;
}
