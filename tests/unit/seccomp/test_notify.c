/* SCMP_ACT_NOTIFY: a supervisor answers the container's syscalls, and the
 * runtime hands the listener fd to the agent at listenerPath. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define DIR_PATH "/nonexistent-lieve-dir/sub"

static sc_filter *notify_filter(const char *listener, const char *metadata)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	s->listener_path = strdup(listener);
	if (metadata)
		s->listener_metadata = strdup(metadata);
	t_rule(s, SPEC_ACT_NOTIFY, "mkdir,mkdirat");
	sc_filter *f = t_compile(s);
	t_free(s);
	return f;
}

/* Two mkdirs: the supervisor fails the first with EDQUOT and fakes success
 * for the second (the directory's parent does not even exist). */
static int two_mkdirs(void *arg)
{
	(void)arg;
	if (mkdirat(AT_FDCWD, DIR_PATH, 0700) != -1 || errno != EDQUOT)
		return 1;
	if (mkdir(DIR_PATH, 0700) != 0)
		return 2;
	return 0;
}

static void answer(int listener, pid_t pid, int want_nr, int error)
{
	struct seccomp_notif req;
	memset(&req, 0, sizeof(req));
	cr_assert_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req), 0, "NOTIF_RECV: %s",
		     strerror(errno));
	cr_assert_eq(req.pid, (unsigned)pid);
	cr_assert_eq(req.data.nr, want_nr);
	struct seccomp_notif_resp resp = { .id = req.id, .error = error, .val = 0 };
	cr_assert_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0, "NOTIF_SEND: %s",
		     strerror(errno));
}

static void wait_ok(pid_t pid)
{
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

Test(notify, supervisor_answers_mkdir)
{
	sc_filter *f = notify_filter("/run/unused.sock", NULL);
	cr_assert(sc_filter_wants_notify(f));
	int listener, go;
	pid_t pid = t_spawn_notify(f, two_mkdirs, NULL, &listener, &go);
	t_release(go);
	answer(listener, pid, SYS_mkdirat, -EDQUOT);
	answer(listener, pid, SYS_mkdir, 0);
	wait_ok(pid);
	close(listener);
	sc_filter_free(f);
	struct stat st;
	cr_assert_lt(stat(DIR_PATH, &st), 0);
}

static char *tmp_dir(void)
{
	char *d = strdup("/tmp/lieve-sc-test-XXXXXX");
	cr_assert(mkdtemp(d));
	return d;
}

static int listen_at(const char *path)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	strcpy(a.sun_path, path);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s, 1), 0);
	return s;
}

/* Receives one message and one SCM_RIGHTS fd. */
static char *recv_state(int conn, int *fd)
{
	static char buf[4096];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.b, .msg_controllen = sizeof(control.b) };
	ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	cr_assert_gt(n, 0);
	buf[n] = 0;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	cr_assert(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS);
	memcpy(fd, CMSG_DATA(c), sizeof(int));
	return buf;
}

static int one_mkdir(void *arg)
{
	(void)arg;
	return mkdirat(AT_FDCWD, DIR_PATH, 0700) == -1 && errno == EROFS ? 0 : 1;
}

Test(notify, send_state_and_fd_to_the_agent)
{
	char *dir = tmp_dir();
	char sock[256];
	snprintf(sock, sizeof(sock), "%s/agent.sock", dir);
	int srv = listen_at(sock);
	sc_filter *f = notify_filter(sock, "meta-data \"x\"");
	int listener, go;
	pid_t pid = t_spawn_notify(f, one_mkdir, NULL, &listener, &go);

	const char *state = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\","
			    "\"pid\":4242,\"bundle\":\"/b\",\"annotations\":{\"a\":\"b\"}}";
	lv_error *err = NULL;
	cr_assert_eq(sc_notify_send(f, listener, state, &err), 0, "%s", err ? err->msg : "");
	close(listener);
	int conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC), got = -1;
	cr_assert_geq(conn, 0);
	char *json = recv_state(conn, &got);
	cr_assert_str_eq(json,
		"{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":4242,"
		"\"metadata\":\"meta-data \\\"x\\\"\",\"state\":{\"ociVersion\":\"1.2.0\","
		"\"id\":\"c1\",\"status\":\"creating\",\"pid\":4242,\"bundle\":\"/b\","
		"\"annotations\":{\"a\":\"b\"}}}");
	char link[64] = "";
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", got);
	cr_assert_gt(readlink(proc, link, sizeof(link) - 1), 0);
	cr_assert_str_eq(link, "anon_inode:seccomp notify");

	/* The agent's copy is the live listener: it answers the child. */
	t_release(go);
	answer(got, pid, SYS_mkdirat, -EROFS);
	wait_ok(pid);
	close(got);
	close(conn);
	close(srv);
	unlink(sock);
	rmdir(dir);
	free(dir);
	sc_filter_free(f);
}

Test(notify, send_pid_overrides_the_state_pid)
{
	char *dir = tmp_dir();
	char sock[256];
	snprintf(sock, sizeof(sock), "%s/agent.sock", dir);
	int srv = listen_at(sock);
	sc_filter *f = notify_filter(sock, NULL);
	lv_error *err = NULL;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), got = -1;
	cr_assert_eq(sc_notify_send_pid(f, fd, 77, "{\"pid\":1,\"status\":\"running\"}", &err), 0);
	int conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	cr_assert_str_eq(recv_state(conn, &got),
		"{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":77,"
		"\"state\":{\"pid\":1,\"status\":\"running\"}}");
	close(got);
	close(conn);
	close(fd);
	close(srv);
	unlink(sock);
	rmdir(dir);
	free(dir);
	sc_filter_free(f);
}

Test(notify, send_errors)
{
	sc_filter *f = notify_filter("/nonexistent-lieve-dir/agent.sock", NULL);
	lv_error *err = NULL;
	cr_assert_lt(sc_notify_send(f, 0, "{\"status\":\"creating\"}", &err), 0);
	cr_assert_str_eq(err->msg, "seccomp notify: the container state has no \"pid\"");
	lv_err_free(err);
	err = NULL;
	cr_assert_lt(sc_notify_send(f, 0, "[1,2", &err), 0);
	cr_assert_str_eq(err->msg, "seccomp notify: the container state has no \"pid\"");
	lv_err_free(err);
	err = NULL;
	cr_assert_lt(sc_notify_send(f, 0, "{\"pid\":5}", &err), 0);
	cr_assert_str_eq(err->msg, "seccomp notify: connect to listenerPath \"/nonexistent-lieve-dir/agent.sock\": No such file or directory");
	lv_err_free(err);
	sc_filter_free(f);
}
