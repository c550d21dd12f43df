/* Planning against the host, creating, updating and removing a cgroup. */
#include "src/cgroups/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "src/cgroups/cg_internal.h"
#include "src/util/cleanup.h"

static const char *const no_warnings[] = { NULL };

void cg_plan_free(cg_plan *p)
{
	if (!p)
		return;
	free(p->mount);
	free(p->path);
	free(p->available);
	cg_writes_clear(&p->writes);
	free(p->dev_rules);
	cg_sd_plan_clear(p);
	free(p);
}

const char *cg_plan_path(const cg_plan *p) { return p->path; }

const char *const *cg_plan_warnings(const cg_plan *p)
{
	return p->writes.warnings ? (const char *const *)p->writes.warnings : no_warnings;
}

int cg_plan_build(const spec_config *cfg, const char *id, bool systemd,
		  cg_plan **out, lv_error **err)
{
	const spec_linux *l = cfg ? cfg->linux_ : NULL;
	const spec_resources *r = l ? l->resources : NULL;
	if (systemd && !cg_systemd_running())
		return lv_err(err, 0, "systemd cgroup driver: systemd is not running");
	_cleanup_cg_plan_ cg_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return lv_err(err, ENOMEM, "cgroup plan");
	p->hold = -1;
	_cleanup_free_ char *own = NULL;
	if (cg_find_mount(&p->mount, err) < 0)
		return -1;
	p->hybrid = strcmp(p->mount, CG_DEFAULT_MOUNT) != 0;
	if (systemd) {
		if (cg_sd_plan_build(p, cfg, id, err) < 0)
			return -1;
	} else if (cg_own_cgroup(&own, err) < 0 ||
		   cg_resolve_path(p->mount, own, l ? l->cgroups_path : NULL, id, &p->path,
				   err) < 0) {
		return -1;
	}
	if (cg_resources_plan(r, &p->writes, err) < 0)
		return -1;
	if (cg_read(p->mount, "cgroup.controllers", &p->available) < 0)
		return lv_err(err, errno, "read \"%s/cgroup.controllers\"", p->mount);
	if (cg_check_controllers(&p->writes, p->available, p->mount, err) < 0)
		return -1;
	if (cg_dev_rules_from_spec(l, r, &p->dev_rules, &p->n_dev_rules, err) < 0)
		return -1;
	*out = steal_ptr(p);
	return 0;
}

/* ---- applying writes ---- */

static int check_usage(int dfd, const cg_write *w, const char *path, lv_error **err)
{
	_cleanup_free_ char *cur = NULL;
	uint64_t usage, limit;
	/* Best effort, as in runc: no memory.current, no check. */
	if (cg_read_at(dfd, "memory.current", &cur) < 0 || !cg_parse_u64(cur, &usage))
		return 0;
	if (cg_parse_u64(w->value, &limit) && limit <= usage)
		return lv_err(err, 0, "%s: rejecting memory limit %" PRIu64 " at or "
			      "below the current usage %" PRIu64 " of %s", w->field,
			      limit, usage, path);
	return 0;
}

static int apply_writes(int dfd, const char *path, const cg_writes *w, lv_error **err)
{
	bool prev_missing = false;
	for (size_t i = 0; i < w->n; i++) {
		const cg_write *e = &w->v[i];
		if ((e->flags & CG_W_FALLBACK) && !prev_missing)
			continue;
		if ((e->flags & CG_W_CHECK_USAGE) && check_usage(dfd, e, path, err) < 0)
			return -1;
		prev_missing = false;
		if (cg_write_at(dfd, e->file, e->value) == 0)
			continue;
		int er = errno;
		if (er == ENOENT && (e->flags & CG_W_ENOENT_OK)) {
			prev_missing = true;
			continue;
		}
		if (er == EINVAL && (e->flags & CG_W_EINVAL_OK))
			continue;
		if (er == ENOENT && (e->flags & CG_W_UNIFIED))
			return lv_err(err, 0, "unified resource \"%s\": no such cgroup file",
				      e->file);
		if (e->flags & CG_W_UNIFIED)
			return lv_err(err, er, "unified resource \"%s\": write \"%s\" to "
				      "\"%s/%s\"", e->file, e->value, path, e->file);
		return lv_err(err, er, "%s: write \"%s\" to \"%s/%s\"", e->field,
			      e->value, path, e->file);
	}
	return 0;
}

