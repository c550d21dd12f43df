/* The container's init: executes the plan prepared by `create`, waits for
 * `start`, then becomes the user's program.  Never returns: any failure is
 * sent to the runtime as one error line, then init exits. */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/console.h"
#include "src/container.h"
#include "src/hooks.h"
#include "src/sync.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

static int set_names(const spec_config *cfg, lv_error **err)
{
	if (cfg->hostname && cfg->hostname[0] &&
	    sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return lv_err(err, errno, "set hostname \"%s\"", cfg->hostname);
	if (cfg->domainname && cfg->domainname[0] &&
	    setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return lv_err(err, errno, "set domainname \"%s\"", cfg->domainname);
	return 0;
}

/* After pivot_root, through the container's own (verified) /proc. */
static int write_sysctls(const spec_linux *l, lv_error **err)
{
	for (size_t i = 0; l && i < l->sysctl.n; i++) {
		const spec_kv *kv = &l->sysctl.v[i];
		_cleanup_free_ char *path = NULL;
		if (asprintf(&path, "/proc/sys/%s", kv->key) < 0)
			return lv_err(err, ENOMEM, "sysctl");
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (lv_write_file(path, kv->value, strlen(kv->value), err) < 0)
			return lv_err_wrap(err, "linux.sysctl \"%s\"", kv->key);
	}
	return 0;
}

static int container_state(lv_container *c, const char *status, char **json, lv_error **err)
{
	return lv_state_doc(c->id, status, c->pid, c->bundle,
			    &c->cfg->annotations, false, json, err);
}

static int join_session_keyring(const char *id)
{
	_cleanup_free_ char *name = NULL;
	if (asprintf(&name, "_ses.%s", id) < 0)
		return -1;
	/* Kernels without keyrings, or a keyring quota reached: runc carries on. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 &&
	    errno != ENOSYS && errno != EACCES && errno != EDQUOT)
		return -1;
	return 0;
}

/* Waits for GO; before it, the runtime may send the idmapped mounts it made
 * for us. */
static int receive_idmapped_mounts(lv_container *c, lv_error **err)
{
	size_t want = rootfs_idmapped_count(c->rootfs), n = 0;
	_cleanup_free_ int *fds = calloc(want ? want : 1, sizeof(int));
	if (!fds)
		return lv_err(err, ENOMEM, "idmapped mounts");
	for (;;) {
		int type, fd = -1;
		if (lv_sync_recv(c->sync_child, &type, &fd, err) < 0)
			return -1;
		if (type == LV_SYNC_GO)
			break;
		if (type != LV_SYNC_IDMAP_FD || n == want) {
			if (fd >= 0)
				close(fd);
			return lv_err(err, EPROTO, "sync with the runtime: unexpected message %d", type);
		}
		fds[n++] = fd;
	}
	if (n && rootfs_idmapped_adopt(c->rootfs, fds, n, err) < 0)
		return -1;
	return 0;
}

static int setup_namespaces(lv_container *c, lv_error **err)
{
	if (c->init_waits && receive_idmapped_mounts(c, err) < 0)
		return -1;
	if (c->ns.new_ns[SPEC_NS_USER] && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return lv_err(err, errno, "become root in the user namespace");
	if (c->ns.new_ns[SPEC_NS_TIME] && ns_enter_new_time(c->cfg->linux_, err) < 0)
		return -1;
	if (c->ns.new_ns[SPEC_NS_UTS] && set_names(c->cfg, err) < 0)
		return -1;
	if (c->ns.new_ns[SPEC_NS_NETWORK] && ns_loopback_up(err) < 0)
		return -1;
	return 0;
}

static int setup_rootfs(lv_container *c, lv_error **err)
{
	_cleanup_close_ int userns = -1;
	if (c->userns)
		userns = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	if (rootfs_prepare(c->rootfs, -1, userns, err) < 0)
		return -1;
	const spec_hooks *h = c->cfg->hooks;
	if (h && (h->prestart.n || h->create_runtime.n)) {
		if (lv_sync_send(c->sync_child, LV_SYNC_HOOKS_RUNTIME, -1, err) < 0 ||
		    lv_sync_expect(c->sync_child, LV_SYNC_HOOKS_DONE, NULL, err) < 0)
			return -1;
	}
	if (h && h->create_container.n) {
		_cleanup_free_ char *state = NULL;
		if (container_state(c, "creating", &state, err) < 0 ||
		    lv_hooks_run(&h->create_container, "createContainer", state, err) < 0)
			return -1;
	}
	if (rootfs_pivot(c->rootfs, err) < 0)
		return -1;
	if (c->proc->terminal &&
	    lv_console_setup(c->console_sock, c->proc->console_height, c->proc->console_width,
			     true, err) < 0)
		return -1;
	if (c->cfg->linux_ && write_sysctls(c->cfg->linux_, err) < 0)
		return -1;
	return rootfs_finalize(c->rootfs, err);
}

static int setup_process(lv_container *c, lv_error **err)
{
	if (proc_apply_privileged(c->proc, err) < 0 || proc_resolve_in_container(c->proc, true, err) < 0)
		return -1;
	if (!c->no_new_keyring && join_session_keyring(c->id) < 0)
		return lv_err(err, errno, "join session keyring");
	/* A notify listener must reach the runtime while it is still there. */
	if (c->seccomp && sc_filter_wants_notify(c->seccomp)) {
		int nfd = -1;
		if (c->proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return lv_err(err, errno, "set no_new_privs");
		if (sc_install(c->seccomp, &nfd, err) < 0)
			return -1;
		int r = lv_sync_send(c->sync_child, LV_SYNC_NOTIFY_FD, nfd, err);
		close(nfd);
		if (r < 0)
			return -1;
	}
	return 0;
}

static void wait_for_start(int fifo)
{
	struct pollfd p = { fifo, POLLIN, 0 };
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	char b;
	while (read(fifo, &b, 1) < 0 && errno == EINTR)
		;
	/* Kept open (close-on-exec): `start` waits for the last reader to go,
	 * which is our exec of the user's program, to run poststart after it. */
}

/* After start: the last steps, in the order seccomp needs (without
 * no_new_privs the filter goes in while we still hold CAP_SYS_ADMIN). */
static int become_user_program(lv_container *c, lv_error **err)
{
	const spec_hooks *h = c->cfg->hooks;
	if (h && h->start_container.n) {
		_cleanup_free_ char *state = NULL;
		if (container_state(c, "created", &state, err) < 0 ||
		    lv_hooks_run(&h->start_container, "startContainer", state, err) < 0)
			return -1;
	}
	bool seccomp_now = c->seccomp && !sc_filter_wants_notify(c->seccomp);
	if (seccomp_now && !c->proc->no_new_privileges && sc_install(c->seccomp, NULL, err) < 0)
		return -1;
	if (proc_apply_identity(c->proc, err) < 0)
		return -1;
	if (seccomp_now && c->proc->no_new_privileges && sc_install(c->seccomp, NULL, err) < 0)
		return -1;
	if (proc_close_fds(c->preserve_fds, err) < 0)
		return -1;
	return proc_exec(c->proc, err);
}

void lv_init_main(lv_container *c)
{
	lv_error *err = NULL;
	int sync = c->sync_child;
	if (c->sync_parent >= 0)
		close(c->sync_parent);
	if (c->console_peer >= 0)
		close(c->console_peer);
	/* flock() belongs to the open file: our copy of the state lock would
	 * keep `start` waiting behind us forever. */
	lv_store_drop_fds(&c->store);
	/* Nothing of the host that init does not need stays open in it. */
	if (c->cgroup_fd >= 0)
		close(c->cgroup_fd);
	c->cgroup_fd = -1;
	/* In the container's cgroup now: a cgroup namespace to join is ours. */
	if (ns_join_cgroup_path(&c->ns, &err) < 0)
		goto fail;
	ns_plan_release(&c->ns);
	lv_signals_reset_child();
	/* /proc is still the host's here: "self" names us in the host pid namespace. */
	char self[32] = "";
	if (readlink("/proc/self", self, sizeof(self) - 1) > 0)
		c->pid = (pid_t)strtol(self, NULL, 10);
	/* Until ready, init must not outlive a runtime that died. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Not dumpable: nothing in the container may open our /proc/PID/exe. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (setup_namespaces(c, &err) < 0 || setup_rootfs(c, &err) < 0 ||
	    setup_process(c, &err) < 0)
		goto fail;
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (lv_sync_send(sync, LV_SYNC_READY, -1, &err) < 0)
		_exit(1);
	close(sync);
	c->sync_child = -1;
	wait_for_start(c->fifo_fd);
	if (become_user_program(c, &err) < 0) {
		/* The runtime is gone: our stderr is the container's. */
		dprintf(2, "lieve: %s\n", err ? err->msg : "container init failed");
		_exit(127);
	}
	_exit(127);
fail:
	lv_sync_send_error(sync, err);
	_exit(1);
}
