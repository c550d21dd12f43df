/* Handing a seccomp listener fd to the agent at linux.seccomp.listenerPath,
 * as runtime-spec's "containerProcessState" describes: one message on a
 * unix stream socket, the JSON as data, the fd as SCM_RIGHTS. */
#include "src/seccomp/seccomp.h"
#include "src/util/fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "src/seccomp/internal.h"
#include "src/util/cleanup.h"

static void yajl_gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

static void yajl_tree_freep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}

static yajl_gen_status gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* Re-emits a parsed JSON value, so the state the caller wrote is embedded
 * as an object rather than as a string. */
static yajl_gen_status gen_tree(yajl_gen g, yajl_val v)
{
	yajl_gen_status s = yajl_gen_status_ok;
	if (YAJL_IS_OBJECT(v)) {
		s = yajl_gen_map_open(g);
		for (size_t i = 0; s == yajl_gen_status_ok && i < v->u.object.len; i++) {
			s = gen_str(g, v->u.object.keys[i]);
			if (s == yajl_gen_status_ok)
				s = gen_tree(g, v->u.object.values[i]);
		}
		return s == yajl_gen_status_ok ? yajl_gen_map_close(g) : s;
	}
	if (YAJL_IS_ARRAY(v)) {
		s = yajl_gen_array_open(g);
		for (size_t i = 0; s == yajl_gen_status_ok && i < v->u.array.len; i++)
			s = gen_tree(g, v->u.array.values[i]);
		return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
	}
	if (YAJL_IS_STRING(v))
		return gen_str(g, v->u.string);
	if (YAJL_IS_NUMBER(v))
		return yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		return yajl_gen_bool(g, YAJL_IS_TRUE(v));
	return yajl_gen_null(g);
}

static int build_json(const sc_filter *f, pid_t pid, yajl_val state, yajl_gen g, lv_error **err)
{
	yajl_gen_status s = yajl_gen_map_open(g);
#define GEN(expr) if (s == yajl_gen_status_ok) s = (expr)
	GEN(gen_str(g, "ociVersion"));
	GEN(gen_str(g, SPEC_OCI_VERSION));
	GEN(gen_str(g, "fds"));
	GEN(yajl_gen_array_open(g));
	GEN(gen_str(g, "seccompFd"));
	GEN(yajl_gen_array_close(g));
	GEN(gen_str(g, "pid"));
	GEN(yajl_gen_integer(g, pid));
	if (f->listener_metadata) {
		GEN(gen_str(g, "metadata"));
		GEN(gen_str(g, f->listener_metadata));
	}
	GEN(gen_str(g, "state"));
	GEN(gen_tree(g, state));
	GEN(yajl_gen_map_close(g));
#undef GEN
	if (s != yajl_gen_status_ok)
		return lv_err(err, 0, "seccomp notify: build the container process state (yajl status %d)", s);
	return 0;
}

static int send_with_fd(int sock, const void *buf, size_t len, int fd, const char *path,
			lv_error **err)
{
	ssize_t n = lv_send_fd(sock, buf, len, fd);
	if (n < 0)
		return lv_err(err, errno, "seccomp notify: send to \"%s\"", path);
	if ((size_t)n != len) /* the fd went with the first byte; the rest must follow */
		return lv_err(err, 0, "seccomp notify: short send to \"%s\" (%zd of %zu bytes)", path, n, len);
	return 0;
}

int sc_notify_send_pid(const sc_filter *f, int notify_fd, pid_t pid, const char *state_json,
		       lv_error **err)
{
	__attribute__((cleanup(yajl_tree_freep))) yajl_val state = NULL;
	__attribute__((cleanup(yajl_gen_freep))) yajl_gen g = NULL;
	char why[256] = "";
	const char *path = f->listener_path;

	if (!path)
		return lv_err(err, 0, "seccomp notify: the filter has no listenerPath");
	state = yajl_tree_parse(state_json, why, sizeof(why));
	if (!state || !YAJL_IS_OBJECT(state))
		return lv_err(err, 0, "seccomp notify: the container state is not a JSON object%s%s",
			      *why ? ": " : "", why);
	if (!(g = yajl_gen_alloc(NULL)))
		return lv_err(err, ENOMEM, "seccomp notify");
	if (build_json(f, pid, state, g, err) < 0)
		return -1;
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);

	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path))
		return lv_err(err, 0, "seccomp notify: listenerPath \"%s\" is too long", path);
	strcpy(addr.sun_path, path);
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return lv_err(err, errno, "seccomp notify: socket");
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return lv_err(err, errno, "seccomp notify: connect to listenerPath \"%s\"", path);
	return send_with_fd(sock, buf, len, notify_fd, path, err);
}

int sc_notify_send(const sc_filter *f, int notify_fd, const char *state_json, lv_error **err)
{
	__attribute__((cleanup(yajl_tree_freep))) yajl_val state = NULL;
	const char *pid_key[] = { "pid", NULL };
	state = yajl_tree_parse(state_json, NULL, 0);
	yajl_val pid = state ? yajl_tree_get(state, pid_key, yajl_t_number) : NULL;
	if (!pid || !YAJL_IS_INTEGER(pid) || YAJL_GET_INTEGER(pid) <= 0)
		return lv_err(err, 0, "seccomp notify: the container state has no \"pid\"");
	return sc_notify_send_pid(f, notify_fd, (pid_t)YAJL_GET_INTEGER(pid), state_json, err);
}

int sc_notify_fd_fetch(pid_t pid, int remote_fd, int *fd, lv_error **err)
{
	*fd = -1;
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return lv_err(err, errno, "seccomp notify: pidfd_open %d", (int)pid);
	int r = (int)syscall(SYS_pidfd_getfd, pidfd, remote_fd, 0);
	if (r < 0)
		return lv_err(err, errno, "seccomp notify: take fd %d from process %d", remote_fd, (int)pid);
	*fd = r;
	return 0;
}
