/* Thin wrappers for syscalls glibc 2.36 does not wrap, and small process
 * helpers shared by the lifecycle. */
#ifndef LIEVE_UTIL_SYS_H
#define LIEVE_UTIL_SYS_H

#include <linux/sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "src/error.h"

static inline pid_t lv_clone3(struct clone_args *args)
{
	return (pid_t)syscall(SYS_clone3, args, sizeof(*args));
}

static inline int lv_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Opens a pidfd for pid and checks it is still the process that started at
 * `start`.  Returns the fd, or -1 with errno ESRCH when it is gone. */
int lv_pidfd_open_checked(pid_t pid, uint64_t start);

/* The host pid of the process a pidfd refers to (from /proc/self/fdinfo). */
pid_t lv_pidfd_pid(int pidfd);

/* Reads a whole small file (at most `max` bytes) through an fd or a path. */
int lv_read_file(const char *path, char **data, size_t *len, size_t max,
		 lv_error **err);
int lv_write_file(const char *path, const char *data, size_t len, lv_error **err);

/* Exit status a shell would report: the code, or 128+signal. */
int lv_wait_status_code(int status);

#endif
