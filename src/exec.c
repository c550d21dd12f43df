/* `exec`: a new process in every namespace and the cgroup of a running
 * container, with the process settings of the spec. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/console.h"
#include "src/log.h"
#include "src/container.h"
#include "src/sync.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

typedef struct {
	const lv_exec_opts *o;
	lv_store_handle *store;
	proc_plan *proc;
	sc_filter *seccomp;
	pid_t init_pid;
	int init_pidfd, root_fd, cgroup_fd;
	bool cgroupns_left; /* set in the intermediate: the child joins it */
	int console_sock, console_peer;
	int sync_parent, sync_child;
} exec_job;

static int strv_replace(spec_strv *v, const char *const *items)
{
	size_t n = 0;
	while (items[n])
		n++;
	char **nv = calloc(n + 1, sizeof(char *));
	if (!nv)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(nv[i] = strdup(items[i])))
			return lv_strvfreep(&nv), -1;
	lv_strvfreep(&v->v);
	v->v = nv;
	v->n = n;
	return 0;
}

/* Appends an entry; with key_len > 0, replaces the entry with the same key. */
static int strv_put(spec_strv *v, const char *item, size_t key_len)
{
	for (size_t i = 0; key_len && i < v->n; i++) {
		if (strncmp(v->v[i], item, key_len) == 0) {
			char *d = strdup(item);
			if (!d)
				return -1;
			free(v->v[i]);
			v->v[i] = d;
			return 0;
		}
	}
	char **nv = realloc(v->v, (v->n + 2) * sizeof(char *));
	if (!nv)
		return -1;
	v->v = nv;
	if (!(nv[v->n] = strdup(item)))
		return -1;
	nv[++v->n] = NULL;
	return 0;
}

static int parse_user(const char *s, spec_user *u, lv_error **err)
{
	char *end;
	unsigned long uid = strtoul(s, &end, 10), gid = u->gid;
	if (end == s || (*end && *end != ':'))
		return lv_err(err, 0, "--user \"%s\": expected uid[:gid]", s);
	if (*end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (end == g || *end)
			return lv_err(err, 0, "--user \"%s\": expected uid[:gid]", s);
	}
	u->uid = uid;
	u->gid = gid;
	return 0;
}

static int apply_overrides(spec_process *p, const lv_exec_opts *o, lv_error **err)
{
	if (o->args && o->args[0] && strv_replace(&p->args, o->args) < 0)
		return lv_err(err, ENOMEM, "exec");
	for (size_t i = 0; o->env && o->env[i]; i++) {
		const char *eq = strchr(o->env[i], '=');
		if (strv_put(&p->env, o->env[i], eq ? (size_t)(eq - o->env[i]) + 1 : 0) < 0)
			return lv_err(err, ENOMEM, "exec");
	}
	if (o->cwd) {
		free(p->cwd);
		p->cwd = strdup(o->cwd);
	}
	if (o->user && parse_user(o->user, &p->user, err) < 0)
		return -1;
	for (size_t i = 0; o->additional_gids && o->additional_gids[i]; i++) {
		char *end;
		unsigned long g = strtoul(o->additional_gids[i], &end, 10);
		if (*end || end == o->additional_gids[i])
			return lv_err(err, 0, "--additional-gids \"%s\": expected a number",
				      o->additional_gids[i]);
		uint64_t *nv = realloc(p->user.additional_gids.v,
				       (p->user.additional_gids.n + 1) * sizeof(uint64_t));
		if (!nv)
			return lv_err(err, ENOMEM, "exec");
		p->user.additional_gids.v = nv;
		nv[p->user.additional_gids.n++] = g;
	}
	if (o->caps && o->caps[0]) {
		if (!p->capabilities && !(p->capabilities = calloc(1, sizeof(*p->capabilities))))
			return lv_err(err, ENOMEM, "exec");
		spec_capabilities *c = p->capabilities;
		spec_strv *sets[] = { &c->bounding, &c->effective, &c->permitted, &c->inheritable, &c->ambient };
		for (size_t i = 0; o->caps[i]; i++)
			for (size_t k = 0; k < 5; k++)
				if (strv_put(sets[k], o->caps[i], strlen(o->caps[i]) + 1) < 0)
					return lv_err(err, ENOMEM, "exec");
	}
	p->terminal = o->tty;
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = strdup(o->apparmor);
	}
	if (o->process_label) {
		free(p->selinux_label);
		p->selinux_label = strdup(o->process_label);
	}
	return 0;
}

