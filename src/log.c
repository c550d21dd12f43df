/* TEMPORARY stand-in from branch `seccomp` so lv_debug links before the real
 * src/log.c arrives from branch `cli`; drop this file when merging that. */
#include "src/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static lv_log_sink log_sink;
static void *log_data;
static enum lv_log_level log_max = LV_LOG_WARN;

void lv_log_set_sink(lv_log_sink sink, void *data, enum lv_log_level max_level)
{
	log_sink = sink;
	log_data = data;
	log_max = max_level;
}

void lv_log(enum lv_log_level level, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	if (!log_sink || level > log_max)
		return;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0)
		log_sink(level, msg, log_data);
	free(msg);
}