/* ---- creating ---- */

/* Controllers to turn on for the container: all the root offers, as runc
 * does (stats and later updates need them), except on a hybrid host, whose
 * cgroup2 tree other tools share: there only what the resources need. */
static int wanted_controllers(const cg_plan *p, char ***out, lv_error **err)
{
	_cleanup_strv_ char **v = calloc(16, sizeof(*v));
	if (!v)
		return lv_err(err, ENOMEM, "controllers");
	size_t n = 0;
	if (!p->hybrid) {
		for (const char *s = p->available; *s && n < 15;) {
			s += strspn(s, " \n");
			size_t len = strcspn(s, " \n");
			if (len && !(v[n++] = strndup(s, len)))
				return lv_err(err, ENOMEM, "controllers");
			s += len;
		}
	} else {
		for (size_t i = 0; i < p->writes.n && n < 15; i++) {
			const char *c = p->writes.v[i].controller;
			bool dup = false;
			for (size_t j = 0; c && j < n; j++)
				dup |= !strcmp(v[j], c);
			if (c && !dup && !(v[n++] = strdup(c)))
				return lv_err(err, ENOMEM, "controllers");
		}
	}
	*out = steal_ptr(v);
	return 0;
}

static bool needed(const cg_writes *w, const char *ctrl)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].controller && !strcmp(w->v[i].controller, ctrl))
			return true;
	return false;
}

static int enable_controllers(const cg_writes *w, int dfd, const char *dir,
			      char **want, lv_error **err)
{
	_cleanup_free_ char *cur = NULL;
	if (cg_read_at(dfd, "cgroup.subtree_control", &cur) < 0)
		return lv_err(err, errno, "read \"%s/cgroup.subtree_control\"", dir);
	for (char **c = want; *c; c++) {
		if (cg_word_in(cur, *c))
			continue;
		char buf[64];
		snprintf(buf, sizeof(buf), "+%s", *c);
		/* A controller nobody asked for is best effort (runc ignores
		 * those failures); a needed one must be there. */
		if (cg_write_at(dfd, "cgroup.subtree_control", buf) < 0 && needed(w, *c))
			return lv_err(err, errno, "enable the \"%s\" controller in "
				      "\"%s/cgroup.subtree_control\"", *c, dir);
	}
	return 0;
}

static void remove_created(char **created, size_t n)
{
	for (size_t i = n; i-- > 0;)
		rmdir(created[i]);
}

static int is_populated_at(int dfd, bool *populated)
{
	_cleanup_free_ char *ev = NULL;
	uint64_t v = 0;
	if (cg_read_at(dfd, "cgroup.events", &ev) < 0)
		return -1;
	*populated = cg_key_u64(ev, "populated", &v) && v != 0;
	return 0;
}