static int load_process(lv_opened *c, const lv_exec_opts *o, spec_process **owned,
			const spec_process **proc, lv_error **err)
{
	if (o->process_file) {
		_cleanup_free_ char *raw = NULL;
		size_t len = 0;
		if (lv_read_file(o->process_file, &raw, &len, 16u << 20, err) < 0 ||
		    spec_process_parse(raw, len, o->process_file, owned, err) < 0)
			return -1;
		*proc = *owned;
		return 0;
	}
	if (!o->args || !o->args[0])
		return lv_err(err, 0, "exec: no command given (arguments or --process)");
	if (!c->cfg->process)
		return lv_err(err, 0, "config.json: process: missing required property");
	if (apply_overrides(c->cfg->process, o, err) < 0)
		return -1;
	*proc = c->cfg->process;
	return 0;
}

static int load_seccomp(lv_opened *c, sc_filter **out, lv_error **err)
{
	_cleanup_free_ char *path = NULL, *data = NULL;
	size_t len = 0;
	if (asprintf(&path, "%s/%s", c->store.path, LV_SECCOMP_FILE) < 0)
		return lv_err(err, ENOMEM, "exec");
	if (access(path, F_OK) < 0)
		return 0;
	if (lv_read_file(path, &data, &len, 16u << 20, err) < 0)
		return -1;
	if (sc_filter_deserialize(data, len, out, err) < 0)
		return -1;
	size_t n = 0;
	sc_filter_program(*out, &n);
	/* exec latency matters (probes): the filter compiled at create is reused. */
	lv_debug("seccomp: loaded the stored filter (%zu BPF instructions), nothing compiled", n);
	return 0;
}

