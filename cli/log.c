/* --log, --log-format, --debug: where library messages and the final error
 * go.  With --log FILE lines are appended to FILE in logrus's text or JSON
 * format (containerd's shim and conmon read the last error line there);
 * without it warnings and debug lines go to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "src/log.h"
#include "src/util/cleanup.h"

static int log_fd = -1;
static bool log_json;

static void write_line(int fd, enum lv_log_level level, const char *msg)
{
	_cleanup_free_ char *line = NULL;
	_cleanup_error_ lv_error *e = NULL;
	if (lv_log_format(level, msg, log_json, time(NULL), &line, &e) < 0)
		return;
	size_t len = strlen(line);
	/* One write(2) per line: O_APPEND keeps lines of concurrent writers whole. */
	while (write(fd, line, len) < 0 && errno == EINTR)
		;
}

static void sink(enum lv_log_level level, const char *msg, void *data)
{
	(void)data;
	write_line(log_fd >= 0 ? log_fd : STDERR_FILENO, level, msg);
}

int cli_log_open(const lv_context *ctx, lv_error **err)
{
	log_json = ctx->log_json;
	if (ctx->log_path && *ctx->log_path) {
		log_fd = open(ctx->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			return lv_err(err, errno, "open log file \"%s\"", ctx->log_path);
	}
	lv_log_set_sink(sink, NULL, ctx->debug ? LV_LOG_DEBUG : LV_LOG_WARN);
	return 0;
}

void cli_log_error(const char *msg)
{
	if (log_fd >= 0)
		write_line(log_fd, LV_LOG_ERROR, msg);
}

void cli_log_close(void)
{
	lv_log_set_sink(NULL, NULL, LV_LOG_ERROR);
	lv_closep(&log_fd);
	log_fd = -1;
}