static int make_path(const cg_plan *p, char **created, size_t *n_created,
		     char **want, int *leaf_fd, lv_error **err)
{
	size_t mlen = strlen(p->mount);
	_cleanup_free_ char *dir = strdup(p->path);
	if (!dir)
		return lv_err(err, ENOMEM, "cgroup path");
	_cleanup_close_ int dfd = open(p->mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lv_err(err, errno, "open \"%s\"", p->mount);
	/* Walk component by component below the mount: each parent gets the
	 * controllers enabled before its child is entered. */
	char *s = dir + mlen;
	while (*s == '/') {
		char *name = s + 1;
		char *next = strchr(name, '/');
		if (next)
			*next = '\0';
		s[0] = '\0';
		const char *parent = dir;
		if (want[0] && enable_controllers(&p->writes, dfd, parent[0] ? parent : "/", want, err) < 0)
			return -1;
		s[0] = '/';
		bool made = mkdirat(dfd, name, 0755) == 0;
		if (!made && errno != EEXIST)
			return lv_err(err, errno, "create cgroup \"%s\"", dir);
		if (made) {
			char *copy = strdup(dir);
			if (!copy) {
				unlinkat(dfd, name, AT_REMOVEDIR);
				return lv_err(err, ENOMEM, "cgroup path");
			}
			created[(*n_created)++] = copy;
		}
		int child = openat(dfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (child < 0)
			return lv_err(err, errno, "open cgroup \"%s\"", dir);
		close(dfd);
		dfd = child;
		if (!next)
			break;
		*next = '/';
		s = next;
	}
	/* An existing leaf is reused only when nothing runs in it. */
	bool populated = false;
	if (!p->systemd && (*n_created == 0 || strcmp(created[*n_created - 1], p->path))) {
		if (is_populated_at(dfd, &populated) < 0)
			return lv_err(err, errno, "read \"%s/cgroup.events\"", p->path);
		if (populated)
			return lv_err(err, 0, "cgroup \"%s\" already exists and has "
				      "processes in it", p->path);
	}
	*leaf_fd = steal_fd(dfd);
	return 0;
}

static int create_path(const cg_plan *p, int *dir_fd, lv_error **err)
{
	size_t depth = 1;
	for (const char *c = p->path + strlen(p->mount); *c; c++)
		depth += *c == '/';
	_cleanup_free_ char **created = calloc(depth, sizeof(char *));
	_cleanup_strv_ char **want = NULL;
	if (!created)
		return lv_err(err, ENOMEM, "cgroup path");
	size_t n_created = 0;
	_cleanup_close_ int path_fd = -1, fd = -1;
	int rc = -1;
	if (wanted_controllers(p, &want, err) < 0 ||
	    make_path(p, created, &n_created, want, &path_fd, err) < 0)
		goto fail;
	/* O_PATH cannot be used for clone3 or bpf: reopen for real. */
	fd = openat(path_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		lv_err(err, errno, "open cgroup \"%s\"", p->path);
		goto fail;
	}
	if (apply_writes(fd, p->path, &p->writes, err) < 0 ||
	    cg_dev_apply(fd, p->dev_rules, p->n_dev_rules, err) < 0) {
		lv_err_wrap(err, "cgroup \"%s\"", p->path);
		goto fail;
	}
	*dir_fd = steal_fd(fd);
	rc = 0;
fail:
	if (rc < 0)
		remove_created(created, n_created);
	for (size_t i = 0; i < n_created; i++)
		free(created[i]);
	return rc;
}

int cg_create(cg_plan *p, int *dir_fd, lv_error **err)
{
	/* systemd makes the scope (and its slices); create_path then finds
	 * them, enables what the resources need and writes them. */
	if ((p->systemd && cg_sd_create_scope(p, err) < 0) || create_path(p, dir_fd, err) < 0) {
		if (p->systemd)
			cg_abort(p);
		return -1;
	}
	return 0;
}

void cg_abort(cg_plan *p)
{
	_cleanup_error_ lv_error *e = NULL;
	cg_release_hold(p);
	/* A hook may have left processes in the cgroup. */
	cg_kill(p->path, SIGKILL, &e);
	lv_err_freep(&e);
	if (p->unit_started) {
		cg_sd_stop_unit(p->sd, p->unit, &e);
		lv_err_freep(&e);
		p->unit_started = false;
	}
	cg_destroy(p->path, &e);
}

int cg_open(const char *path, int *dir_fd, lv_error **err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "open cgroup \"%s\"", path);
	*dir_fd = fd;
	return 0;
}

int cg_enter(const char *path, pid_t pid, lv_error **err)
{
	_cleanup_close_ int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lv_err(err, errno, "open cgroup \"%s\"", path);
	char buf[24];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (cg_write_at(dfd, "cgroup.procs", buf) < 0)
		return lv_err(err, errno, "move process %d into cgroup \"%s\"", (int)pid, path);
	return 0;
}

/* ---- removing ---- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Children first; a cgroup whose last process just died may stay busy for
 * a moment, hence the retries (about 2 s in all). */
static int remove_tree(int parent_fd, const char *name, const char *path, lv_error **err)
{
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : lv_err(err, errno, "open cgroup \"%s\"", path);
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return lv_err(err, errno, "read cgroup \"%s\"", path);
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		_cleanup_free_ char *sub = NULL;
		if (asprintf(&sub, "%s/%s", path, e->d_name) < 0)
			return lv_err(err, ENOMEM, "cgroup path");
		if (remove_tree(dirfd(d), e->d_name, sub, err) < 0)
			return -1;
	}
	long delay = 1;
	for (int i = 0;; i++) {
		if (unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || i >= 14)
			return lv_err(err, errno, "remove cgroup \"%s\"", path);
		sleep_ms(delay);
		delay = delay < 256 ? delay * 2 : delay;
	}
}

