/* `state`, `list` and the status of a container. */
#include "src/status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "lieve-config.h"
#include "spec/config.h"
#include "src/cgroups/cgroup.h"
#include "src/lifecycle.h"
#include "src/util/cleanup.h"

int lv_proc_start_time(pid_t pid, uint64_t *start_time, bool *zombie)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may contain spaces and parentheses: fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ') {
		errno = EINVAL;
		return -1;
	}
	p += 2;
	char state = *p;
	/* p is at field 3 (state); skip to field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p) {
			errno = EINVAL;
			return -1;
		}
		p++;
	}
	*start_time = strtoull(p, NULL, 10);
	if (zombie)
		*zombie = state == 'Z' || state == 'X' || state == 'x';
	return 0;
}

void lv_format_created(const struct timespec *ts, char buf[static 40])
{
	struct tm tm;
	gmtime_r(&ts->tv_sec, &tm);
	size_t n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	if (ts->tv_nsec > 0) {
		n += (size_t)snprintf(buf + n, 40 - n, ".%09ld", ts->tv_nsec);
		while (buf[n - 1] == '0')
			n--;
	}
	snprintf(buf + n, 40 - n, "Z");
}

bool lv_record_init_alive(const lv_record *r)
{
	if (r->pid <= 0)
		return false;
	uint64_t start;
	bool zombie;
	if (lv_proc_start_time((pid_t)r->pid, &start, &zombie) < 0)
		return false;
	return !zombie && start == r->pid_start_time;
}

const char *lv_record_status(const lv_record *r, bool exec_fifo)
{
	if (lv_record_init_alive(r)) {
		if (exec_fifo)
			return "created";
		bool frozen = false;
		lv_error *e = NULL;
		if (r->cgroup_path && cg_is_frozen(r->cgroup_path, &frozen, &e) == 0 && frozen)
			return "paused";
		lv_err_free(e);
		return "running";
	}
	if (r->pid <= 0 && r->status && !strcmp(r->status, "creating"))
		return "creating";
	return "stopped";
}

int lv_container_status(const char *root, const char *id, const char **status,
			lv_error **err)
{
	_cleanup_record_ lv_record *r = NULL;
	bool fifo;
	if (lv_store_peek_record(root, id, &r, &fifo, err) < 0)
		return -1;
	*status = lv_record_status(r, fifo);
	return 0;
}

void lv_summaries_free(lv_summary *items, size_t n)
{
	if (!items)
		return;
	for (size_t i = 0; i < n; i++) {
		free(items[i].id);
		free(items[i].status);
		free(items[i].bundle);
		free(items[i].created);
		free(items[i].owner);
		free(items[i].rootfs);
	}
	free(items);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int summary_fill(lv_summary *s, const lv_record *r, bool fifo)
{
	const char *status = lv_record_status(r, fifo);
	s->pid = strcmp(status, "stopped") ? r->pid : 0;
	s->id = dup_or_empty(r->id);
	s->status = dup_or_empty(status);
	s->bundle = dup_or_empty(r->bundle);
	s->created = dup_or_empty(r->created);
	s->owner = dup_or_empty(r->owner);
	s->rootfs = dup_or_empty(r->rootfs);
	return s->id && s->status && s->bundle && s->created && s->owner && s->rootfs
		       ? 0 : -1;
}

int lv_list(const lv_context *ctx, lv_summary **items, size_t *n, lv_error **err)
{
	_cleanup_strv_ char **ids = NULL;
	if (lv_store_list(ctx->root, &ids, err) < 0)
		return -1;
	size_t count = 0;
	while (ids[count])
		count++;
	lv_summary *out = calloc(count + 1, sizeof(*out));
	if (!out)
		return lv_err(err, ENOMEM, "list containers");
	size_t used = 0;
	for (size_t i = 0; i < count; i++) {
		_cleanup_record_ lv_record *r = NULL;
		_cleanup_error_ lv_error *e = NULL;
		bool fifo;
		/* A container removed meanwhile, or one half-created, is
		 * skipped as runc skips what it cannot load. */
		if (lv_store_peek_record(ctx->root, ids[i], &r, &fifo, &e) < 0)
			continue;
		if (summary_fill(&out[used++], r, fifo) < 0) {
			lv_summaries_free(out, used);
			return lv_err(err, ENOMEM, "list containers");
		}
	}
	*items = out;
	*n = used;
	return 0;
}

static yajl_gen_status gen_kv(yajl_gen g, const char *k, const char *v)
{
	yajl_gen_status st = yajl_gen_string(g, (const unsigned char *)k, strlen(k));
	return st ? st : yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

/* runc's `state` document: the runtime-spec state plus rootfs, created and
 * owner, in runc's key order. */
static yajl_gen_status gen_state(yajl_gen g, const lv_record *r, const char *status,
				 int64_t pid)
{
	yajl_gen_status st = yajl_gen_map_open(g);
	st = st ? st : gen_kv(g, "ociVersion", SPEC_OCI_VERSION);
	st = st ? st : gen_kv(g, "id", r->id);
	st = st ? st : yajl_gen_string(g, (const unsigned char *)"pid", 3);
	st = st ? st : yajl_gen_integer(g, pid);
	st = st ? st : gen_kv(g, "status", status);
	st = st ? st : gen_kv(g, "bundle", r->bundle ? r->bundle : "");
	st = st ? st : gen_kv(g, "rootfs", r->rootfs ? r->rootfs : "");
	st = st ? st : gen_kv(g, "created", r->created ? r->created : "");
	if (!st && r->annotations.n > 0) {
		st = yajl_gen_string(g, (const unsigned char *)"annotations", 11);
		st = st ? st : yajl_gen_map_open(g);
		for (size_t i = 0; !st && i < r->annotations.n; i++)
			st = gen_kv(g, r->annotations.v[i].key, r->annotations.v[i].value);
		st = st ? st : yajl_gen_map_close(g);
	}
	st = st ? st : gen_kv(g, "owner", r->owner ? r->owner : "");
	return st ? st : yajl_gen_map_close(g);
}

int lv_state_json(const lv_context *ctx, const char *id, char **json,
		  lv_error **err)
{
	_cleanup_record_ lv_record *r = NULL;
	bool fifo;
	if (lv_store_peek_record(ctx->root, id, &r, &fifo, err) < 0)
		return -1;
	const char *status = lv_record_status(r, fifo);
	int64_t pid = strcmp(status, "stopped") ? r->pid : 0;
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return lv_err(err, ENOMEM, "state of container \"%s\"", id);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	const unsigned char *buf;
	size_t len;
	int ret = 0;
	if (gen_state(g, r, status, pid) != yajl_gen_status_ok ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		ret = lv_err(err, 0, "state of container \"%s\": JSON generator failed", id);
	else if (!(*json = strndup((const char *)buf, len)))
		ret = lv_err(err, ENOMEM, "state of container \"%s\"", id);
	yajl_gen_free(g);
	return ret;
}
