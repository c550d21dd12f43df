/* Acting on the processes of a live cgroup: freeze, kill, list, watch. */
#include "src/cgroups/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "src/cgroups/cg_internal.h"
#include "src/util/cleanup.h"

#define FREEZE_TIMEOUT_MS 5000

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int read_events_key(int fd, const char *key, uint64_t *v)
{
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (!cg_key_u64(buf, key, v)) {
		errno = ENODATA;
		return -1;
	}
	return 0;
}

/* cgroup.events raises POLLPRI when it changes; the periodic re-read
 * covers a change that happened between the read and the poll. */
static int wait_frozen(int ev_fd, bool frozen, lv_error **err, const char *path)
{
	long deadline = now_ms() + FREEZE_TIMEOUT_MS;
	for (;;) {
		uint64_t v;
		if (read_events_key(ev_fd, "frozen", &v) < 0)
			return lv_err(err, errno, "read \"%s/cgroup.events\"", path);
		if ((v != 0) == frozen)
			return 0;
		long left = deadline - now_ms();
		if (left <= 0)
			return lv_err(err, 0, "%s cgroup \"%s\": timed out after %d ms "
				      "waiting for \"frozen %d\" in cgroup.events",
				      frozen ? "freeze" : "thaw", path, FREEZE_TIMEOUT_MS,
				      frozen);
		struct pollfd p = { .fd = ev_fd, .events = POLLPRI };
		if (poll(&p, 1, left < 100 ? (int)left : 100) < 0 && errno != EINTR)
			return lv_err(err, errno, "poll \"%s/cgroup.events\"", path);
	}
}

int cg_freeze(const char *path, bool frozen, lv_error **err)
{
	_cleanup_close_ int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lv_err(err, errno, "%s cgroup \"%s\"", frozen ? "freeze" : "thaw", path);
	_cleanup_close_ int ev = openat(dfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (ev < 0)
		return lv_err(err, errno, "open \"%s/cgroup.events\"", path);
	if (cg_write_at(dfd, "cgroup.freeze", frozen ? "1" : "0") < 0)
		return lv_err(err, errno, "write \"%d\" to \"%s/cgroup.freeze\"", frozen, path);
	if (wait_frozen(ev, frozen, err, path) < 0) {
		/* Never leave a half-frozen container behind. */
		if (frozen)
			cg_write_at(dfd, "cgroup.freeze", "0");
		return -1;
	}
	return 0;
}

int cg_is_frozen(const char *path, bool *frozen, lv_error **err)
{
	_cleanup_free_ char *ev = NULL;
	uint64_t v = 0;
	if (cg_read(path, "cgroup.events", &ev) < 0)
		return lv_err(err, errno, "read \"%s/cgroup.events\"", path);
	if (!cg_key_u64(ev, "frozen", &v))
		return lv_err(err, 0, "read \"%s/cgroup.events\": no \"frozen\" key", path);
	*frozen = v != 0;
	return 0;
}

int cg_populated(const char *path, bool *populated, lv_error **err)
{
	_cleanup_free_ char *ev = NULL;
	uint64_t v = 0;
	if (cg_read(path, "cgroup.events", &ev) < 0)
		return lv_err(err, errno, "read \"%s/cgroup.events\"", path);
	if (!cg_key_u64(ev, "populated", &v))
		return lv_err(err, 0, "read \"%s/cgroup.events\": no \"populated\" key", path);
	*populated = v != 0;
	return 0;
}

/* ---- pids ---- */

typedef struct {
	pid_t *v;
	size_t n, cap;
} pid_list;

static int collect(int dfd, const char *path, pid_list *l, lv_error **err)
{
	_cleanup_free_ char *procs = NULL;
	if (cg_read_at(dfd, "cgroup.procs", &procs) < 0) {
		/* A threaded child cgroup lists no processes of its own. */
		if (errno != EOPNOTSUPP)
			return lv_err(err, errno, "read \"%s/cgroup.procs\"", path);
	}
	for (char *s = procs; s && *s;) {
		char *end;
		long pid = strtol(s, &end, 10);
		if (end == s)
			break;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 32;
			pid_t *v = realloc(l->v, cap * sizeof(*v));
			if (!v)
				return lv_err(err, ENOMEM, "list cgroup processes");
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n++] = (pid_t)pid;
		s = end + strspn(end, "\n");
	}
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "open cgroup \"%s\"", path);
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return lv_err(err, errno, "read cgroup \"%s\"", path);
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		_cleanup_close_ int sub = openat(dirfd(d), e->d_name,
						 O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0) {
			if (errno == ENOENT) /* removed meanwhile */
				continue;
			return lv_err(err, errno, "open cgroup \"%s/%s\"", path, e->d_name);
		}
		_cleanup_free_ char *sp = NULL;
		if (asprintf(&sp, "%s/%s", path, e->d_name) < 0)
			return lv_err(err, ENOMEM, "cgroup path");
		if (collect(sub, sp, l, err) < 0)
			return -1;
	}
	return 0;
}

