/* The compiled filter as data: stored with the container, loaded with the
 * raw syscall.  Nothing here calls libseccomp, so exec pays only for a
 * read of the state file and one seccomp(2). */
#include "src/seccomp/seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/seccomp/internal.h"
#include "src/util/cleanup.h"

/* Serialised layout, host byte order (the state never leaves the host):
 * header, then len instructions, then the listener path and metadata. */
#define SC_MAGIC 0x4353564cu /* "LVSC" */
#define SC_VERSION 1u
#define SC_ABSENT UINT32_MAX /* string length of a field that is not set */

struct sc_header {
	uint32_t magic, version;
	uint32_t flags, notify;
	uint32_t len, path_len, meta_len, reserved;
};

long sc_sys_seccomp(unsigned int op, unsigned int flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

void sc_filter_free(sc_filter *f)
{
	if (!f)
		return;
	free(f->prog);
	free(f->listener_path);
	free(f->listener_metadata);
	free(f);
}

void sc_filter_freep(sc_filter **f)
{
	sc_filter_free(*f);
}

bool sc_filter_wants_notify(const sc_filter *f)
{
	return f->notify;
}

const struct sock_filter *sc_filter_program(const sc_filter *f, size_t *len)
{
	*len = f->len;
	return f->prog;
}

unsigned int sc_filter_flags(const sc_filter *f)
{
	unsigned int flags = f->flags;
	if (f->notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC and a listener are only allowed together when a thread
		 * that cannot sync makes the call fail rather than name itself. */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	} else {
		/* Nothing to wait for without a listener; the kernel refuses the
		 * flag alone, and leaving it out changes no behaviour. */
		flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	return flags;
}

const char *sc_filter_listener_path(const sc_filter *f)
{
	return f->listener_path;
}

const char *sc_filter_listener_metadata(const sc_filter *f)
{
	return f->listener_metadata;
}

static uint32_t str_len(const char *s)
{
	return s ? (uint32_t)strlen(s) : SC_ABSENT;
}

int sc_filter_serialize(const sc_filter *f, void **data, size_t *len, lv_error **err)
{
	struct sc_header h = {
		.magic = SC_MAGIC, .version = SC_VERSION,
		.flags = f->flags, .notify = f->notify,
		.len = (uint32_t)f->len,
		.path_len = str_len(f->listener_path),
		.meta_len = str_len(f->listener_metadata),
	};
	size_t prog = f->len * sizeof(*f->prog);
	size_t path = f->listener_path ? h.path_len : 0;
	size_t meta = f->listener_metadata ? h.meta_len : 0;
	size_t total = sizeof(h) + prog + path + meta;
	char *buf = malloc(total);
	if (!buf)
		return lv_err(err, ENOMEM, "serialise seccomp filter");
	char *p = buf;
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	memcpy(p, f->prog, prog);
	p += prog;
	if (path)
		memcpy(p, f->listener_path, path);
	if (meta)
		memcpy(p + path, f->listener_metadata, meta);
	*data = buf;
	*len = total;
	return 0;
}

/* Copies a string field out of the buffer, advancing *p. */
static int take_str(const char **p, uint32_t n, char **out, lv_error **err)
{
	if (n == SC_ABSENT)
		return 0;
	*out = strndup(*p, n);
	if (!*out)
		return lv_err(err, ENOMEM, "deserialise seccomp filter");
	if (strlen(*out) != n)
		return lv_err(err, 0, "deserialise seccomp filter: string with an embedded NUL");
	*p += n;
	return 0;
}

int sc_filter_deserialize(const void *data, size_t len, sc_filter **out, lv_error **err)
{
	struct sc_header h;
	*out = NULL;
	if (len < sizeof(h))
		return lv_err(err, 0, "deserialise seccomp filter: %zu bytes, shorter than the header", len);
	memcpy(&h, data, sizeof(h));
	if (h.magic != SC_MAGIC || h.version != SC_VERSION)
		return lv_err(err, 0, "deserialise seccomp filter: not a version %u lieve seccomp filter",
			      SC_VERSION);
	if (h.len == 0 || h.len > BPF_MAXINSNS)
		return lv_err(err, 0, "deserialise seccomp filter: %u instructions, expected 1-%d", h.len,
			      BPF_MAXINSNS);
	size_t want = sizeof(h) + (size_t)h.len * sizeof(struct sock_filter) +
		      (h.path_len == SC_ABSENT ? 0 : h.path_len) +
		      (h.meta_len == SC_ABSENT ? 0 : h.meta_len);
	if (len != want)
		return lv_err(err, 0, "deserialise seccomp filter: %zu bytes, expected %zu", len, want);
	_cleanup_sc_filter_ sc_filter *f = calloc(1, sizeof(*f));
	if (!f || !(f->prog = malloc((size_t)h.len * sizeof(*f->prog))))
		return lv_err(err, ENOMEM, "deserialise seccomp filter");
	const char *p = (const char *)data + sizeof(h);
	f->len = h.len;
	memcpy(f->prog, p, f->len * sizeof(*f->prog));
	p += f->len * sizeof(*f->prog);
	f->flags = h.flags;
	f->notify = h.notify != 0;
	if (take_str(&p, h.path_len, &f->listener_path, err) < 0 ||
	    take_str(&p, h.meta_len, &f->listener_metadata, err) < 0)
		return -1;
	*out = steal_ptr(f);
	return 0;
}

int sc_install(const sc_filter *f, int *notify_fd, lv_error **err)
{
	struct sock_fprog prog = { .len = (unsigned short)f->len, .filter = f->prog };
	if (notify_fd)
		*notify_fd = -1;
	if (f->notify && !notify_fd)
		return lv_err(err, 0, "install seccomp filter: it notifies but the caller takes no listener fd");
	long r = sc_sys_seccomp(SECCOMP_SET_MODE_FILTER, sc_filter_flags(f), &prog);
	if (r < 0 && errno == EACCES)
		return lv_err(err, errno, "install seccomp filter (needs no_new_privs or CAP_SYS_ADMIN)");
	if (r < 0)
		return lv_err(err, errno, "install seccomp filter of %zu instructions with flags 0x%x",
			      f->len, sc_filter_flags(f));
	if (f->notify)
		*notify_fd = (int)r;
	return 0;
}
