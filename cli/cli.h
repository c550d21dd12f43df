/* The subcommands.  Each parses its own options (cli/args.h) into the
 * option structs of src/lifecycle.h, calls the library and prints.  A
 * command returns the process exit status; on failure it also fills *err,
 * which the dispatcher prints to stderr and writes to --log. */
#ifndef LIEVE_CLI_H
#define LIEVE_CLI_H

#include <stdint.h>

#include "cli/args.h"
#include "src/lifecycle.h"

typedef int (*cli_cmd_fn)(const lv_context *ctx, int argc, char **argv,
			  lv_error **err);

/* main()'s argv, for `lieve image`, which re-executes it in lieve-image. */
extern char **cli_main_argv;

int cmd_checkpoint(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_create(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_delete(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_events(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_exec(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_features(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_kill(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_list(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_pause(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_ps(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_restore(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_resume(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_run(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_spec(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_start(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_state(const lv_context *ctx, int argc, char **argv, lv_error **err);
int cmd_update(const lv_context *ctx, int argc, char **argv, lv_error **err);

/* Exit status of a failed command (runc: 1; `exec` uses 255 so a failure
 * to exec is told apart from the command's own status). */
#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_EXEC_FAILURE 255

/* Parses and checks the argument count in one step; returns CLI_PARSED,
 * CLI_HELP or -1. */
int cli_parse_checked(const cli_cmd_info *cmd, const cli_opt *opts, int argc,
		      char **argv, cli_args *args, int nargs, enum cli_nargs how,
		      lv_error **err);

/* A command taking one container id and no options (start, pause, resume). */
typedef int (*cli_id_action)(const lv_context *ctx, const char *id, lv_error **err);
int cli_simple_command(const cli_cmd_info *info, cli_id_action fn, const lv_context *ctx,
		       int argc, char **argv, lv_error **err);

/* The options `create` and `run` share (runc's list); `run` adds its own.
 * Fills out[] (terminated by a zero entry) and returns the count. */
size_t cli_create_options(lv_create_opts *o, const char **pidfd_socket, bool run,
			  cli_opt out[16]);
/* Makes the create/run paths absolute (the runtime may chdir to the bundle)
 * and refuses what lieve does not honour yet.  *owned keeps the strings. */
int cli_create_finish(lv_create_opts *o, const char *pidfd_socket, char *owned[4],
		      lv_error **err);

/* An absolute form of a path relative to the current directory. */
char *cli_abspath(const char *path);

/* Go's time.ParseDuration ("5s", "1m30s", "250ms"); nanoseconds. */
int cli_parse_duration(const char *s, long long *ns);

/* docker's units.RAMInBytes, which runc uses for memory sizes: "512",
 * "64k", "1.5g", "2GiB" (binary multiples, case-insensitive). */
int cli_parse_ram(const char *s, int64_t *bytes);

/* `update`'s flags, as given (NULL / unset when absent). */
typedef struct {
	const char *resources;
	int blkio_weight, pids_limit;
	bool blkio_weight_set, pids_limit_set;
	const char *cpu_period, *cpu_quota, *cpu_burst, *cpu_share, *cpu_rt_period,
		*cpu_rt_runtime, *cpuset_cpus, *cpuset_mems, *memory, *memory_reservation,
		*memory_swap, *cpu_idle, *kernel_memory, *kernel_memory_tcp,
		*l3_cache_schema, *mem_bw_schema;
} update_flags;
/* The flags as a linux.resources JSON document: only what was given, in
 * runc's key order ({"memory":{...},"cpu":{...},"blockIO":{...},"pids":{...}}). */
int cli_update_resources_json(const update_flags *f, char **json, lv_error **err);

/* Writes the whole string to stdout; -1 with *err on a write error. */
int cli_write_stdout(const char *s, lv_error **err);

/* --log / --debug: installs the library's log sink.  Errors are written
 * by cli_log_error (one line) in the chosen format. */
int cli_log_open(const lv_context *ctx, lv_error **err);
void cli_log_error(const char *msg);
void cli_log_close(void);

#endif
