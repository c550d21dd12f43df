/* `create`: bundle → plan → state directory, cgroup, init waiting for start. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spec/state.h"
#include "src/console.h"
#include "src/container.h"
#include "src/hooks.h"
#include "src/log.h"
#include "src/status.h"
#include "src/sync.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

#define CONFIG_MAX (64u << 20)

static lv_container *container_new(void)
{
	lv_container *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	for (int i = 0; i < SPEC_NS_COUNT; i++)
		c->ns.join_fd[i] = -1;
	c->console_sock = c->console_peer = c->fifo_fd = c->cgroup_fd = -1;
	c->sync_parent = c->sync_child = c->pidfd = -1;
	return c;
}

void lv_container_free(lv_container *c)
{
	if (!c)
		return;
	if (c->store_open)
		lv_store_close(&c->store);
	lv_close_reset(&c->console_sock);
	lv_close_reset(&c->console_peer);
	lv_close_reset(&c->fifo_fd);
	lv_close_reset(&c->cgroup_fd);
	lv_close_reset(&c->sync_parent);
	lv_close_reset(&c->sync_child);
	lv_close_reset(&c->pidfd);
	ns_plan_release(&c->ns);
	rootfs_plan_free(c->rootfs);
	proc_plan_free(c->proc);
	cg_plan_free(c->cg);
	sc_filter_free(c->seccomp);
	spec_config_free(c->cfg);
	free(c->bundle);
	free(c->owner);
	free(c->id);
	free(c);
}

/* LISTEN_FDS from a socket-activating parent pass through to the container. */
static int listen_fds(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	/* Only descriptors meant for us: systemd names the receiving pid. */
	if (!fds || !pid || strtol(pid, NULL, 10) != getpid())
		return 0;
	long n = strtol(fds, NULL, 10);
	return n > 0 && n < 1024 ? (int)n : 0;
}

static int plan_io(lv_container *c, const lv_create_opts *o, bool foreground, lv_error **err)
{
	bool terminal = c->cfg->process->terminal;
	if (terminal && !o->console_socket) {
		if (!foreground)
			return lv_err(err, 0, "process.terminal is true: --console-socket is required when the runtime does not stay in the foreground");
		c->foreground_tty = true;
	}
	if (!terminal && o->console_socket)
		return lv_err(err, 0, "--console-socket given but process.terminal is false");
	int lfds = listen_fds();
	c->preserve_fds = o->preserve_fds > lfds ? o->preserve_fds : lfds;
	if (lfds) {
		char buf[32];
		snprintf(buf, sizeof(buf), "LISTEN_FDS=%d", lfds);
		if (proc_env_add(c->proc, buf) < 0 || proc_env_add(c->proc, "LISTEN_PID=1") < 0)
			return lv_err(err, ENOMEM, "LISTEN_FDS");
	}
	return 0;
}

static int load_config(lv_container *c, lv_error **err)
{
	_cleanup_free_ char *path = NULL;
	if (asprintf(&path, "%s/%s", c->bundle, LV_CONFIG_FILE) < 0)
		return lv_err(err, ENOMEM, "config.json");
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	if (lv_read_file(path, &raw, &len, CONFIG_MAX, err) < 0)
		return -1;
	if (spec_config_parse(raw, len, LV_CONFIG_FILE, &c->cfg, err) < 0)
		return -1;
	if (!c->cfg->process)
		return lv_err(err, 0, "config.json: process: missing required property");
	if (!c->cfg->root)
		return lv_err(err, 0, "config.json: root: missing required property");
	return 0;
}

/* Parsed for round trips, but not implemented: refused, never ignored. */
static int refuse_unsupported(const spec_linux *l, lv_error **err)
{
	if (!l)
		return 0;
	if (l->intel_rdt)
		return lv_err(err, 0, "linux.intelRdt: not supported by lieve");
	if (l->net_devices.n)
		return lv_err(err, 0, "linux.netDevices: not supported by lieve");
	if (l->memory_policy)
		return lv_err(err, 0, "linux.memoryPolicy: not supported by lieve");
	return 0;
}

