/* lieve — the one error type carried up from the library.
 *
 * A fallible function returns an int < 0 and fills an lv_error out-parameter.
 * The message is one self-contained line: what failed, on what, and why.
 * Callers add context as the error rises with lv_err_wrap(), so the final
 * line reads e.g. `create "c1": mount "proc" on "/proc": Operation not permitted`.
 */
#ifndef LIEVE_ERROR_H
#define LIEVE_ERROR_H

#include <stdarg.h>

typedef struct lv_error {
	int errnum; /* errno of the root cause, 0 when not a system error */
	char *msg;  /* the whole line, context first, root cause last */
} lv_error;

/* Sets *err (if err is not NULL and *err is empty) to the formatted message,
 * followed by ": strerror(errnum)" when errnum != 0.  Returns -1, so a caller
 * can write `return lv_err(err, errno, "open %s", path);`. */
int lv_err(lv_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int lv_errv(lv_error **err, int errnum, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Prefixes the existing message with "context: ".  Returns -1. */
int lv_err_wrap(lv_error **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void lv_err_free(lv_error *err);
void lv_err_freep(lv_error **err);
#define _cleanup_error_ __attribute__((cleanup(lv_err_freep)))

/* Serialises an error through a pipe or socket (child → parent after clone):
 * a fixed header (errnum, length) then the message. */
int lv_err_send(int fd, const lv_error *err);
/* Reads what lv_err_send wrote.  Returns 0 when the peer closed without
 * sending an error (success), 1 when an error was received into *out, and
 * -1 with *err set when the channel itself failed. */
int lv_err_recv(int fd, lv_error **out, lv_error **err);

#endif
