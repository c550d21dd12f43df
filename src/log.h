/* Library-side logging.  The library never prints: it hands messages to a
 * sink the CLI installs (which writes --log in text or JSON format).
 * Without a sink, messages are dropped. */
#ifndef LIEVE_LOG_H
#define LIEVE_LOG_H

enum lv_log_level { LV_LOG_ERROR, LV_LOG_WARN, LV_LOG_INFO, LV_LOG_DEBUG };

typedef void (*lv_log_sink)(enum lv_log_level level, const char *msg, void *data);

void lv_log_set_sink(lv_log_sink sink, void *data, enum lv_log_level max_level);
void lv_log(enum lv_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define lv_debug(...) lv_log(LV_LOG_DEBUG, __VA_ARGS__)
#define lv_warn(...) lv_log(LV_LOG_WARN, __VA_ARGS__)

#endif