static int plan_container(lv_container *c, const lv_create_opts *o, bool foreground,
			  lv_error **err)
{
	if (refuse_unsupported(c->cfg->linux_, err) < 0)
		return -1;
	if (ns_plan_build(c->cfg, &c->ns, err) < 0)
		return -1;
	if (!c->ns.new_ns[SPEC_NS_MOUNT] && c->ns.join_fd[SPEC_NS_MOUNT] < 0)
		return lv_err(err, 0, "linux.namespaces: a mount namespace is required");
	/* Setting a root filesystem up inside someone else's mount namespace
	 * would change theirs: refused rather than half-done. */
	if (c->ns.join_fd[SPEC_NS_MOUNT] >= 0)
		return lv_err(err, 0, "linux.namespaces: joining a mount namespace by path is not supported; use a new one");
	if (cg_plan_build(c->cfg, c->id, c->ctx->systemd_cgroup, &c->cg, err) < 0)
		return -1;
	for (const char *const *w = cg_plan_warnings(c->cg); w && *w; w++)
		lv_warn("%s", *w);
	c->userns = c->ns.new_ns[SPEC_NS_USER] || c->ns.join_fd[SPEC_NS_USER] >= 0;
	c->init_waits = c->ns.new_ns[SPEC_NS_USER] || ns_plan_has_joins(&c->ns);
	rootfs_options ro = {
		.no_pivot = o->no_pivot,
		.userns = c->userns,
		.cgroupns = c->ns.new_ns[SPEC_NS_CGROUP],
		.new_mount_ns = c->ns.new_ns[SPEC_NS_MOUNT],
		.cgroup_path = cg_plan_path(c->cg),
	};
	if (rootfs_plan_build(c->cfg, c->bundle, &ro, &c->rootfs, err) < 0)
		return -1;
	if (proc_plan_build(c->cfg->process, &c->proc, err) < 0)
		return -1;
	if (c->cfg->linux_ && proc_plan_set_personality(c->proc, c->cfg->linux_->personality, err) < 0)
		return -1;
	if (plan_io(c, o, foreground, err) < 0)
		return -1;
	if (c->cfg->linux_ && c->cfg->linux_->seccomp) {
		if (sc_compile(c->cfg->linux_->seccomp, &c->seccomp, err) < 0)
			return -1;
		size_t n = 0;
		sc_filter_program(c->seccomp, &n);
		lv_debug("seccomp: compiled linux.seccomp into %zu BPF instructions", n);
	}
	return 0;
}

int lv_container_prepare(const lv_context *ctx, const lv_create_opts *o,
			 lv_container **out, lv_error **err)
{
	if (lv_id_validate(o->id, err) < 0)
		return -1;
	lv_container *c = container_new();
	if (!c)
		return lv_err(err, ENOMEM, "create");
	c->ctx = ctx;
	c->no_pivot = o->no_pivot;
	c->no_new_keyring = o->no_new_keyring;
	c->id = strdup(o->id);
	const char *b = o->bundle && o->bundle[0] ? o->bundle : ".";
	c->bundle = realpath(b, NULL);
	if (!c->id || !c->bundle) {
		lv_err(err, errno, "bundle \"%s\"", b);
		goto fail;
	}
	if (load_config(c, err) < 0 || plan_container(c, o, !o->detach, err) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	lv_container_free(c);
	return -1;
}

static int write_record(lv_container *c, const char *status, lv_error **err)
{
	char created[40];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	lv_format_created(&now, created);
	/* Looked up once: NSS is not free, and the record is written three times. */
	if (!c->owner) {
		struct passwd *pw = getpwuid(geteuid());
		if (pw)
			c->owner = strdup(pw->pw_name);
		else if (asprintf(&c->owner, "%u", geteuid()) < 0)
			c->owner = NULL;
		if (!c->owner)
			return lv_err(err, ENOMEM, "container owner");
	}
	uint64_t start = 0;
	if (c->pid > 0 && lv_proc_start_time(c->pid, &start, NULL) < 0)
		return lv_err(err, errno, "read the start time of pid %d", c->pid);
	lv_record r = {
		.id = c->id,
		.bundle = c->bundle,
		.rootfs = (char *)rootfs_plan_path(c->rootfs),
		.created = created,
		.owner = c->owner,
		.status = (char *)status,
		.pid = c->pid,
		.pid_start_time = start,
		.cgroup_path = c->cg ? (char *)cg_plan_path(c->cg) : NULL,
		.systemd_cgroup = c->ctx->systemd_cgroup,
		.annotations = c->cfg->annotations,
	};
	return lv_store_write_record(&c->store, &r, err);
}

int lv_state_doc(const char *id, const char *status, pid_t pid, const char *bundle,
		 const spec_map *annotations, bool indent, char **json, lv_error **err)
{
	spec_state st = {
		.oci_version = (char *)SPEC_OCI_VERSION,
		.id = (char *)id,
		.status = (char *)status,
		.pid = pid,
		.bundle = (char *)bundle,
	};
	if (annotations)
		st.annotations = *annotations;
	return spec_state_write(&st, indent, json, NULL, err);
}

static int run_runtime_hooks(lv_container *c, lv_error **err)
{
	_cleanup_free_ char *state = NULL;
	const spec_hooks *h = c->cfg->hooks;
	if (lv_state_doc(c->id, "creating", c->pid, c->bundle, &c->cfg->annotations, false,
			 &state, err) < 0)
		return -1;
	if (lv_hooks_run(&h->prestart, "prestart", state, err) < 0 ||
	    lv_hooks_run(&h->create_runtime, "createRuntime", state, err) < 0)
		return -1;
	return 0;
}

static int hand_over_notify_fd(lv_container *c, int fd, lv_error **err)
{
	_cleanup_close_ int nfd = fd;
	_cleanup_free_ char *state = NULL;
	if (lv_state_doc(c->id, "creating", c->pid, c->bundle, &c->cfg->annotations, false,
			 &state, err) < 0)
		return -1;
	return sc_notify_send(c->seccomp, nfd, state, err);
}

/* Direct path: one clone3 creates init in all its new namespaces and cgroup. */
static int clone_init(lv_container *c, uint64_t extra, lv_error **err)
{
	struct clone_args a = {
		.flags = (c->ns.new_flags & ~(uint64_t)CLONE_NEWTIME) | CLONE_PIDFD | extra,
		.pidfd = (uint64_t)(uintptr_t)&c->pidfd,
		.exit_signal = (extra & CLONE_PARENT) ? 0 : SIGCHLD,
	};
	if (c->cgroup_fd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)c->cgroup_fd;
	}
	pid_t pid = lv_clone3(&a);
	if (pid == 0)
		lv_init_main(c);
	if (pid < 0)
		return lv_err(err, errno, "clone container init");
	return pid;
}