int cg_pids(const char *path, pid_t **pids, size_t *n, lv_error **err)
{
	_cleanup_close_ int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lv_err(err, errno, "open cgroup \"%s\"", path);
	pid_list l = { 0 };
	if (collect(dfd, path, &l, err) < 0) {
		free(l.v);
		return -1;
	}
	*pids = l.v;
	*n = l.n;
	return 0;
}

/* ---- kill ---- */

int cg_kill(const char *path, int sig, lv_error **err)
{
	_cleanup_close_ int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lv_err(err, errno, "signal cgroup \"%s\"", path);
	if (sig == SIGKILL) {
		/* Since 5.14: atomic, descendants and forks included. */
		if (cg_write_at(dfd, "cgroup.kill", "1") == 0)
			return 0;
		if (errno != ENOENT)
			return lv_err(err, errno, "write \"1\" to \"%s/cgroup.kill\"", path);
	}
	/* Frozen, no process can fork a child the list would miss. */
	bool was_frozen = false;
	_cleanup_error_ lv_error *ignored = NULL;
	if (cg_is_frozen(path, &was_frozen, err) < 0)
		return -1;
	bool froze = !was_frozen && cg_freeze(path, true, &ignored) == 0;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int rc = cg_pids(path, &pids, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH && rc == 0)
			rc = lv_err(err, errno, "send signal %d to process %d of cgroup "
				    "\"%s\"", sig, (int)pids[i], path);
	if (froze && cg_freeze(path, false, rc < 0 ? &ignored : err) < 0)
		rc = -1;
	return rc;
}

/* ---- events ---- */

int cg_oom_count(const char *path, uint64_t *count, lv_error **err)
{
	_cleanup_free_ char *ev = NULL;
	*count = 0;
	if (cg_read(path, "memory.events", &ev) < 0) {
		if (errno == ENOENT)
			return 0;
		return lv_err(err, errno, "read \"%s/memory.events\"", path);
	}
	cg_key_u64(ev, "oom_kill", count);
	return 0;
}

int cg_events_watch(const char *path, int *fd, lv_error **err)
{
	_cleanup_close_ int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (in < 0)
		return lv_err(err, errno, "inotify_init1");
	_cleanup_free_ char *ev = NULL, *mem = NULL;
	if (asprintf(&ev, "%s/cgroup.events", path) < 0 ||
	    asprintf(&mem, "%s/memory.events", path) < 0)
		return lv_err(err, ENOMEM, "watch cgroup");
	if (inotify_add_watch(in, ev, IN_MODIFY) < 0)
		return lv_err(err, errno, "watch \"%s\"", ev);
	if (inotify_add_watch(in, mem, IN_MODIFY) < 0 && errno != ENOENT)
		return lv_err(err, errno, "watch \"%s\"", mem);
	*fd = steal_fd(in);
	return 0;
}
