/* `lieve events [--interval D] [--stats] <container-id>` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "src/store.h"
#include "src/util/cleanup.h"

/* Go's time.ParseDuration: a sequence of decimal numbers with units,
 * e.g. "5s", "1m30s", "250ms", "1.5h".  Returns nanoseconds. */
int cli_parse_duration(const char *s, long long *ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
		      { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
	const char *p = s;
	double total = 0;
	bool neg = false;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!strcmp(p, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*p)
		return -1;
	while (*p) {
		char *end;
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return -1;
		double v = strtod(p, &end);
		if (end == p)
			return -1;
		p = end;
		size_t best = 0;
		double mult = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);
			if (!strncmp(p, units[i].unit, l) && l > best) {
				best = l;
				mult = units[i].ns;
			}
		}
		if (!best)
			return -1;
		p += best;
		total += v * mult;
	}
	if (total > 9.2e18)
		return -1;
	*ns = (long long)(total + 0.5) * (neg ? -1 : 1);
	return 0;
}

static int print_stats(const lv_context *ctx, const char *id, lv_error **err)
{
	_cleanup_free_ char *json = NULL;
	if (lv_stats_json(ctx, id, &json, err) < 0)
		return -1;
	size_t len = strlen(json);
	while (len > 0 && json[len - 1] == '\n')
		json[--len] = '\0';
	if (printf("%s\n", json) < 0 || fflush(stdout) != 0)
		return lv_err(err, errno, "write to stdout");
	return 0;
}

static int print_event(const char *json, void *data)
{
	(void)data;
	size_t len = strlen(json);
	while (len > 0 && json[len - 1] == '\n')
		len--;
	if (printf("%.*s\n", (int)len, json) < 0 || fflush(stdout) != 0)
		return -1;
	return 0;
}

static int events_loop(const lv_context *ctx, const char *id, long long interval,
		       lv_error **err)
{
	return lv_events(ctx, id, interval, print_event, NULL, err);
}

int cmd_events(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"events", "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
		"<container-id>\n\n"
		"Where \"<container-id>\" is the name for the instance of the container.",
		"The events command displays information about the container. By default the\n"
		"information is displayed once every 5 seconds.",
	};
	const char *interval = "5s";
	bool stats = false;
	const cli_opt opts[] = {
		{ "interval", NULL, CLI_STRING, &interval, "set the stats collection interval", "5s" },
		{ "stats", NULL, CLI_BOOL, &stats, "display the container's stats then exit" },
		{ 0 },
	};
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	int status = CLI_EXIT_FAILURE;
	long long ns;
	const char *id = args.v[0];
	if (cli_parse_duration(interval, &ns) < 0)
		lv_err(err, 0, "invalid value \"%s\" for flag -interval: parse error", interval);
	else if (ns <= 0)
		lv_err(err, 0, "duration interval must be greater than 0");
	else if (lv_id_validate(id, err) == 0 &&
		 (stats ? print_stats(ctx, id, err) : events_loop(ctx, id, ns, err)) == 0)
		status = 0;
	cli_args_free(&args);
	return status;
}
