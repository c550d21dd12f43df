/* The state store: one directory per container under --root.
 *
 *   ROOT/ID/state.json   the container record (atomic write: temp + rename)
 *   ROOT/ID/.lock        flock()ed by any command working on the container
 *   ROOT/ID/exec.fifo    present while the container is `created`
 *
 * Commands on one container serialise on its lock; commands on different
 * containers never wait for each other. */
#ifndef LIEVE_STORE_H
#define LIEVE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/error.h"
#include "spec/types.h"

/* A container directory is named by its id, so an id is one file name. */
#define LV_ID_MAX 255

/* What lieve remembers of a container between commands. */
typedef struct {
	char *id;
	char *bundle;     /* absolute */
	char *rootfs;     /* absolute path of the root filesystem */
	char *created;    /* RFC3339 with nanoseconds, UTC */
	char *owner;      /* user name of the creator */
	char *status;     /* last status written: creating, created, running, stopped */
	int64_t pid;      /* init pid in the host pid namespace, 0 if none */
	uint64_t pid_start_time; /* /proc/PID/stat field 22, guards against pid reuse */
	char *cgroup_path; /* absolute path under the cgroup2 mount, NULL if none */
	bool systemd_cgroup;
	spec_map annotations;
	/* namespace paths of init to join on exec are derived from pid;
	 * modules may add their own files in the container directory. */
} lv_record;

void lv_record_free(lv_record *r);
static inline void lv_record_freep(lv_record **r) { lv_record_free(*r); }
#define _cleanup_record_ __attribute__((cleanup(lv_record_freep)))

/* runc's rule: [A-Za-z0-9_+.-]+, not "." or "..", at most LV_ID_MAX bytes. */
int lv_id_validate(const char *id, lv_error **err);

/* An open container directory with its lock held. */
typedef struct {
	int root_fd;  /* --root */
	int dir_fd;   /* ROOT/ID */
	int lock_fd;  /* flock()ed */
	char *id;
	char *path;   /* ROOT/ID */
} lv_store_handle;

/* Creates ROOT (0700) if needed, then ROOT/ID; fails with EEXIST as
 * `container "ID" already exists`.  The lock is taken before returning. */
int lv_store_create(const char *root, const char *id, lv_store_handle *h,
		    lv_error **err);
/* Opens an existing container, taking its lock (exclusive or shared). A
 * missing container is `container "ID" does not exist` with ENOENT. */
int lv_store_open(const char *root, const char *id, bool exclusive,
		  lv_store_handle *h, lv_error **err);
/* Removes the container directory and everything in it, then closes. */
int lv_store_remove(lv_store_handle *h, lv_error **err);
void lv_store_close(lv_store_handle *h);

int lv_store_write_record(lv_store_handle *h, const lv_record *r, lv_error **err);
int lv_store_read_record(lv_store_handle *h, lv_record **out, lv_error **err);

/* Writes a file in the container directory atomically (temp + rename). */
int lv_store_write_file(lv_store_handle *h, const char *name, const void *data,
			size_t len, lv_error **err);

/* Lists container ids under ROOT, sorted.  A missing ROOT is an empty list. */
int lv_store_list(const char *root, char ***ids, lv_error **err);

/* Reads a container's record without taking its lock (state, list, status
 * never wait for a command in progress: records are replaced atomically).
 * A missing container is `container "ID" does not exist` (ENOENT).
 * With exec_fifo != NULL, tells whether ROOT/ID/exec.fifo exists. */
int lv_store_peek_record(const char *root, const char *id, lv_record **out,
			 bool *exec_fifo, lv_error **err);

/* Writes any file atomically (temp file in the same directory + rename),
 * used for --pid-file as runc does. */
int lv_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, lv_error **err);
/* --pid-file: the pid in decimal, no newline, as runc writes it. */
int lv_write_pid_file(const char *path, pid_t pid, lv_error **err);

#endif
