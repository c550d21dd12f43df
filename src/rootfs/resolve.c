/* Path resolution inside the rootfs: see resolve.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/rootfs/plan.h"
#include "src/rootfs/resolve.h"
#include "src/util/cleanup.h"

#define MAX_LINKS 40

int rootfs_open_in(int rootfd, const char *path, int flags, bool follow)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
			   (follow ? 0 : RESOLVE_NO_SYMLINKS),
	};
	long fd;

	do
		fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return (int)fd;
}

char *rootfs_parent(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char *parent;

	if (!slash) {
		errno = EINVAL;
		return NULL;
	}
	parent = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
	*name = slash + 1;
	return parent;
}

/* `name` in `pfd` is a dangling symlink: the path to create instead. */
static char *link_target(int pfd, const char *parent, const char *name)
{
	char buf[PATH_MAX];
	_cleanup_free_ char *joined = NULL;
	ssize_t n = readlinkat(pfd, name, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	if (buf[0] == '/')
		return rootfs_clean_path(buf);
	if (asprintf(&joined, "%s/%s", parent, buf) < 0)
		return NULL;
	return rootfs_clean_path(joined);
}

static int create_at(int rootfd, const char *path, bool file, mode_t mode, int depth);

static int create_at(int rootfd, const char *path, bool file, mode_t mode, int depth)
{
	int flags = O_PATH | (file ? 0 : O_DIRECTORY);
	int fd = rootfs_open_in(rootfd, path, flags, true);
	const char *name;

	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (depth > MAX_LINKS) {
		errno = ELOOP;
		return -1;
	}
	_cleanup_free_ char *parent = rootfs_parent(path, &name);
	if (!parent)
		return -1;
	_cleanup_close_ int pfd = create_at(rootfd, parent, false, 0755, depth + 1);
	if (pfd < 0)
		return -1;
	if (file) {
		int nfd = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (nfd >= 0)
			close(nfd);
		else if (errno != EEXIST)
			return -1;
	} else if (mkdirat(pfd, name, mode) < 0 && errno != EEXIST) {
		return -1;
	}
	fd = rootfs_open_in(rootfd, path, flags, true);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	/* It exists but does not resolve: a dangling symlink.  Create what it
	 * points to, resolved inside the rootfs like any other path. */
	_cleanup_free_ char *target = link_target(pfd, parent, name);
	if (!target)
		return -1;
	return create_at(rootfd, target, file, mode, depth + 1);
}

int rootfs_mkdir_in(int rootfd, const char *path, mode_t mode)
{
	return create_at(rootfd, path, false, mode, 0);
}

int rootfs_create_in(int rootfd, const char *path, bool file)
{
	int fd = rootfs_open_in(rootfd, path, O_PATH, true);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	return create_at(rootfd, path, file, 0755, 0);
}
