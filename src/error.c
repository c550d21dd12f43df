#include "src/error.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/util/cleanup.h"

/* Allocation failure while reporting an error must still leave a usable error. */
static lv_error oom_error = { ENOMEM, (char *)"out of memory while reporting an error" };

static lv_error *err_alloc(int errnum, char *msg)
{
	lv_error *e = calloc(1, sizeof(*e));
	if (!e) {
		free(msg);
		return &oom_error;
	}
	e->errnum = errnum;
	e->msg = msg;
	return e;
}

int lv_errv(lv_error **err, int errnum, const char *fmt, va_list ap)
{
	if (!err || *err)
		return -1;
	_cleanup_free_ char *what = NULL;
	char *msg = NULL;
	if (vasprintf(&what, fmt, ap) < 0) {
		*err = &oom_error;
		return -1;
	}
	if (errnum > 0) {
		if (asprintf(&msg, "%s: %s", what, strerror(errnum)) < 0)
			msg = NULL;
	} else {
		msg = steal_ptr(what);
	}
	*err = msg ? err_alloc(errnum, msg) : &oom_error;
	return -1;
}

int lv_err(lv_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lv_errv(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int lv_err_wrap(lv_error **err, const char *fmt, ...)
{
	if (!err || !*err || *err == &oom_error)
		return -1;
	_cleanup_free_ char *ctx = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&ctx, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	char *msg = NULL;
	if (asprintf(&msg, "%s: %s", ctx, (*err)->msg) < 0)
		return -1;
	free((*err)->msg);
	(*err)->msg = msg;
	return -1;
}

void lv_err_free(lv_error *err)
{
	if (!err || err == &oom_error)
		return;
	free(err->msg);
	free(err);
}

void lv_err_freep(lv_error **err)
{
	lv_err_free(*err);
	*err = NULL;
}

struct err_header {
	int32_t errnum;
	uint32_t len;
};

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int lv_err_send(int fd, const lv_error *err)
{
	const char *msg = err && err->msg ? err->msg : "unknown error";
	struct err_header h = { err ? err->errnum : 0, (uint32_t)strlen(msg) };
	if (write_all(fd, &h, sizeof(h)) < 0 || write_all(fd, msg, h.len) < 0)
		return -1;
	return 0;
}

int lv_err_recv(int fd, lv_error **out, lv_error **err)
{
	struct err_header h;
	ssize_t n = read_all(fd, &h, sizeof(h));
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(h) || h.len > 65536)
		return lv_err(err, n < 0 ? errno : EPROTO, "read error report from child");
	_cleanup_free_ char *msg = calloc(1, h.len + 1);
	if (!msg)
		return lv_err(err, ENOMEM, "read error report from child");
	if (read_all(fd, msg, h.len) != (ssize_t)h.len)
		return lv_err(err, EPROTO, "read error report from child");
	*out = err_alloc(h.errnum, steal_ptr(msg));
	return 1;
}