/* The exec'd process, in the container's namespaces, not yet in its root. */
static __attribute__((noreturn)) void exec_child(exec_job *j)
{
	lv_error *e = NULL;
	lv_signals_reset_child();
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Cloned into the container's cgroup: now its cgroup namespace. */
	if (j->cgroupns_left && setns(j->init_pidfd, CLONE_NEWCGROUP) < 0) {
		lv_err(&e, errno, "join the cgroup namespace of pid %d", j->init_pid);
		goto fail;
	}
	if (fchdir(j->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		lv_err(&e, errno, "enter the container's root");
		goto fail;
	}
	close(j->root_fd);
	if (j->proc->terminal &&
	    lv_console_setup(j->console_sock, j->proc->console_height, j->proc->console_width,
			     false, &e) < 0)
		goto fail;
	if (proc_apply_privileged(j->proc, &e) < 0 || proc_resolve_in_container(j->proc, false, &e) < 0)
		goto fail;
	if (j->seccomp && !j->proc->no_new_privileges && sc_install(j->seccomp, NULL, &e) < 0)
		goto fail;
	if (proc_apply_identity(j->proc, &e) < 0)
		goto fail;
	if (j->seccomp && j->proc->no_new_privileges && sc_install(j->seccomp, NULL, &e) < 0)
		goto fail;
	if (proc_close_fds(j->o->preserve_fds, &e) < 0)
		goto fail;
	/* On success the sync socket closes with exec (CLOEXEC): that is the signal. */
	proc_exec(j->proc, &e);
fail:
	lv_sync_send_error(j->sync_child, e);
	_exit(127);
}

static int spawn(exec_job *j, pid_t *pid, int *pidfd, lv_error **err)
{
	pid_t mid = fork();
	if (mid < 0)
		return lv_err(err, errno, "fork");
	if (mid == 0) {
		lv_error *e = NULL;
		bool joined_pid = false;
		close(j->sync_parent);
		lv_store_drop_fds(j->store);
		if (ns_join_container(j->init_pid, j->init_pidfd, &joined_pid, &j->cgroupns_left,
				      &e) < 0)
			goto fail;
		int fd = -1;
		struct clone_args a = { .flags = CLONE_PARENT | CLONE_PIDFD,
					.pidfd = (uint64_t)(uintptr_t)&fd };
		if (j->cgroup_fd >= 0) {
			a.flags |= CLONE_INTO_CGROUP;
			a.cgroup = (uint64_t)j->cgroup_fd;
		}
		pid_t child = lv_clone3(&a);
		if (child == 0)
			exec_child(j);
		if (child < 0) {
			lv_err(&e, errno, "clone the exec process");
			goto fail;
		}
		lv_sync_send(j->sync_child, LV_SYNC_PIDFD, fd, &e);
		_exit(0);
	fail:
		lv_sync_send_error(j->sync_child, e);
		_exit(1);
	}
	close(j->sync_child);
	j->sync_child = -1;
	int st;
	int r = lv_sync_expect(j->sync_parent, LV_SYNC_PIDFD, pidfd, err);
	while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -1;
	*pid = lv_pidfd_pid(*pidfd);
	return 0;
}

static int open_handles(exec_job *j, lv_opened *c, lv_error **err)
{
	j->init_pid = (pid_t)c->rec->pid;
	j->init_pidfd = lv_pidfd_open_checked(j->init_pid, c->rec->pid_start_time);
	if (j->init_pidfd < 0)
		return lv_err(err, 0, "container is not running");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/root", j->init_pid);
	j->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (j->root_fd < 0)
		return lv_err(err, errno, "open the container's root");
	if (c->rec->cgroup_path) {
		_cleanup_free_ char *cg = NULL;
		if (asprintf(&cg, "%s%s%s", c->rec->cgroup_path, j->o->cgroup ? "/" : "",
			     j->o->cgroup ? j->o->cgroup : "") < 0)
			return lv_err(err, ENOMEM, "exec");
		j->cgroup_fd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (j->cgroup_fd < 0)
			return lv_err(err, errno, "open cgroup \"%s\"", cg);
	}
	if (j->proc->terminal) {
		if (j->o->console_socket) {
			j->console_sock = lv_console_connect(j->o->console_socket, err);
			if (j->console_sock < 0)
				return -1;
		} else if (j->o->detach) {
			return lv_err(err, 0, "--tty needs --console-socket with --detach");
		} else {
			int sv[2];
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
				return lv_err(err, errno, "console socket pair");
			j->console_peer = sv[0];
			j->console_sock = sv[1];
		}
	} else if (j->o->console_socket) {
		return lv_err(err, 0, "--console-socket given without --tty");
	}
	int sv[2];
	if (lv_sync_pair(sv, err) < 0)
		return -1;
	j->sync_parent = sv[0];
	j->sync_child = sv[1];
	return 0;
}

static void close_job(exec_job *j)
{
	int *fds[] = { &j->init_pidfd, &j->root_fd, &j->cgroup_fd, &j->console_sock,
		       &j->console_peer, &j->sync_parent, &j->sync_child };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		lv_close_reset(fds[i]);
	proc_plan_free(j->proc);
	sc_filter_free(j->seccomp);
}

static int exec_in(lv_opened *c, exec_job *j, int *exit_status, lv_error **err)
{
	pid_t pid = -1;
	_cleanup_close_ int pidfd = -1, master = -1;
	if (open_handles(j, c, err) < 0 || spawn(j, &pid, &pidfd, err) < 0)
		return -1;
	if (j->console_peer >= 0 && lv_console_recv(j->console_peer, &master, err) < 0)
		goto reap;
	int type;
	if (lv_sync_recv(j->sync_parent, &type, NULL, err) < 0)
		goto reap;
	if (j->o->pid_file && lv_write_pid_file(j->o->pid_file, pid, err) < 0)
		return -1;
	*exit_status = 0;
	if (j->o->detach)
		return 0;
	/* Release the container lock while the process runs. */
	lv_close_container(c);
	int status = 0;
	if (lv_foreground_wait(pid, pidfd, master, &status, err) < 0)
		return -1;
	*exit_status = lv_wait_status_code(status);
	return 0;
reap:
	lv_pidfd_send_signal(pidfd, SIGKILL);
	while (waitpid(pid, &type, 0) < 0 && errno == EINTR)
		;
	return -1;
}

int lv_exec(const lv_context *ctx, const lv_exec_opts *o, int *exit_status, lv_error **err)
{
	sigset_t old;
	if (!o->detach)
		lv_signals_block(&old);
	lv_opened c;
	exec_job j = { .o = o, .init_pidfd = -1, .root_fd = -1, .cgroup_fd = -1,
		       .console_sock = -1, .console_peer = -1, .sync_parent = -1, .sync_child = -1 };
	_cleanup_process_ spec_process *owned = NULL;
	const spec_process *proc = NULL;
	int r = lv_open_container(ctx, o->id, false, true, &c, err);
	if (r < 0)
		goto out;
	if (strcmp(c.status, "stopped") == 0 || strcmp(c.status, "creating") == 0)
		r = lv_err(err, 0, "cannot exec in a %s container", c.status);
	else if (strcmp(c.status, "paused") == 0 && !o->ignore_paused)
		r = lv_err(err, 0, "cannot exec in a paused container (use --ignore-paused)");
	if (r == 0)
		r = load_process(&c, o, &owned, &proc, err);
	if (r == 0)
		r = proc_plan_build(proc, &j.proc, err);
	if (r == 0)
		r = load_seccomp(&c, &j.seccomp, err);
	j.store = &c.store;
	if (r == 0)
		r = exec_in(&c, &j, exit_status, err);
	lv_close_container(&c);
	close_job(&j);
out:
	if (!o->detach)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return r < 0 ? lv_err_wrap(err, "exec in container \"%s\"", o->id) : 0;
}
