/* Passing one file descriptor with a message over a unix socket (SCM_RIGHTS). */
#ifndef LIEVE_UTIL_FDPASS_H
#define LIEVE_UTIL_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Sends buf (len > 0) with fd attached when fd >= 0.  Returns the bytes sent
 * or -1 with errno; retries EINTR; never raises SIGPIPE. */
ssize_t lv_send_fd(int sock, const void *buf, size_t len, int fd);
/* Receives one message into buf; *fd gets a passed descriptor (close-on-exec)
 * or -1.  Returns the bytes received (0 when the peer closed) or -1. */
ssize_t lv_recv_fd(int sock, void *buf, size_t len, int *fd);

#endif
