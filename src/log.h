/* Library-side logging.  The library never prints: it hands messages to a
 * sink the CLI installs (which writes --log in text or JSON format).
 * Without a sink, messages are dropped. */
#ifndef LIEVE_LOG_H
#define LIEVE_LOG_H

#include <stdbool.h>
#include <time.h>

#include "src/error.h"

enum lv_log_level { LV_LOG_ERROR, LV_LOG_WARN, LV_LOG_INFO, LV_LOG_DEBUG };

typedef void (*lv_log_sink)(enum lv_log_level level, const char *msg, void *data);

void lv_log_set_sink(lv_log_sink sink, void *data, enum lv_log_level max_level);
void lv_log(enum lv_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define lv_debug(...) lv_log(LV_LOG_DEBUG, __VA_ARGS__)
#define lv_warn(...) lv_log(LV_LOG_WARN, __VA_ARGS__)

/* True when a message of this level would reach the sink (to skip costly
 * formatting of debug output). */
bool lv_log_enabled(enum lv_log_level level);

/* logrus's level names: "error", "warning", "info", "debug". */
const char *lv_log_level_name(enum lv_log_level level);

/* Formats one log line as runc (logrus) writes it, newline included:
 *   text: time="2026-11-22T03:40:00Z" level=error msg="container \"a\" failed"
 *   json: {"level":"error","msg":"container \"a\" failed","time":"2026-11-22T03:40:00Z"}
 * The time is RFC 3339 in local time (Z for UTC). */
int lv_log_format(enum lv_log_level level, const char *msg, bool json, time_t when,
		  char **line, lv_error **err);

#endif
