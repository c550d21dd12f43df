/* `run`: create + start, then in the foreground wait for the container,
 * forwarding signals (and proxying the terminal), and delete it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/console.h"
#include "src/container.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

static int start_created(lv_container *c, lv_error **err)
{
	lv_opened o = { .store = c->store, .cfg = c->cfg, .status = "created" };
	if (lv_store_read_record(&c->store, &o.rec, err) < 0)
		return -1;
	int r = lv_start_opened(&o, err);
	lv_record_free(o.rec);
	return r;
}

static int cleanup_after_exit(const lv_context *ctx, const char *id, lv_error **err)
{
	lv_opened o;
	if (lv_open_container(ctx, id, true, true, &o, err) < 0)
		return -1;
	int r = 0;
	if (strcmp(o.status, "stopped") != 0)
		r = lv_kill_all_and_wait(&o, err);
	if (r == 0)
		r = lv_destroy_opened(&o, err);
	lv_close_container(&o);
	return r;
}

int lv_run(const lv_context *ctx, const lv_create_opts *o, int *exit_status, lv_error **err)
{
	sigset_t old;
	bool foreground = !o->detach;
	if (foreground)
		lv_signals_block(&old);
	lv_container *c = NULL;
	int r = lv_container_prepare(ctx, o, &c, err);
	if (r < 0)
		goto out;
	_cleanup_close_ int master = -1;
	r = lv_container_spawn(c, o->console_socket, err);
	if (r == 0 && c->foreground_tty)
		r = lv_console_recv(c->console_peer, &master, err);
	if (r == 0 && o->pid_file)
		r = lv_write_pid_file(o->pid_file, c->pid, err);
	if (r == 0)
		r = start_created(c, err);
	if (r < 0) {
		lv_container_abort(c);
		goto out;
	}
	*exit_status = 0;
	if (!foreground)
		goto out;
	/* Others (state, kill, exec) must get the lock while we wait. */
	lv_store_close(&c->store);
	c->store_open = false;
	int status = 0;
	r = lv_foreground_wait(c->pid, c->pidfd, master, &status, err);
	if (r == 0) {
		*exit_status = lv_wait_status_code(status);
		if (!o->keep)
			r = cleanup_after_exit(ctx, o->id, err);
	}
out:
	lv_container_free(c);
	if (foreground)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return r < 0 ? lv_err_wrap(err, "run container \"%s\"", o->id) : 0;
}
