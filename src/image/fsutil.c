/* fd-relative helpers shared by the extractor, the store and the bundle code. */
#include "src/image/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "src/image/image.h"
#include "src/util/cleanup.h"

#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

int img_openat_in_root(int root_fd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	if (!*path)
		path = ".";
	return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

int img_path_split(const char *path, char **dir, char **base, lv_error **err)
{
	const char *slash = strrchr(path, '/');
	*dir = slash ? strndup(path, (size_t)(slash - path)) : strdup("");
	*base = strdup(slash ? slash + 1 : path);
	if (!*dir || !*base) {
		free(*dir);
		free(*base);
		*dir = *base = NULL;
		return lv_err(err, ENOMEM, "split \"%s\"", path);
	}
	return 0;
}

int img_dir_in_root(int root_fd, const char *path, bool create, int *out,
		    lv_error **err)
{
	int fd = img_openat_in_root(root_fd, path, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0) {
		*out = fd;
		return 0;
	}
	if (errno != ENOENT || !create || !*path)
		return lv_err(err, errno, "open directory \"%s\"", *path ? path : "/");
	_cleanup_free_ char *dir = NULL, *base = NULL;
	if (img_path_split(path, &dir, &base, err) < 0)
		return -1;
	if (strcmp(base, "..") == 0 || strcmp(base, ".") == 0)
		return lv_err(err, ENOENT, "open directory \"%s\"", path);
	_cleanup_close_ int pfd = -1;
	if (img_dir_in_root(root_fd, dir, true, &pfd, err) < 0)
		return -1;
	if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
		return lv_err(err, errno, "create directory \"%s\"", path);
	/* Opened through the parent fd, not by path again: what we just made
	 * (or found: a symlink to a directory is followed in-root). */
	fd = img_openat_in_root(root_fd, path, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return lv_err(err, errno, "open directory \"%s\"", path);
	*out = fd;
	return 0;
}

int img_remove_tree(int dfd, const char *name, lv_error **err)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return lv_err(err, errno, "stat \"%s\"", name);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
			return lv_err(err, errno, "remove \"%s\"", name);
		return 0;
	}
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "open directory \"%s\"", name);
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return lv_err(err, errno, "read directory \"%s\"", name);
	}
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (img_remove_tree(dirfd(d), de->d_name, err) < 0)
			return lv_err_wrap(err, "remove \"%s\"", name);
	}
	if (errno)
		return lv_err(err, errno, "read directory \"%s\"", name);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return lv_err(err, errno, "remove directory \"%s\"", name);
	return 0;
}

int img_setxattrat(int dirfd, const char *name, const char *key,
		   const void *value, size_t size)
{
	if (!*name) {
		/* The directory itself: dirfd may be O_PATH, which xattr calls
		 * refuse; a real fd of the same directory does not. */
		int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		int r = fsetxattr(fd, key, value, size, 0);
		int e = errno;
		close(fd);
		errno = e;
		return r;
	}
	struct {
		uint64_t value;
		uint32_t size;
		uint32_t flags;
	} args = { (uint64_t)(uintptr_t)value, (uint32_t)size, 0 };
	return (int)syscall(SYS_setxattrat, dirfd, name, AT_SYMLINK_NOFOLLOW, key, &args,
			    sizeof(args));
}

int img_fchmodat_nofollow(int dirfd, const char *name, mode_t mode)
{
	int flags = AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH);
	return (int)syscall(SYS_fchmodat2, dirfd, name, mode, flags);
}

int img_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int img_path_normalise(const char *in, char **out, lv_error **err)
{
	size_t len = strlen(in);
	char *o = malloc(len + 1);
	if (!o)
		return lv_err(err, ENOMEM, "normalise \"%s\"", in);
	size_t n = 0;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t clen = (size_t)(end - p);
		if (clen == 0)
			break;
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			/* Lexically, clamped at the root as "/.." is "/". */
			while (n > 0 && o[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else if (!(clen == 1 && p[0] == '.')) {
			if (n)
				o[n++] = '/';
			memcpy(o + n, p, clen);
			n += clen;
		}
		p = end;
	}
	o[n] = '\0';
	*out = o;
	return 0;
}

int img_whiteout_classify(const char *path, char **target, lv_error **err)
{
	static const char wh[] = ".wh.", opq[] = ".wh..wh..opq";
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dirlen = slash ? (size_t)(slash - path) : 0;
	*target = NULL;
	if (strncmp(base, wh, sizeof(wh) - 1) != 0)
		return IMG_ENTRY_PLAIN;
	if (strcmp(base, opq) == 0) {
		if (!(*target = strndup(path, dirlen)))
			return lv_err(err, ENOMEM, "whiteout \"%s\"", path);
		return IMG_ENTRY_OPAQUE;
	}
	const char *hidden = base + sizeof(wh) - 1;
	if (!*hidden || strcmp(hidden, ".") == 0 || strcmp(hidden, "..") == 0 ||
	    strncmp(hidden, wh, sizeof(wh) - 1) == 0)
		return lv_err(err, 0, "invalid whiteout \"%s\"", path);
	if (asprintf(target, "%.*s%s%s", (int)dirlen, path, slash ? "/" : "", hidden) < 0) {
		*target = NULL;
		return lv_err(err, ENOMEM, "whiteout \"%s\"", path);
	}
	return IMG_ENTRY_WHITEOUT;
}