/* Joined namespaces must be entered before new ones are created (and a
 * joined pid namespace only applies to children), so an intermediate
 * process joins them and clones init as our sibling-child (CLONE_PARENT). */
static int spawn_via_intermediate(lv_container *c, lv_error **err)
{
	pid_t mid = fork();
	if (mid < 0)
		return lv_err(err, errno, "fork");
	if (mid == 0) {
		lv_error *e = NULL;
		lv_close_reset(&c->sync_parent);
		if (ns_join_paths(&c->ns, &e) < 0 || clone_init(c, CLONE_PARENT, &e) < 0) {
			lv_sync_send_error(c->sync_child, e);
			_exit(1);
		}
		lv_sync_send(c->sync_child, LV_SYNC_PIDFD, c->pidfd, &e);
		_exit(0);
	}
	int st, fd = -1;
	int r = lv_sync_expect(c->sync_parent, LV_SYNC_PIDFD, &fd, err);
	while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -1;
	c->pidfd = fd;
	c->pid = lv_pidfd_pid(fd);
	return 0;
}

static int spawn_init(lv_container *c, lv_error **err)
{
	if (ns_plan_has_joins(&c->ns))
		return spawn_via_intermediate(c, err);
	pid_t pid = clone_init(c, 0, err);
	if (pid < 0)
		return -1;
	c->pid = pid;
	return 0;
}

/* Idmapped mounts need privilege over the host filesystem, which init in
 * its user namespace lacks: we make them and hand them over. */
