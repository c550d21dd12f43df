/* The state store: container directories under --root, their locks, and
 * atomic file replacement.  Every path below ROOT is reached relative to a
 * directory fd; the id is validated before any file is touched. */
#include "src/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/store_record.h"
#include "src/util/cleanup.h"

#define LOCK_NAME ".lock"

int lv_id_validate(const char *id, lv_error **err)
{
	if (!id || !*id)
		return lv_err(err, EINVAL, "invalid container id \"\"");
	size_t len = strlen(id);
	if (len > LV_ID_MAX)
		return lv_err(err, 0, "invalid container id \"%.32s...\": longer than %d bytes",
			      id, LV_ID_MAX);
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return lv_err(err, 0, "invalid container id \"%s\"", id);
	for (const char *p = id; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '+' ||
			  c == '.' || c == '-';
		if (!ok)
			return lv_err(err, 0, "invalid container id \"%s\"", id);
	}
	return 0;
}

/* mkdir -p with mode 0700 for every directory it creates, as runc does for
 * its root. */
static int mkdir_p(const char *path, lv_error **err)
{
	_cleanup_free_ char *buf = strdup(path);
	if (!buf)
		return lv_err(err, ENOMEM, "create state root \"%s\"", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return lv_err(err, errno, "create state root \"%s\"", buf);
		*p = saved;
		if (!saved)
			break;
	}
	return 0;
}

static int open_root(const char *root, bool create, lv_error **err)
{
	if (create && mkdir_p(root, err) < 0)
		return -1;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "open state root \"%s\"", root);
	return fd;
}

/* An error whose message names the cause itself, with errno set for
 * callers that branch on it but no strerror suffix. */
static int err_code(lv_error **err, int code, const char *fmt, const char *id)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	lv_err(err, 0, fmt, id);
#pragma GCC diagnostic pop
	if (err && *err && (*err)->errnum == 0)
		(*err)->errnum = code;
	return -1;
}

static int err_not_exist(lv_error **err, const char *id)
{
	return err_code(err, ENOENT, "container \"%s\" does not exist", id);
}

/* A name no valid id can take (':' is not allowed in ids). */
static void temp_name(char *buf, size_t size, const char *what)
{
	static unsigned counter;
	snprintf(buf, size, ":%s-%d-%u", what, (int)getpid(), counter++);
}

static void handle_init(lv_store_handle *h)
{
	*h = (lv_store_handle){ .root_fd = -1, .dir_fd = -1, .lock_fd = -1 };
}

static int fill_names(lv_store_handle *h, const char *root, const char *id,
		      lv_error **err)
{
	h->id = strdup(id);
	if (!h->id || asprintf(&h->path, "%s/%s", root, id) < 0) {
		h->path = NULL;
		return lv_err(err, ENOMEM, "container \"%s\"", id);
	}
	return 0;
}

