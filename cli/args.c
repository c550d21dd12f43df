#include "cli/args.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "src/util/cleanup.h"

int cli_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < 6; i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static const cli_opt *find_opt(const cli_opt *opts, const char *name, size_t len)
{
	for (const cli_opt *o = opts; o && o->name; o++) {
		if ((strlen(o->name) == len && !strncmp(o->name, name, len)) ||
		    (o->alias && strlen(o->alias) == len && !strncmp(o->alias, name, len)))
			return o;
	}
	return NULL;
}

static int strv_push(cli_strv *v, const char *s)
{
	const char **grown = realloc(v->v, (v->n + 2) * sizeof(char *));
	if (!grown)
		return -1;
	v->v = grown;
	v->v[v->n++] = s;
	v->v[v->n] = NULL;
	return 0;
}

void cli_strv_free(cli_strv *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void cli_args_free(cli_args *args)
{
	free(args->v);
	args->v = NULL;
	args->n = 0;
}

static int set_value(const cli_opt *o, const char *flag, const char *val,
		     lv_error **err)
{
	switch (o->kind) {
	case CLI_BOOL: {
		bool b = true;
		if (val && cli_parse_bool(val, &b) < 0)
			return lv_err(err, 0, "invalid boolean value \"%s\" for -%s: parse error",
				      val, flag);
		*(bool *)o->dest = b;
		break;
	}
	case CLI_STRING:
		*(const char **)o->dest = val;
		break;
	case CLI_INT: {
		char *end;
		errno = 0;
		long long v = strtoll(val, &end, 0);
		if (errno || !*val || *end || v < INT_MIN || v > INT_MAX)
			return lv_err(err, 0, "invalid value \"%s\" for flag -%s: parse error",
				      val, flag);
		*(int *)o->dest = (int)v;
		break;
	}
	case CLI_STRV:
		if (strv_push(o->dest, val) < 0)
			return lv_err(err, ENOMEM, "parse -%s", flag);
		break;
	}
	if (o->set)
		*o->set = true;
	return 0;
}

/* One option at argv[*i]; advances *i past a separate value. */
static int parse_one(const cli_cmd_info *cmd, const cli_opt *opts, int argc,
		     char **argv, int *i, lv_error **err)
{
	const char *arg = argv[*i];
	const char *name = arg + (arg[1] == '-' ? 2 : 1);
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	if (len == 0 || name[0] == '-' || name[0] == '=')
		return lv_err(err, 0, "bad flag syntax: %s", arg);
	const cli_opt *o = find_opt(opts, name, len);
	if (!o) {
		if ((len == 4 && !strncmp(name, "help", 4)) || (len == 1 && name[0] == 'h'))
			return CLI_HELP;
		return lv_err(err, 0, "flag provided but not defined: -%.*s", (int)len, name);
	}
	_cleanup_free_ char *flag = strndup(name, len);
	if (!flag)
		return lv_err(err, ENOMEM, "parse %s", arg);
	const char *val = eq ? eq + 1 : NULL;
	if (!val && o->kind != CLI_BOOL) {
		if (*i + 1 >= argc)
			return lv_err(err, 0, "flag needs an argument: -%s", flag);
		val = argv[++*i];
	}
	(void)cmd;
	return set_value(o, flag, val, err);
}

int cli_parse(const cli_cmd_info *cmd, const cli_opt *opts, int argc, char **argv,
	      cli_args *args, lv_error **err)
{
	*args = (cli_args){ 0 };
	cli_strv pos = { 0 };
	bool only_args = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool is_opt = !only_args && a[0] == '-' && a[1] != '\0';
		if (is_opt && !strcmp(a, "--")) {
			only_args = true;
			continue;
		}
		if (!is_opt) {
			if (strv_push(&pos, a) < 0) {
				cli_strv_free(&pos);
				return lv_err(err, ENOMEM, "parse arguments");
			}
			if (cmd->stop_at_arg)
				only_args = true;
			continue;
		}
		int r = parse_one(cmd, opts, argc, argv, &i, err);
		if (r == CLI_HELP) {
			cli_strv_free(&pos);
			cli_print_help(stdout, cmd, opts);
			return CLI_HELP;
		}
		if (r < 0) {
			cli_strv_free(&pos);
			return -1;
		}
	}
	if (!pos.v && !(pos.v = calloc(1, sizeof(char *))))
		return lv_err(err, ENOMEM, "parse arguments");
	args->v = (char **)pos.v;
	args->n = (int)pos.n;
	return CLI_PARSED;
}

int cli_check_args(const cli_cmd_info *cmd, const cli_args *args, int n,
		   enum cli_nargs how, lv_error **err)
{
	switch (how) {
	case CLI_EXACT:
		if (args->n != n)
			return lv_err(err, 0, "\"%s\" requires exactly %d argument(s)",
				      cmd->name, n);
		break;
	case CLI_MIN:
		if (args->n < n)
			return lv_err(err, 0, "\"%s\" requires a minimum of %d argument(s)",
				      cmd->name, n);
		break;
	case CLI_MAX:
		if (args->n > n)
			return lv_err(err, 0, "\"%s\" requires a maximum of %d argument(s)",
				      cmd->name, n);
		break;
	}
	return 0;
}

static void opt_label(const cli_opt *o, char *buf, size_t size)
{
	const char *val = o->kind == CLI_BOOL ? "" : " value";
	if (o->alias)
		snprintf(buf, size, "--%s%s, -%s%s", o->name, val, o->alias, val);
	else
		snprintf(buf, size, "--%s%s", o->name, val);
}

void cli_print_options(FILE *f, const cli_opt *opts)
{
	char label[128];
	int width = 0;
	for (const cli_opt *o = opts; o && o->name; o++) {
		if (o->hidden)
			continue;
		opt_label(o, label, sizeof(label));
		if ((int)strlen(label) > width)
			width = (int)strlen(label);
	}
	for (const cli_opt *o = opts; o && o->name; o++) {
		if (o->hidden)
			continue;
		opt_label(o, label, sizeof(label));
		fprintf(f, "   %-*s  %s", width, label, o->usage);
		if (o->default_text)
			fprintf(f, " (default: %s)", o->default_text);
		fputc('\n', f);
	}
}

void cli_print_help(FILE *f, const cli_cmd_info *cmd, const cli_opt *opts)
{
	bool has_opts = false;
	for (const cli_opt *o = opts; o && o->name; o++)
		has_opts |= !o->hidden;
	fprintf(f, "NAME:\n   lieve %s - %s\n\nUSAGE:\n   lieve %s%s %s\n", cmd->name,
		cmd->usage, cmd->name, has_opts ? " [command options]" : "",
		cmd->args_usage ? cmd->args_usage : "");
	if (cmd->description)
		fprintf(f, "\nDESCRIPTION:\n   %s\n", cmd->description);
	if (has_opts) {
		fputs("\nOPTIONS:\n", f);
		cli_print_options(f, opts);
	}
}