static int send_idmapped_mounts(lv_container *c, lv_error **err)
{
	if (rootfs_idmapped_count(c->rootfs) == 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", c->pid);
	_cleanup_close_ int userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return lv_err(err, errno, "open \"%s\"", path);
	_cleanup_free_ int *fds = NULL;
	size_t n = 0;
	if (rootfs_idmapped_open(c->rootfs, userns, &fds, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (r == 0)
			r = lv_sync_send(c->sync_parent, LV_SYNC_IDMAP_FD, fds[i], err);
		close(fds[i]);
	}
	return r;
}

/* Serves init until it reports ready: id maps, runtime hooks, notify fd. */
static int drive_init(lv_container *c, lv_error **err)
{
	if (c->ns.new_ns[SPEC_NS_USER] &&
	    (ns_write_id_maps(c->pid, c->cfg->linux_, err) < 0 || send_idmapped_mounts(c, err) < 0))
		return -1;
	if (c->init_waits && lv_sync_send(c->sync_parent, LV_SYNC_GO, -1, err) < 0)
		return -1;
	for (;;) {
		int type, fd = -1;
		if (lv_sync_recv(c->sync_parent, &type, &fd, err) < 0)
			return -1;
		switch (type) {
		case LV_SYNC_HOOKS_RUNTIME:
			if (run_runtime_hooks(c, err) < 0 ||
			    lv_sync_send(c->sync_parent, LV_SYNC_HOOKS_DONE, -1, err) < 0)
				return -1;
			break;
		case LV_SYNC_NOTIFY_FD:
			if (hand_over_notify_fd(c, fd, err) < 0)
				return -1;
			break;
		case LV_SYNC_READY:
			return 0;
		case 0:
			return lv_err(err, 0, "container init exited during setup");
		default:
			if (fd >= 0)
				close(fd);
			return lv_err(err, EPROTO, "sync with container init: unexpected message %d", type);
		}
	}
}

static int write_runtime_doc(lv_container *c, lv_error **err)
{
	spec_config doc = {
		.oci_version = c->cfg->oci_version,
		.process = c->cfg->process,
		.hooks = c->cfg->hooks,
	};
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	if (spec_config_write(&doc, &json, &len, err) < 0)
		return -1;
	return lv_store_write_file(&c->store, LV_RUNTIME_FILE, json, len, err);
}

static int prepare_state(lv_container *c, lv_error **err)
{
	if (lv_store_create(c->ctx->root, c->id, &c->store, err) < 0)
		return -1;
	c->store_open = true;
	if (write_runtime_doc(c, err) < 0)
		return -1;
	if (c->seccomp) {
		_cleanup_free_ void *bpf = NULL;
		size_t len = 0;
		if (sc_filter_serialize(c->seccomp, &bpf, &len, err) < 0 ||
		    lv_store_write_file(&c->store, LV_SECCOMP_FILE, bpf, len, err) < 0)
			return -1;
	}
	if (mkfifoat(c->store.dir_fd, LV_FIFO_FILE, 0600) < 0)
		return lv_err(err, errno, "create \"%s/%s\"", c->store.path, LV_FIFO_FILE);
	c->fifo_fd = openat(c->store.dir_fd, LV_FIFO_FILE, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (c->fifo_fd < 0)
		return lv_err(err, errno, "open \"%s/%s\"", c->store.path, LV_FIFO_FILE);
	return write_record(c, "creating", err);
}

static int prepare_io(lv_container *c, const char *console_socket, lv_error **err)
{
	if (console_socket) {
		c->console_sock = lv_console_connect(console_socket, err);
		if (c->console_sock < 0)
			return -1;
	} else if (c->foreground_tty) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return lv_err(err, errno, "console socket pair");
		c->console_peer = sv[0];
		c->console_sock = sv[1];
	}
	int sv[2];
	if (lv_sync_pair(sv, err) < 0)
		return -1;
	c->sync_parent = sv[0];
	c->sync_child = sv[1];
	return 0;
}

int lv_container_spawn(lv_container *c, const char *console_socket, lv_error **err)
{
	if (prepare_state(c, err) < 0)
		return -1;
	if (c->cg) {
		if (cg_create(c->cg, &c->cgroup_fd, err) < 0)
			return -1;
		c->cgroup_created = true;
	}
	if (prepare_io(c, console_socket, err) < 0 || spawn_init(c, err) < 0)
		return -1;
	if (c->cg)
		cg_release_hold(c->cg);
	lv_close_reset(&c->sync_child);
	lv_close_reset(&c->console_sock);
	lv_close_reset(&c->fifo_fd);
	if (drive_init(c, err) < 0)
		return -1;
	return write_record(c, "created", err);
}

void lv_container_abort(lv_container *c)
{
	if (c->pidfd >= 0) {
		lv_pidfd_send_signal(c->pidfd, SIGKILL);
		siginfo_t si;
		while (waitid(P_PIDFD, (id_t)c->pidfd, &si, WEXITED) < 0 && errno == EINTR)
			;
	}
	if (c->cgroup_created)
		cg_abort(c->cg);
	if (c->store_open) {
		lv_error *e = NULL;
		lv_store_remove(&c->store, &e);
		lv_err_free(e);
		c->store_open = false;
	}
}

int lv_create(const lv_context *ctx, const lv_create_opts *o, lv_error **err)
{
	lv_create_opts co = *o;
	co.detach = true;
	lv_container *c = NULL;
	if (lv_container_prepare(ctx, &co, &c, err) < 0)
		return -1;
	int r = lv_container_spawn(c, o->console_socket, err);
	if (r == 0 && o->pid_file)
		r = lv_write_pid_file(o->pid_file, c->pid, err);
	if (r < 0)
		lv_container_abort(c);
	lv_container_free(c);
	return r < 0 ? lv_err_wrap(err, "create container \"%s\"", o->id) : 0;
}
