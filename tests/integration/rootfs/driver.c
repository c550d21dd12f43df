/* rootfs-driver: the rootfs API alone, a minimal stand-in for `lieve run`,
 * for rootfs tests of what the lifecycle does not call (yet) and for running
 * the whole rootfs suite without it (LIEVE_ROOTFS_DRIVER=1).
 *
 *   rootfs-driver [--no-pivot] [--console] [--cgroup-path DIR] BUNDLE
 *
 * Reads BUNDLE/config.json, builds the rootfs plan, clones a child in new
 * mount and pid namespaces (plus user, network, ipc, uts, cgroup ones when
 * the config asks), writes its id maps, and has it run rootfs_prepare,
 * rootfs_pivot and rootfs_finalize before exec'ing process.args.  Errors are
 * printed as one line on stderr, exit status 1; otherwise the container's
 * exit status is ours. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec/config.h"
#include "src/error.h"
#include "src/rootfs/rootfs.h"

extern char **environ;

static bool has_ns(const spec_config *c, int type)
{
	if (!c->linux_)
		return false;
	for (size_t i = 0; i < c->linux_->namespaces.n; i++)
		if (c->linux_->namespaces.v[i].type == type)
			return true;
	return false;
}

static int write_file(pid_t pid, const char *name, const char *data)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, data, strlen(data));
	close(fd);
	return n == (ssize_t)strlen(data) ? 0 : -1;
}

static int write_maps(pid_t pid, const char *file, const spec_id_mappings *m)
{
	char buf[4096] = "";
	size_t len = 0;
	for (size_t i = 0; i < m->n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
					m->v[i].container_id, m->v[i].host_id, m->v[i].size);
	return write_file(pid, file, buf);
}

/* The runtime's idmapped mounts travel to init over a socket. */
static int send_fds(int sock, const int *fds, size_t n)
{
	char byte = 'f';
	struct iovec iov = { &byte, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 64)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n > 64)
		return -1;
	if (n) {
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fds(int sock, int *fds, size_t *n)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 64)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };

	*n = 0;
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS) {
		*n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), sizeof(int) * *n);
	}
	return 0;
}

static int child(const spec_config *cfg, rootfs_plan *plan, bool userns, int console_fd,
		 int sync_fd, int err_fd)
{
	lv_error *err = NULL;
	int userns_fd = -1;

	int fds[64];
	size_t nfds;

	if (recv_fds(sync_fd, fds, &nfds) < 0)
		_exit(1);
	if (rootfs_idmapped_adopt(plan, fds, nfds, &err) < 0)
		goto fail;
	if (userns) {
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			lv_err(&err, errno, "become root in the user namespace");
			goto fail;
		}
		userns_fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	}
	if (rootfs_prepare(plan, console_fd, userns_fd, &err) < 0 ||
	    rootfs_pivot(plan, &err) < 0 || rootfs_finalize(plan, &err) < 0)
		goto fail;
	/* what the lifecycle writes through /proc goes through a verified fd */
	if (getenv("DRIVER_OOM_SCORE_ADJ")) {
		int proc = rootfs_proc_fd(&err);
		if (proc < 0)
			goto fail;
		int fd = openat(proc, "self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		const char *v = getenv("DRIVER_OOM_SCORE_ADJ");
		if (fd < 0 || write(fd, v, strlen(v)) < 0) {
			lv_err(&err, errno, "write /proc/self/oom_score_adj");
			goto fail;
		}
		close(fd);
		close(proc);
	}
	const spec_process *p = cfg->process;
	if (setgroups(0, NULL) < 0 && !userns) {
		lv_err(&err, errno, "setgroups");
		goto fail;
	}
	if (setresgid((gid_t)p->user.gid, (gid_t)p->user.gid, (gid_t)p->user.gid) < 0 ||
	    setresuid((uid_t)p->user.uid, (uid_t)p->user.uid, (uid_t)p->user.uid) < 0) {
		lv_err(&err, errno, "set the user");
		goto fail;
	}
	if (chdir(p->cwd ? p->cwd : "/") < 0) {
		lv_err(&err, errno, "chdir \"%s\"", p->cwd);
		goto fail;
	}
	if (!p->args.n) {
		lv_err(&err, 0, "process.args is empty");
		goto fail;
	}
	environ = p->env.v ? p->env.v : (char *[]){ NULL };
	execvp(p->args.v[0], p->args.v);
	lv_err(&err, errno, "exec \"%s\"", p->args.v[0]);
fail:
	lv_err_send(err_fd, err);
	_exit(1);
}

