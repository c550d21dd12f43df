/* seccomp: the OCI linux.seccomp section through libseccomp.
 *
 * The filter is compiled once per container at create time into classic BPF
 * and stored with the container's state; init and every exec'd process load
 * the stored program with seccomp(2) directly, so exec never pays for
 * compiling it again.
 *
 * How the runtime uses it:
 *
 * create, in the runtime, before clone:
 *   sc_compile(cfg->linux_->seccomp) — every semantic error surfaces here,
 *   before anything exists; sc_filter_serialize() into the state dir.
 *   The child inherits the sc_filter in memory.
 *
 * init / exec'd process, in the child, as the very last steps:
 *   noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS) → setuid/caps → sc_install
 *     → execve.
 *   otherwise: sc_install while CAP_SYS_ADMIN is still held (before
 *     capset/setresuid drop it) → setuid/caps → execve.  The profile must
 *     then allow what follows (capset, setresuid, prctl, execve...), as
 *     with runc.
 *
 * With SCMP_ACT_NOTIFY (sc_filter_wants_notify), the listener fd must reach
 * the agent before execve closes it (it is O_CLOEXEC):
 *   child:   sc_install(f, &fd) → write(sync, &fd, sizeof fd) → read(sync)
 *            → execve (the kernel closes fd).
 *   runtime: read the number → sc_notify_fd_fetch(child_pid, number, &nfd)
 *            → sc_notify_send (init, state "creating") or sc_notify_send_pid
 *            (exec, state "running", the exec'd pid) → close(nfd) → write
 *            the go-ahead.  A send failure kills the child and fails the
 *            command.  The runtime must not wait on the child between the
 *            two writes: notified syscalls block until the agent answers.
 *   write(2) is the one syscall the child needs after sc_install, so
 *   sc_compile refuses SCMP_ACT_NOTIFY on "write" (as runc does).
 *
 * exec, in the runtime: read the stored bytes → sc_filter_deserialize → the
 * same child sequence; libseccomp is never called. */
#ifndef LIEVE_SECCOMP_H
#define LIEVE_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/error.h"

typedef struct sc_filter sc_filter;

/* Compiles the section (validating actions, architectures, flags, argument
 * operators; unknown syscall names are skipped as runc does).  Like runc,
 * when the default action denies (not ALLOW/LOG/TRACE, not ERRNO(ENOSYS)),
 * syscalls numbered above every one the profile names get ENOSYS, so libc
 * falls back from syscalls newer than the profile.  Runs in the
 * runtime, before clone: it also checks that the kernel has every action and
 * flag the section uses, so a lacking kernel fails `create` cleanly.
 * Errors name the JSON path: `linux.seccomp.syscalls[3].args[0].index: 7 is
 * out of range 0-5`. */
int sc_compile(const spec_seccomp *s, sc_filter **out, lv_error **err);
void sc_filter_free(sc_filter *f);
void sc_filter_freep(sc_filter **f);
#define _cleanup_sc_filter_ __attribute__((cleanup(sc_filter_freep)))

/* Serialises a compiled filter (BPF program, flags, whether it notifies,
 * listener path and metadata) to bytes / from bytes, for the state store. */
int sc_filter_serialize(const sc_filter *f, void **data, size_t *len, lv_error **err);
int sc_filter_deserialize(const void *data, size_t len, sc_filter **out, lv_error **err);

/* Installs the filter in the calling process with seccomp(2): no libseccomp,
 * no allocation on success (safe in the child after clone).  As late as the
 * kernel allows, since everything after it runs filtered.  The kernel demands no_new_privs or CAP_SYS_ADMIN (in
 * the process's user namespace): with process.noNewPrivileges the caller sets
 * PR_SET_NO_NEW_PRIVS first and may install after dropping capabilities;
 * without it, it must install while it still holds CAP_SYS_ADMIN, i.e. before
 * the capability sets are applied (as runc does).  With SCMP_ACT_NOTIFY rules,
 * *notify_fd receives the listener fd, O_CLOEXEC (else -1; notify_fd may be
 * NULL only for a filter that does not notify). */
int sc_install(const sc_filter *f, int *notify_fd, lv_error **err);

/* True when the filter has a notify listener to hand over. */
bool sc_filter_wants_notify(const sc_filter *f);

/* Sends the notify fd and the container state JSON to listenerPath as the
 * runtime-spec's seccomp-notify section describes.  Runs in the runtime.
 * state_json is the container's state object (`lieve state` output, status
 * "creating" during create); containerProcessState.pid is its "pid".  The
 * caller still owns notify_fd and closes it afterwards. */
int sc_notify_send(const sc_filter *f, int notify_fd, const char *state_json,
		   lv_error **err);
/* The same with the process's own pid, for `exec` (whose process is not the
 * state's pid). */
int sc_notify_send_pid(const sc_filter *f, int notify_fd, pid_t pid,
		       const char *state_json, lv_error **err);

/* The runtime side of the hand-off: takes fd number remote_fd out of process
 * pid (pidfd_open + pidfd_getfd), so init only needs write(2) to report the
 * number.  *fd is O_CLOEXEC. */
int sc_notify_fd_fetch(pid_t pid, int remote_fd, int *fd, lv_error **err);

/* For `features`: the flag names linux.seccomp.flags accepts (NULL-ended),
 * and whether this kernel supports one. */
const char *const *sc_known_flags(void);
bool sc_kernel_supports_flag(const char *name);

/* Inspection, for tests and for the caller's own checks. */
const struct sock_filter *sc_filter_program(const sc_filter *f, size_t *len);
/* The flags sc_install passes to seccomp(2) (the config's, plus
 * NEW_LISTENER/TSYNC_ESRCH when notifying). */
unsigned int sc_filter_flags(const sc_filter *f);
const char *sc_filter_listener_path(const sc_filter *f);
const char *sc_filter_listener_metadata(const sc_filter *f);

#endif
