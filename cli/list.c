/* `lieve list [--format table|json] [--quiet]` */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cli/cli.h"
#include "spec/config.h"

enum { COLS = 6 };

/* Go's text/tabwriter as runc configures it (minwidth 12, padding 3): every
 * cell but the last of a line is padded to its column's width. */
static void print_table(const lv_summary *items, size_t n)
{
	static const char *const header[COLS] = { "ID", "PID", "STATUS", "BUNDLE",
						  "CREATED", "OWNER" };
	int width[COLS] = { 0 };
	char pid[24];
	for (size_t r = 0; r <= n; r++) {
		const lv_summary *s = r ? &items[r - 1] : NULL;
		if (s)
			snprintf(pid, sizeof(pid), "%" PRId64, s->pid);
		const char *cells[COLS] = { s ? s->id : header[0], s ? pid : header[1],
					    s ? s->status : header[2], s ? s->bundle : header[3],
					    s ? s->created : header[4], s ? s->owner : header[5] };
		for (int c = 0; c < COLS - 1; c++) {
			int w = (int)strlen(cells[c]) + 3;
			if (w > width[c])
				width[c] = w;
		}
	}
	for (int c = 0; c < COLS - 1; c++)
		if (width[c] < 12)
			width[c] = 12;
	for (size_t r = 0; r <= n; r++) {
		const lv_summary *s = r ? &items[r - 1] : NULL;
		if (s)
			snprintf(pid, sizeof(pid), "%" PRId64, s->pid);
		const char *cells[COLS] = { s ? s->id : header[0], s ? pid : header[1],
					    s ? s->status : header[2], s ? s->bundle : header[3],
					    s ? s->created : header[4], s ? s->owner : header[5] };
		for (int c = 0; c < COLS - 1; c++)
			printf("%-*s", width[c], cells[c]);
		printf("%s\n", cells[COLS - 1]);
	}
}

static yajl_gen_status gen_kv(yajl_gen g, const char *k, const char *v)
{
	yajl_gen_status st = yajl_gen_string(g, (const unsigned char *)k, strlen(k));
	return st ? st : yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

/* runc prints `null` for no containers (a nil Go slice); so do we. */
static int print_json(const lv_summary *items, size_t n, lv_error **err)
{
	if (n == 0)
		return cli_write_stdout("null\n", err);
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return lv_err(err, ENOMEM, "list");
	yajl_gen_status st = yajl_gen_array_open(g);
	for (size_t i = 0; !st && i < n; i++) {
		const lv_summary *s = &items[i];
		st = yajl_gen_map_open(g);
		st = st ? st : gen_kv(g, "ociVersion", SPEC_OCI_VERSION);
		st = st ? st : gen_kv(g, "id", s->id);
		st = st ? st : yajl_gen_string(g, (const unsigned char *)"pid", 3);
		st = st ? st : yajl_gen_integer(g, s->pid);
		st = st ? st : gen_kv(g, "status", s->status);
		st = st ? st : gen_kv(g, "bundle", s->bundle);
		st = st ? st : gen_kv(g, "rootfs", s->rootfs ? s->rootfs : "");
		st = st ? st : gen_kv(g, "created", s->created);
		st = st ? st : gen_kv(g, "owner", s->owner);
		st = st ? st : yajl_gen_map_close(g);
	}
	st = st ? st : yajl_gen_array_close(g);
	const unsigned char *buf;
	size_t len;
	int ret;
	if (st || yajl_gen_get_buf(g, &buf, &len))
		ret = lv_err(err, 0, "list: JSON generator failed");
	else
		ret = printf("%.*s\n", (int)len, (const char *)buf) < 0
			      ? lv_err(err, errno, "write to stdout") : 0;
	yajl_gen_free(g);
	return ret;
}

int cmd_list(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"list", "lists containers started by lieve with the given root",
		"\n\nWhere the given root is specified via the global option \"--root\"\n"
		"(default: \"/run/lieve\").\n\n"
		"EXAMPLE 1:\n"
		"To list containers created via the default \"--root\":\n"
		"       # lieve list\n\n"
		"EXAMPLE 2:\n"
		"To list containers created using a non-default value for \"--root\":\n"
		"       # lieve --root value list",
	};
	const char *format = "table";
	bool quiet = false;
	const cli_opt opts[] = {
		{ "format", "f", CLI_STRING, &format, "select one of: table or json", "\"table\"" },
		{ "quiet", "q", CLI_BOOL, &quiet, "display only container IDs" },
		{ 0 },
	};
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 0, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	cli_args_free(&args);
	if (strcmp(format, "table") && strcmp(format, "json")) {
		lv_err(err, 0, "invalid format option");
		return CLI_EXIT_FAILURE;
	}
	lv_summary *items = NULL;
	size_t n = 0;
	if (lv_list(ctx, &items, &n, err) < 0)
		return CLI_EXIT_FAILURE;
	int ret = 0;
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", items[i].id);
	} else if (!strcmp(format, "json")) {
		ret = print_json(items, n, err);
	} else {
		print_table(items, n);
	}
	lv_summaries_free(items, n);
	return ret < 0 ? CLI_EXIT_FAILURE : 0;
}