static int open_console(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return -1;
	const char *name = ptsname(m);
	return name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
}

int main(int argc, char **argv)
{
	rootfs_options opts = { .new_mount_ns = true };
	bool want_console = false;
	int i = 1;
	lv_error *err = NULL;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--no-pivot") == 0)
			opts.no_pivot = true;
		else if (strcmp(argv[i], "--console") == 0)
			want_console = true;
		else if (strcmp(argv[i], "--cgroup-path") == 0 && i + 1 < argc)
			opts.cgroup_path = argv[++i];
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: %s [--no-pivot] [--console] [--cgroup-path DIR] BUNDLE\n", argv[0]);
		return 2;
	}
	const char *bundle = argv[i];
	char *path;
	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return 1;
	spec_config *cfg = NULL;
	if (spec_config_load(path, "config.json", &cfg, &err) < 0) {
		fprintf(stderr, "%s\n", err->msg);
		return 1;
	}
	if (!cfg->process) {
		fprintf(stderr, "config.json: no process\n");
		return 1;
	}
	opts.userns = has_ns(cfg, SPEC_NS_USER);
	opts.cgroupns = has_ns(cfg, SPEC_NS_CGROUP);

	rootfs_plan *plan;
	if (rootfs_plan_build(cfg, bundle, &opts, &plan, &err) < 0) {
		fprintf(stderr, "%s\n", err->msg);
		lv_err_free(err);
		spec_config_free(cfg);
		free(path);
		return 1;
	}
	int console_fd = want_console ? open_console() : -1;
	if (want_console && console_fd < 0) {
		perror("console");
		return 1;
	}

	int sync[2], errp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0 ||
	    pipe2(errp, O_CLOEXEC) < 0)
		return 1;
	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | SIGCHLD;
	if (opts.userns)
		flags |= CLONE_NEWUSER;
	if (has_ns(cfg, SPEC_NS_NETWORK))
		flags |= CLONE_NEWNET;
	if (has_ns(cfg, SPEC_NS_IPC))
		flags |= CLONE_NEWIPC;
	if (has_ns(cfg, SPEC_NS_UTS))
		flags |= CLONE_NEWUTS;
	if (opts.cgroupns)
		flags |= CLONE_NEWCGROUP;
	pid_t pid = (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
	if (pid < 0) {
		perror("clone");
		return 1;
	}
	if (pid == 0) {
		close(sync[1]);
		close(errp[0]);
		child(cfg, plan, opts.userns, console_fd, sync[0], errp[1]);
	}
	close(sync[0]);
	close(errp[1]);
	if (opts.userns && (write_maps(pid, "uid_map", &cfg->linux_->uid_mappings) < 0 ||
			    write_maps(pid, "gid_map", &cfg->linux_->gid_mappings) < 0)) {
		perror("id maps");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	int *fds = NULL;
	size_t nfds = 0;
	if (rootfs_idmapped_count(plan) > 0) {
		char nspath[64];
		snprintf(nspath, sizeof(nspath), "/proc/%d/ns/user", (int)pid);
		int nsfd = open(nspath, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0 || rootfs_idmapped_open(plan, nsfd, &fds, &nfds, &err) < 0) {
			fprintf(stderr, "%s\n", err ? err->msg : "open the user namespace");
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 1;
		}
		close(nsfd);
	}
	if (send_fds(sync[1], fds, nfds) < 0)
		return 1;
	for (size_t k = 0; k < nfds; k++)
		close(fds[k]);
	free(fds);
	close(sync[1]);
	lv_error *child_err = NULL;
	int r = lv_err_recv(errp[0], &child_err, &err);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 1)
		fprintf(stderr, "%s\n", child_err->msg);
	lv_err_free(child_err);
	lv_err_free(err);
	rootfs_plan_free(plan);
	spec_config_free(cfg);
	free(path);
	if (r == 1)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
