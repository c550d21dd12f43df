/* Internal: a container being created, the plan its init executes, and the
 * helpers shared by the lifecycle commands. */
#ifndef LIEVE_CONTAINER_H
#define LIEVE_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>
#include <unistd.h>

#include "spec/config.h"
#include "src/cgroups/cgroup.h"
#include "src/lifecycle.h"
#include "src/namespaces/ns.h"
#include "src/process/process.h"
#include "src/rootfs/rootfs.h"
#include "src/seccomp/seccomp.h"
#include "src/store.h"
#include "src/util/cleanup.h"

#define LV_CONFIG_FILE "config.json"
/* What later commands need of the config (process, hooks): exec must not
 * parse a large seccomp profile again just to read process defaults. */
#define LV_RUNTIME_FILE "runtime.json"
#define LV_FIFO_FILE "exec.fifo"
#define LV_SECCOMP_FILE "seccomp.bpf"

/* Everything prepared before clone; init only executes it. */
typedef struct {
	const lv_context *ctx;
	char *id;
	char *bundle;         /* absolute */
	char *owner;          /* user name of the creator, for the record */
	spec_config *cfg;
	ns_plan ns;
	rootfs_plan *rootfs;
	proc_plan *proc;
	cg_plan *cg;
	sc_filter *seccomp;
	int preserve_fds;     /* --preserve-fds plus LISTEN_FDS */
	bool no_pivot, no_new_keyring;
	bool foreground_tty;
	bool userns;          /* a new or joined user namespace */
	/* init waits for LV_SYNC_GO before its setup: with a new user namespace
	 * (maps first), and when an intermediate clones it, whose pidfd message
	 * must reach the runtime before anything init says. */
	bool init_waits;  /* run without --console-socket: we proxy the pty */

	/* Resources of the creation, released by lv_container_free. */
	lv_store_handle store;
	bool store_open;
	int console_sock;     /* init's end: --console-socket or our socketpair */
	int console_peer;     /* our end of that socketpair (foreground tty) */
	int fifo_fd;          /* read end of exec.fifo, for init */
	int cgroup_fd;
	int sync_parent, sync_child;
	pid_t pid;            /* init, host pid namespace */
	int pidfd;
	bool cgroup_created;
} lv_container;

/* Loads the bundle and builds the whole plan (nothing on disk yet). */
int lv_container_prepare(const lv_context *ctx, const lv_create_opts *o,
			 lv_container **out, lv_error **err);
/* Creates state, cgroup and init; returns with init waiting for `start`. */
int lv_container_spawn(lv_container *c, const char *console_socket, lv_error **err);
/* Undoes a failed or finished creation: init killed, cgroup and state removed. */
void lv_container_abort(lv_container *c);
void lv_container_free(lv_container *c);

/* In a cloned child: closes its copies of the state store's fds (without
 * touching the parent's lock). */
static inline void lv_store_drop_fds(lv_store_handle *h)
{
	lv_close_reset(&h->root_fd);
	lv_close_reset(&h->dir_fd);
	lv_close_reset(&h->lock_fd);
}

/* The init process: executes the plan, never returns. */
__attribute__((noreturn)) void lv_init_main(lv_container *c);

/* Runtime-spec state JSON for hooks and `state`. */
int lv_state_doc(const char *id, const char *status, pid_t pid, const char *bundle,
		 const spec_map *annotations, bool indent, char **json, lv_error **err);

/* An existing container, opened under its lock, with its stored config. */
typedef struct {
	lv_store_handle store;
	lv_record *rec;
	spec_config *cfg;
	const char *status;
} lv_opened;

int lv_open_container(const lv_context *ctx, const char *id, bool exclusive,
		      bool want_config, lv_opened *o, lv_error **err);
void lv_close_container(lv_opened *o);

/* Starts a created container: releases init through exec.fifo, marks it
 * running, runs poststart hooks. */
int lv_start_opened(lv_opened *o, lv_error **err);
/* Tears a stopped (or killed) container down: poststop hooks, cgroup, state. */
int lv_destroy_opened(lv_opened *o, lv_error **err);
/* Kills every process of the container and waits until init is gone. */
int lv_kill_all_and_wait(lv_opened *o, lv_error **err);

#endif