int cg_destroy(const char *path, lv_error **err)
{
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return lv_err(err, ENOMEM, "cgroup path");
	char *slash = strrchr(copy, '/');
	if (!slash || !slash[1])
		return lv_err(err, EINVAL, "remove cgroup \"%s\"", path);
	*slash = '\0';
	_cleanup_close_ int pfd = open(copy[0] ? copy : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return errno == ENOENT ? 0 : lv_err(err, errno, "open \"%s\"", copy);
	return remove_tree(pfd, slash + 1, path, err);
}

/* ---- update ---- */

/* What an update leaves out keeps its current value where a v2 file holds
 * two settings at once (cpu.max) or a conversion needs the other one
 * (memory.swap.max from memory+swap). */
static int fill_from_current(int dfd, const spec_resources *r, spec_resources *copy,
			     spec_memory *mem, spec_cpu *cpu, const char *path,
			     lv_error **err)
{
	*copy = *r;
	if (r->memory && r->memory->swap.set && !r->memory->limit.set &&
	    r->memory->swap.value > 0) {
		_cleanup_free_ char *cur = NULL;
		uint64_t v;
		*mem = *r->memory;
		if (cg_read_at(dfd, "memory.max", &cur) < 0)
			return lv_err(err, errno, "read \"%s/memory.max\"", path);
		if (cg_parse_u64(cur, &v) && v != UINT64_MAX && v <= INT64_MAX) {
			mem->limit.set = true;
			mem->limit.value = (int64_t)v;
		}
		copy->memory = mem;
	}
	if (r->cpu && (r->cpu->quota.set != r->cpu->period.set)) {
		_cleanup_free_ char *cur = NULL;
		*cpu = *r->cpu;
		if (cg_read_at(dfd, "cpu.max", &cur) == 0) {
			char q[32] = "";
			unsigned long long period = 0;
			if (sscanf(cur, "%31s %llu", q, &period) == 2) {
				if (!cpu->period.set) {
					cpu->period.set = true;
					cpu->period.value = period;
				}
				if (!cpu->quota.set) {
					cpu->quota.set = true;
					cpu->quota.value = strcmp(q, "max") ? strtoll(q, NULL, 10) : -1;
				}
			}
		}
		copy->cpu = cpu;
	}
	return 0;
}

/* Enables, in every ancestor of `path` below `mount`, the controllers the
 * writes need that `*available` lacks; re-reads *available. */
static int enable_missing(const char *mount, const char *path, const cg_writes *w,
			  char **available, lv_error **err)
{
	size_t mlen = strlen(mount);
	if (strncmp(path, mount, mlen) || path[mlen] != '/')
		return 0;
	_cleanup_strv_ char **want = calloc(w->n + 1, sizeof(*want));
	if (!want)
		return lv_err(err, ENOMEM, "controllers");
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++) {
		const char *c = w->v[i].controller;
		bool dup = false;
		for (size_t j = 0; c && j < n; j++)
			dup |= !strcmp(want[j], c);
		if (c && !dup && !cg_word_in(*available, c) && !(want[n++] = strdup(c)))
			return lv_err(err, ENOMEM, "controllers");
	}
	if (n == 0)
		return 0;
	_cleanup_free_ char *root = NULL;
	if (cg_read(mount, "cgroup.controllers", &root) < 0)
		return lv_err(err, errno, "read \"%s/cgroup.controllers\"", mount);
	for (size_t i = 0; i < n; i++)
		if (!cg_word_in(root, want[i]))
			return 0; /* cg_check_controllers names it */
	_cleanup_free_ char *dir = strdup(path);
	_cleanup_close_ int dfd = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!dir || dfd < 0)
		return lv_err(err, dir ? errno : ENOMEM, "open \"%s\"", mount);
	for (char *s = dir + mlen; *s == '/';) {
		char *next = strchr(s + 1, '/');
		s[0] = '\0';
		int rc = enable_controllers(w, dfd, dir[0] ? dir : "/", want, err);
		s[0] = '/';
		if (rc < 0)
			return -1;
		if (!next)
			break;
		*next = '\0';
		int child = openat(dfd, s + 1, O_PATH | O_DIRECTORY | O_CLOEXEC);
		*next = '/';
		if (child < 0)
			return lv_err(err, errno, "open cgroup \"%s\"", dir);
		close(dfd);
		dfd = child;
		s = next;
	}
	free(*available);
	*available = NULL;
	if (cg_read(path, "cgroup.controllers", available) < 0)
		return lv_err(err, errno, "read \"%s/cgroup.controllers\"", path);
	return 0;
}

