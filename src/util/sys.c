#include "src/util/sys.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include "src/status.h"
#include "src/util/cleanup.h"

int lv_read_file(const char *path, char **data, size_t *len, size_t max,
		 lv_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "open \"%s\"", path);
	size_t cap = 4096, n = 0;
	_cleanup_free_ char *buf = malloc(cap + 1);
	if (!buf)
		return lv_err(err, ENOMEM, "read \"%s\"", path);
	for (;;) {
		if (n == cap) {
			if (cap >= max)
				return lv_err(err, EFBIG, "read \"%s\"", path);
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb)
				return lv_err(err, ENOMEM, "read \"%s\"", path);
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return lv_err(err, errno, "read \"%s\"", path);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*data = steal_ptr(buf);
	if (len)
		*len = n;
	return 0;
}

int lv_write_file(const char *path, const char *data, size_t len, lv_error **err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "open \"%s\"", path);
	ssize_t w = write(fd, data, len);
	if (w < 0)
		return lv_err(err, errno, "write \"%s\"", path);
	if ((size_t)w != len)
		return lv_err(err, EIO, "write \"%s\": short write", path);
	return 0;
}

int lv_pidfd_open_checked(pid_t pid, uint64_t start)
{
	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	int fd = pidfd_open(pid, 0);
	if (fd < 0)
		return -1;
	/* The pidfd pins the process: if the start time matches now, it is ours. */
	uint64_t now = 0;
	bool zombie = false;
	if (lv_proc_start_time(pid, &now, &zombie) < 0 || now != start || zombie) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	return fd;
}

pid_t lv_pidfd_pid(int pidfd)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Pid:", 4) == 0)
			return (pid_t)strtol(line + 4, NULL, 10);
	}
	return -1;
}

int lv_wait_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}