int lv_store_create(const char *root, const char *id, lv_store_handle *h,
		    lv_error **err)
{
	handle_init(h);
	if (lv_id_validate(id, err) < 0)
		return -1;
	_cleanup_close_ int root_fd = open_root(root, true, err);
	if (root_fd < 0)
		return -1;

	/* Build the directory under a temporary name with its lock already
	 * held, then rename it into place: nobody ever sees a container
	 * directory without a lock file, or takes the lock before us. */
	char tmp[64];
	temp_name(tmp, sizeof(tmp), "creating");
	if (mkdirat(root_fd, tmp, 0711) < 0)
		return lv_err(err, errno, "create container \"%s\" in \"%s\"", id, root);
	_cleanup_close_ int dir_fd = openat(root_fd, tmp, O_RDONLY | O_DIRECTORY |
						     O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int lock_fd = -1;
	int saved;
	if (dir_fd < 0)
		goto fail;
	lock_fd = openat(dir_fd, LOCK_NAME, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0)
		goto fail;
	if (renameat2(root_fd, tmp, root_fd, id, RENAME_NOREPLACE) < 0)
		goto fail;
	h->root_fd = steal_fd(root_fd);
	h->dir_fd = steal_fd(dir_fd);
	h->lock_fd = steal_fd(lock_fd);
	if (fill_names(h, root, id, err) < 0) {
		lv_store_remove(h, NULL);
		return -1;
	}
	return 0;
fail:
	saved = errno;
	unlinkat(dir_fd >= 0 ? dir_fd : root_fd, LOCK_NAME, 0);
	unlinkat(root_fd, tmp, AT_REMOVEDIR);
	if (saved == EEXIST || saved == ENOTEMPTY)
		return err_code(err, EEXIST, "container \"%s\" already exists", id);
	return lv_err(err, saved, "create container \"%s\" in \"%s\"", id, root);
}

int lv_store_open(const char *root, const char *id, bool exclusive,
		  lv_store_handle *h, lv_error **err)
{
	handle_init(h);
	if (lv_id_validate(id, err) < 0)
		return -1;
	_cleanup_close_ int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		if (errno == ENOENT)
			return err_not_exist(err, id);
		return lv_err(err, errno, "open state root \"%s\"", root);
	}
	_cleanup_close_ int dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY |
						    O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return err_not_exist(err, id);
		return lv_err(err, errno, "open container \"%s\"", id);
	}
	_cleanup_close_ int lock_fd = openat(dir_fd, LOCK_NAME, O_RDWR | O_CLOEXEC);
	if (lock_fd < 0) {
		if (errno == ENOENT)
			return err_not_exist(err, id);
		return lv_err(err, errno, "open lock of container \"%s\"", id);
	}
	int r;
	do
		r = flock(lock_fd, exclusive ? LOCK_EX : LOCK_SH);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return lv_err(err, errno, "lock container \"%s\"", id);
	/* The container may have been deleted while we waited for the lock. */
	struct stat st;
	if (fstat(lock_fd, &st) < 0)
		return lv_err(err, errno, "lock container \"%s\"", id);
	if (st.st_nlink == 0)
		return err_not_exist(err, id);
	h->root_fd = steal_fd(root_fd);
	h->dir_fd = steal_fd(dir_fd);
	h->lock_fd = steal_fd(lock_fd);
	if (fill_names(h, root, id, err) < 0) {
		lv_store_close(h);
		return -1;
	}
	return 0;
}

void lv_store_close(lv_store_handle *h)
{
	if (!h)
		return;
	lv_closep(&h->lock_fd);
	lv_closep(&h->dir_fd);
	lv_closep(&h->root_fd);
	free(h->id);
	free(h->path);
	handle_init(h);
	h->id = h->path = NULL;
}

/* rm -r of a directory's contents, through fds, never following symlinks. */
static int remove_contents(int dir_fd)
{
	int dup_fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0)
		return -1;
	_cleanup_closedir_ DIR *d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -1;
	}
	int ret = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dir_fd, e->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			ret = -1;
			continue;
		}
		_cleanup_close_ int sub = openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY |
							   O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || remove_contents(sub) < 0 ||
		    unlinkat(dir_fd, e->d_name, AT_REMOVEDIR) < 0)
			ret = -1;
	}
	return ret;
}

int lv_store_remove(lv_store_handle *h, lv_error **err)
{
	int ret = 0;
	/* Move it out of the way first, so the id is free again at once and
	 * nobody opens a half-removed container. */
	char tmp[64];
	temp_name(tmp, sizeof(tmp), "removing");
	const char *name = h->id;
	if (renameat(h->root_fd, h->id, h->root_fd, tmp) == 0)
		name = tmp;
	if (remove_contents(h->dir_fd) < 0 || unlinkat(h->root_fd, name, AT_REMOVEDIR) < 0)
		ret = lv_err(err, errno, "remove container directory \"%s\"", h->path);
	lv_store_close(h);
	return ret;
}

/* Writes data to dir_fd/name through a temporary file and rename(2), so a
 * reader sees either the old or the new content, never a partial one.
 * No fsync: the state lives on a tmpfs (/run) and means nothing after a
 * reboot, while an fsync per write cost milliseconds on every create. */
static int write_atomic_at(int dir_fd, const char *name, const char *label,
			   const void *data, size_t len, mode_t mode, lv_error **err)
{
	char tmp[NAME_MAX + 1];
	static unsigned counter;
	if (snprintf(tmp, sizeof(tmp), ".%.200s.tmp-%d-%u", name, (int)getpid(),
		     counter++) >= (int)sizeof(tmp))
		return lv_err(err, ENAMETOOLONG, "write \"%s\"", label);
	_cleanup_close_ int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL |
						    O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return lv_err(err, errno, "write \"%s\"", label);
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		p += n;
		left -= (size_t)n;
	}
	if (fchmod(fd, mode) < 0)
		goto fail;
	if (renameat(dir_fd, tmp, dir_fd, name) < 0)
		goto fail;
	return 0;
fail:;
	int saved = errno;
	unlinkat(dir_fd, tmp, 0);
	return lv_err(err, saved, "write \"%s\"", label);
}

