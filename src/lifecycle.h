/* The container lifecycle as the CLI drives it: one function per runc
 * subcommand, each taking the global context and that command's options.
 * The CLI (cli/) only parses arguments into these structs and prints;
 * the library never prints and never exits. */
#ifndef LIEVE_LIFECYCLE_H
#define LIEVE_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/error.h"

/* Global flags, given before the subcommand. */
typedef struct {
	const char *root;      /* --root, default LIEVE_DEFAULT_ROOT */
	const char *log_path;  /* --log */
	bool log_json;         /* --log-format json */
	bool debug;            /* --debug */
	bool systemd_cgroup;   /* --systemd-cgroup */
} lv_context;

typedef struct {
	const char *id;
	const char *bundle;         /* --bundle/-b, default "." */
	const char *pid_file;       /* --pid-file */
	const char *console_socket; /* --console-socket */
	int preserve_fds;           /* --preserve-fds */
	bool no_pivot;              /* --no-pivot */
	bool no_new_keyring;        /* --no-new-keyring */
	bool no_subreaper;          /* run: --no-subreaper */
	bool detach;                /* run: --detach/-d */
	bool keep;                  /* run: --keep */
} lv_create_opts;

typedef struct {
	const char *id;
	const char *process_file; /* --process/-p */
	const char *console_socket;
	const char *cwd;
	const char *const *env;  /* --env/-e, NULL-terminated, may be NULL */
	const char *user;        /* --user/-u uid[:gid] */
	const char *const *additional_gids; /* --additional-gids/-g */
	const char *const *caps; /* --cap/-c */
	const char *const *args; /* the command, NULL-terminated */
	const char *pid_file;
	const char *process_label;    /* --process-label */
	const char *apparmor;         /* --apparmor */
	const char *cgroup;           /* --cgroup */
	int preserve_fds;
	bool tty;                     /* --tty/-t */
	bool detach;                  /* --detach/-d */
	bool no_new_privs;            /* --no-new-privs */
	bool ignore_paused;           /* --ignore-paused */
} lv_exec_opts;

typedef struct {
	const char *id;
	int signal; /* already parsed from the name or number */
	bool all;   /* --all/-a */
} lv_kill_opts;

typedef struct {
	const char *id;
	bool force; /* --force/-f */
} lv_delete_opts;

/* `create`, `start`, `run`: on success *exit_status is the status `lieve`
 * should exit with (the container's status for a foreground `run`). */
int lv_create(const lv_context *ctx, const lv_create_opts *o, lv_error **err);
int lv_start(const lv_context *ctx, const char *id, lv_error **err);
int lv_run(const lv_context *ctx, const lv_create_opts *o, int *exit_status,
	   lv_error **err);
int lv_exec(const lv_context *ctx, const lv_exec_opts *o, int *exit_status,
	    lv_error **err);
int lv_kill(const lv_context *ctx, const lv_kill_opts *o, lv_error **err);
int lv_delete(const lv_context *ctx, const lv_delete_opts *o, lv_error **err);
int lv_pause(const lv_context *ctx, const char *id, lv_error **err);
int lv_resume(const lv_context *ctx, const char *id, lv_error **err);

/* Prints nothing: returns the runtime-spec state JSON (indented) to print. */
int lv_state_json(const lv_context *ctx, const char *id, char **json,
		  lv_error **err);

/* The status of a container, derived from its real init process: the pid
 * must exist with the start time recorded at create (a reused pid is not the
 * container).  One of "creating", "created", "running", "paused", "stopped". */
int lv_container_status(const char *root, const char *id, const char **status,
			lv_error **err);

/* `list`: every container under --root. */
typedef struct {
	char *id, *status, *bundle, *created, *owner;
	int64_t pid; /* 0 when stopped */
	char *rootfs; /* for `list --format json`, as runc prints it */
} lv_summary;
int lv_list(const lv_context *ctx, lv_summary **items, size_t *n, lv_error **err);
void lv_summaries_free(lv_summary *items, size_t n);

/* `ps`: the pids of the container's processes (host pid namespace). */
int lv_ps(const lv_context *ctx, const char *id, pid_t **pids, size_t *n,
	  lv_error **err);

/* `update`: resources as a linux.resources JSON document (from --resources or
 * built by the CLI from runc's flags). */
int lv_update(const lv_context *ctx, const char *id, const char *resources_json,
	      lv_error **err);

/* `events --stats`: one stats object in runc's events format. */
int lv_stats_json(const lv_context *ctx, const char *id, char **json,
		  lv_error **err);

/* `events`: calls `fn` with one JSON line per event, in runc's format:
 * {"type":"stats",...} every interval and {"type":"oom","id":...} whenever
 * the OOM killer acted in the container's cgroup, until the container stops
 * or `fn` returns < 0. */
typedef int (*lv_event_fn)(const char *json, void *data);
int lv_events(const lv_context *ctx, const char *id, long long interval_ns,
	      lv_event_fn fn, void *data, lv_error **err);

/* Parses a signal given as a name ("KILL", "SIGKILL", "sigterm") or number. */
int lv_parse_signal(const char *s, int *sig, lv_error **err);

#endif