int cg_update(const char *path, const spec_resources *r, lv_error **err)
{
	if (!r)
		return 0;
	_cleanup_close_ int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lv_err(err, errno, "update cgroup \"%s\"", path);
	spec_resources copy;
	spec_memory mem;
	spec_cpu cpu;
	if (fill_from_current(dfd, r, &copy, &mem, &cpu, path, err) < 0)
		return lv_err_wrap(err, "update cgroup \"%s\"", path);
	_cleanup_free_ char *available = NULL;
	__attribute__((cleanup(cg_writes_clear))) cg_writes w = { 0 };
	if (cg_resources_plan(&copy, &w, err) < 0)
		return -1;
	/* The controllers the cgroup itself was given by its parent; one the
	 * container was created without (a hybrid host enables only what is
	 * asked for) is enabled down the path now. */
	if (cg_read_at(dfd, "cgroup.controllers", &available) < 0)
		return lv_err(err, errno, "read \"%s/cgroup.controllers\"", path);
	_cleanup_free_ char *mount = NULL;
	_cleanup_error_ lv_error *no_mount = NULL;
	size_t mlen = 0;
	if (cg_find_mount(&mount, &no_mount) == 0)
		mlen = strlen(mount);
	if (!mount || strncmp(path, mount, mlen) || path[mlen] != '/') {
		free(mount); /* not below the mount: name the cgroup itself */
		mount = strdup(path);
	}
	if (!mount)
		return lv_err(err, ENOMEM, "update cgroup \"%s\"", path);
	if (enable_missing(mount, path, &w, &available, err) < 0)
		return lv_err_wrap(err, "update cgroup \"%s\"", path);
	if (cg_check_controllers(&w, available, mount, err) < 0)
		return -1;
	if (apply_writes(dfd, path, &w, err) < 0)
		return lv_err_wrap(err, "update cgroup \"%s\"", path);
	if (r->devices.v) {
		_cleanup_free_ cg_dev_rule *rules = NULL;
		size_t n;
		if (cg_dev_rules_from_spec(NULL, r, &rules, &n, err) < 0 ||
		    cg_dev_apply(dfd, rules, n, err) < 0)
			return lv_err_wrap(err, "update cgroup \"%s\"", path);
	}
	return 0;
}