int lv_store_write_file(lv_store_handle *h, const char *name, const void *data,
			size_t len, lv_error **err)
{
	_cleanup_free_ char *label = NULL;
	if (asprintf(&label, "%s/%s", h->path, name) < 0)
		label = NULL;
	return write_atomic_at(h->dir_fd, name, label ? label : name, data, len,
			       0600, err);
}

int lv_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, lv_error **err)
{
	_cleanup_free_ char *dir = strdup(path);
	if (!dir)
		return lv_err(err, ENOMEM, "write \"%s\"", path);
	char *slash = strrchr(dir, '/');
	const char *name = path;
	if (slash) {
		name = path + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (!*name)
		return lv_err(err, EISDIR, "write \"%s\"", path);
	_cleanup_close_ int dir_fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY |
							     O_CLOEXEC);
	if (dir_fd < 0)
		return lv_err(err, errno, "write \"%s\"", path);
	return write_atomic_at(dir_fd, name, path, data, len, mode, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int lv_store_list(const char *root, char ***ids, lv_error **err)
{
	_cleanup_strv_ char **out = calloc(1, sizeof(char *));
	size_t n = 0;
	if (!out)
		return lv_err(err, ENOMEM, "list \"%s\"", root);
	_cleanup_closedir_ DIR *d = opendir(root);
	if (!d) {
		if (errno != ENOENT)
			return lv_err(err, errno, "list containers in \"%s\"", root);
		*ids = steal_ptr(out);
		return 0;
	}
	struct dirent *e;
	while ((errno = 0, e = readdir(d))) {
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		if (lv_id_validate(e->d_name, NULL) < 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		char **grown = realloc(out, (n + 2) * sizeof(char *));
		if (!grown)
			return lv_err(err, ENOMEM, "list containers in \"%s\"", root);
		out = grown;
		out[n + 1] = NULL;
		if (!(out[n] = strdup(e->d_name)))
			return lv_err(err, ENOMEM, "list containers in \"%s\"", root);
		n++;
	}
	if (errno)
		return lv_err(err, errno, "list containers in \"%s\"", root);
	qsort(out, n, sizeof(char *), cmp_str);
	*ids = steal_ptr(out);
	return 0;
}

int lv_store_write_record(lv_store_handle *h, const lv_record *r, lv_error **err)
{
	_cleanup_free_ char *json = NULL;
	size_t len;
	if (lv_record_serialize(r, &json, &len, err) < 0)
		return -1;
	return lv_store_write_file(h, "state.json", json, len, err);
}

static int read_all_at(int dir_fd, const char *name, char **out)
{
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *grown = realloc(buf, cap);
			if (!grown) {
				errno = ENOMEM;
				return -1;
			}
			buf = grown;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = steal_ptr(buf);
	return 0;
}

static int read_record_at(int dir_fd, const char *root, const char *id,
			  lv_record **out, lv_error **err)
{
	_cleanup_free_ char *json = NULL;
	if (read_all_at(dir_fd, "state.json", &json) < 0) {
		if (errno == ENOENT)
			return err_not_exist(err, id);
		return lv_err(err, errno, "read state of container \"%s\"", id);
	}
	_cleanup_free_ char *label = NULL;
	if (asprintf(&label, "%s/%s/state.json", root, id) < 0)
		label = NULL;
	return lv_record_parse(json, label ? label : "state.json", out, err);
}

int lv_store_read_record(lv_store_handle *h, lv_record **out, lv_error **err)
{
	_cleanup_free_ char *root = strndup(h->path, strlen(h->path) - strlen(h->id) - 1);
	return read_record_at(h->dir_fd, root ? root : "", h->id, out, err);
}

int lv_store_peek_record(const char *root, const char *id, lv_record **out,
			 bool *exec_fifo, lv_error **err)
{
	if (lv_id_validate(id, err) < 0)
		return -1;
	_cleanup_close_ int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0 && errno != ENOENT)
		return lv_err(err, errno, "open state root \"%s\"", root);
	_cleanup_close_ int dir_fd = root_fd < 0 ? -1 :
		openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd < 0) {
		if (root_fd < 0 || errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return err_not_exist(err, id);
		return lv_err(err, errno, "open container \"%s\"", id);
	}
	if (read_record_at(dir_fd, root, id, out, err) < 0)
		return -1;
	if (exec_fifo)
		*exec_fifo = faccessat(dir_fd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	return 0;
}

int lv_write_pid_file(const char *path, pid_t pid, lv_error **err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	return lv_write_file_atomic(path, buf, (size_t)n, 0644, err);
}
