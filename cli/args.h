/* Option parsing with runc's (Go flag / urfave/cli v1) rules:
 *   --name value, --name=value, -name value, -name=value, for every name;
 *   bool flags take no value but accept --name=true/false (Go's ParseBool);
 *   "--" ends the options; "-" alone is an argument;
 *   options may follow arguments (urfave/cli reorders them) unless the
 *   command stops at its first argument (exec, ps: the rest is a command).
 * Parsing never exits: errors come back as lv_error, --help as a status. */
#ifndef LIEVE_CLI_ARGS_H
#define LIEVE_CLI_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "src/error.h"

enum cli_kind { CLI_BOOL, CLI_STRING, CLI_INT, CLI_STRV };

/* A repeatable option's values, NULL-terminated (points into argv). */
typedef struct {
	const char **v;
	size_t n;
} cli_strv;

typedef struct {
	const char *name;  /* long name, without dashes */
	const char *alias; /* short name, or NULL */
	enum cli_kind kind;
	void *dest;        /* bool *, const char **, int *, cli_strv * */
	const char *usage;
	const char *default_text; /* shown as (default: ...) in --help */
	bool *set;         /* optional: set to true when given */
	bool hidden;       /* accepted, not listed in --help */
} cli_opt;

typedef struct {
	const char *name;        /* "create" */
	const char *usage;       /* one line for the command list */
	const char *args_usage;  /* after "lieve create [command options]" */
	const char *description; /* may be NULL */
	bool stop_at_arg;        /* options end at the first argument */
} cli_cmd_info;

typedef struct {
	char **v; /* NULL-terminated, array owned, strings point into argv */
	int n;
} cli_args;

enum { CLI_PARSED = 0, CLI_HELP = 1 };

/* Parses argv[1..argc-1] (argv[0] is the command name).  Returns CLI_PARSED,
 * CLI_HELP after printing help to stdout for --help/-h, or -1 with *err set
 * (`flag provided but not defined: -x`). */
int cli_parse(const cli_cmd_info *cmd, const cli_opt *opts, int argc, char **argv,
	      cli_args *args, lv_error **err);
void cli_args_free(cli_args *args);
void cli_strv_free(cli_strv *v);

enum cli_nargs { CLI_EXACT, CLI_MIN, CLI_MAX };
/* runc's checkArgs: `"state" requires exactly 1 argument(s)`. */
int cli_check_args(const cli_cmd_info *cmd, const cli_args *args, int n,
		   enum cli_nargs how, lv_error **err);

void cli_print_help(FILE *f, const cli_cmd_info *cmd, const cli_opt *opts);
/* The OPTIONS section alone (used by the global help too). */
void cli_print_options(FILE *f, const cli_opt *opts);

/* Go's strconv.ParseBool. */
int cli_parse_bool(const char *s, bool *out);

#endif
