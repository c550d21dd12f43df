/* `start`, `kill`, `delete`: the state machine after create. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/container.h"
#include "src/hooks.h"
#include "src/log.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

static void run_warn_hooks(lv_opened *o, const spec_hooks_list *list, const char *kind,
			   const char *status)
{
	if (!list || !list->n)
		return;
	lv_error *e = NULL;
	_cleanup_free_ char *state = NULL;
	if (lv_state_doc(o->rec->id, status, (pid_t)o->rec->pid, o->rec->bundle,
			 &o->rec->annotations, false, &state, &e) < 0) {
		lv_warn("%s hooks: %s", kind, e->msg);
		lv_err_free(e);
		return;
	}
	lv_hooks_run_warn(list, kind, state);
}

int lv_start_opened(lv_opened *o, lv_error **err)
{
	if (strcmp(o->status, "created") != 0)
		return lv_err(err, 0, "cannot start a container that is %s", o->status);
	_cleanup_close_ int fifo = openat(o->store.dir_fd, LV_FIFO_FILE,
					  O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return lv_err(err, errno == ENXIO ? ESRCH : errno, "release container init");
	if (write(fifo, "0", 1) != 1)
		return lv_err(err, errno, "release container init");
	/* poststart comes after the user's program started: init holds the
	 * read end until its execve (or its death) closes it, and a pipe with
	 * no reader left reports POLLERR to its writer. */
	struct pollfd p = { fifo, 0, 0 };
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	if (unlinkat(o->store.dir_fd, LV_FIFO_FILE, 0) < 0)
		return lv_err(err, errno, "remove \"%s/%s\"", o->store.path, LV_FIFO_FILE);
	free(o->rec->status);
	o->rec->status = strdup("running");
	o->status = "running";
	if (lv_store_write_record(&o->store, o->rec, err) < 0)
		return -1;
	run_warn_hooks(o, o->cfg && o->cfg->hooks ? &o->cfg->hooks->poststart : NULL,
		       "poststart", "running");
	return 0;
}

int lv_start(const lv_context *ctx, const char *id, lv_error **err)
{
	lv_opened o;
	if (lv_open_container(ctx, id, true, true, &o, err) < 0)
		return -1;
	int r = lv_start_opened(&o, err);
	lv_close_container(&o);
	return r < 0 ? lv_err_wrap(err, "start container \"%s\"", id) : 0;
}

static int signal_init(lv_opened *o, int sig, lv_error **err)
{
	_cleanup_close_ int pidfd = lv_pidfd_open_checked((pid_t)o->rec->pid, o->rec->pid_start_time);
	if (pidfd < 0)
		return lv_err(err, 0, "container is not running");
	if (lv_pidfd_send_signal(pidfd, sig) < 0)
		return lv_err(err, errno, "send signal %d to pid %ld", sig, (long)o->rec->pid);
	return 0;
}

int lv_kill(const lv_context *ctx, const lv_kill_opts *k, lv_error **err)
{
	lv_opened o;
	if (lv_open_container(ctx, k->id, false, false, &o, err) < 0)
		return -1;
	int r;
	if (strcmp(o.status, "stopped") == 0 || strcmp(o.status, "creating") == 0)
		r = lv_err(err, 0, "container is not running");
	else if (k->all && o.rec->cgroup_path)
		r = cg_kill(o.rec->cgroup_path, k->signal, err);
	else
		r = signal_init(&o, k->signal, err);
	lv_close_container(&o);
	return r < 0 ? lv_err_wrap(err, "kill container \"%s\"", k->id) : 0;
}

static int wait_gone(int pidfd, int timeout_ms)
{
	struct pollfd p = { pidfd, POLLIN, 0 };
	int r;
	while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	return r > 0 ? 0 : -1;
}

int lv_kill_all_and_wait(lv_opened *o, lv_error **err)
{
	_cleanup_close_ int pidfd = lv_pidfd_open_checked((pid_t)o->rec->pid, o->rec->pid_start_time);
	if (o->rec->cgroup_path && cg_kill(o->rec->cgroup_path, SIGKILL, err) < 0)
		return -1;
	if (pidfd < 0)
		return 0;
	if (lv_pidfd_send_signal(pidfd, SIGKILL) < 0 && errno != ESRCH)
		return lv_err(err, errno, "kill pid %ld", (long)o->rec->pid);
	/* Our own child (a foreground run) must be reaped to be gone. */
	siginfo_t si;
	waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG);
	if (wait_gone(pidfd, 10000) < 0)
		return lv_err(err, ETIMEDOUT, "wait for pid %ld to exit", (long)o->rec->pid);
	o->status = "stopped";
	return 0;
}

int lv_destroy_opened(lv_opened *o, lv_error **err)
{
	run_warn_hooks(o, o->cfg && o->cfg->hooks ? &o->cfg->hooks->poststop : NULL, "poststop",
		       "stopped");
	/* Without a pid namespace of its own, the container's processes outlive
	 * its init: end them, as runc's destroy() does, or the cgroup stays. */
	_cleanup_error_ lv_error *ignored = NULL;
	if (o->rec->cgroup_path)
		cg_kill(o->rec->cgroup_path, SIGKILL, &ignored);
	if (o->rec->cgroup_path && cg_remove(o->rec->cgroup_path, o->rec->systemd_cgroup, err) < 0)
		return -1;
	return lv_store_remove(&o->store, err);
}

int lv_delete(const lv_context *ctx, const lv_delete_opts *d, lv_error **err)
{
	lv_opened o;
	if (lv_open_container(ctx, d->id, true, true, &o, err) < 0) {
		/* runc: deleting what does not exist is fine with --force. */
		if (d->force && *err && (*err)->errnum == ENOENT) {
			lv_err_freep(err);
			return 0;
		}
		return -1;
	}
	int r = 0;
	bool live = strcmp(o.status, "running") == 0 || strcmp(o.status, "paused") == 0;
	if (live && !d->force)
		r = lv_err(err, 0, "cannot delete a container that is %s (use --force)", o.status);
	else if (strcmp(o.status, "stopped") != 0)
		r = lv_kill_all_and_wait(&o, err);
	if (r == 0)
		r = lv_destroy_opened(&o, err);
	lv_close_container(&o);
	return r < 0 ? lv_err_wrap(err, "delete container \"%s\"", d->id) : 0;
}
