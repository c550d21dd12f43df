/* The log sink and runc-compatible (logrus) line formats. */
#include "src/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "src/util/cleanup.h"

static lv_log_sink log_sink;
static void *log_data;
static enum lv_log_level log_max = LV_LOG_WARN;

void lv_log_set_sink(lv_log_sink sink, void *data, enum lv_log_level max_level)
{
	log_sink = sink;
	log_data = data;
	log_max = max_level;
}

bool lv_log_enabled(enum lv_log_level level)
{
	return log_sink && level <= log_max;
}

void lv_log(enum lv_log_level level, const char *fmt, ...)
{
	if (!lv_log_enabled(level))
		return;
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0)
		log_sink(level, msg, log_data);
}

const char *lv_log_level_name(enum lv_log_level level)
{
	switch (level) {
	case LV_LOG_ERROR: return "error";
	case LV_LOG_WARN: return "warning";
	case LV_LOG_INFO: return "info";
	case LV_LOG_DEBUG: return "debug";
	}
	return "unknown";
}

/* time.RFC3339 as Go formats it: seconds, "Z" or "+hh:mm". */
static void format_time(time_t when, char buf[static 32])
{
	struct tm tm;
	localtime_r(&when, &tm);
	size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	long off = tm.tm_gmtoff;
	if (off == 0) {
		snprintf(buf + n, 32 - n, "Z");
		return;
	}
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf + n, 32 - n, "%c%02ld:%02ld", sign, off / 3600, off / 60 % 60);
}

/* logrus quotes a value unless every byte is one of [A-Za-z0-9-._/@^+]. */
static bool needs_quoting(const char *s)
{
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("-._/@^+", c)))
			return true;
	}
	return false;
}

/* Go's %q for the ASCII range; other bytes pass through. */
static void write_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\a': fputs("\\a", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\v': fputs("\\v", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void write_value(FILE *f, const char *s)
{
	if (needs_quoting(s))
		write_quoted(f, s);
	else
		fputs(s, f);
}

static int format_text(const char *level, const char *msg, const char *ts,
		       char **line, lv_error **err)
{
	size_t len;
	FILE *f = open_memstream(line, &len);
	if (!f)
		return lv_err(err, errno, "format log line");
	fputs("time=", f);
	write_value(f, ts);
	fprintf(f, " level=%s msg=", level);
	write_value(f, msg);
	fputc('\n', f);
	if (fclose(f) != 0)
		return lv_err(err, ENOMEM, "format log line");
	return 0;
}

/* Invalid UTF-8 would make yajl refuse the message; replace the bad bytes
 * so the line is still written (Go writes U+FFFD there). */
static char *sanitize_utf8(const char *s)
{
	char *out = strdup(s);
	if (!out)
		return NULL;
	for (unsigned char *p = (unsigned char *)out; *p;) {
		int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 :
			(*p >> 3) == 30 ? 4 : 0;
		bool ok = n > 0;
		for (int i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
	return out;
}

static int format_json(const char *level, const char *msg, const char *ts,
		       char **line, lv_error **err)
{
	_cleanup_free_ char *clean = sanitize_utf8(msg);
	if (!clean)
		return lv_err(err, ENOMEM, "format log line");
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return lv_err(err, ENOMEM, "format log line");
	const char *kv[] = { "level", level, "msg", clean, "time", ts };
	yajl_gen_status st = yajl_gen_map_open(g);
	for (size_t i = 0; st == yajl_gen_status_ok && i < 6; i++)
		st = yajl_gen_string(g, (const unsigned char *)kv[i], strlen(kv[i]));
	if (st == yajl_gen_status_ok)
		st = yajl_gen_map_close(g);
	const unsigned char *buf;
	size_t len;
	int ret = 0;
	if (st != yajl_gen_status_ok || yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		ret = lv_err(err, 0, "format log line: JSON generator failed");
	else if (asprintf(line, "%.*s\n", (int)len, (const char *)buf) < 0)
		ret = lv_err(err, ENOMEM, "format log line");
	yajl_gen_free(g);
	return ret;
}

int lv_log_format(enum lv_log_level level, const char *msg, bool json, time_t when,
		  char **line, lv_error **err)
{
	char ts[32];
	format_time(when, ts);
	const char *name = lv_log_level_name(level);
	return json ? format_json(name, msg, ts, line, err)
		    : format_text(name, msg, ts, line, err);
}
