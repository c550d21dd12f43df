/* Test helpers: linux.seccomp sections built by hand (or from a JSON file
 * with yajl, until the spec parser lands), and running code under a filter
 * in a forked child. */
#ifndef LIEVE_TEST_SECCOMP_HELPERS_H
#define LIEVE_TEST_SECCOMP_HELPERS_H

#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/seccomp/seccomp.h"

#define T_NO_VALUE2 UINT64_MAX

spec_seccomp *t_new(int default_action);
/* Adds a rule; names is comma-separated.  The pointer is valid until the next t_rule. */
spec_syscall *t_rule(spec_seccomp *s, int action, const char *names);
void t_errno(spec_syscall *sc, uint64_t ret);
void t_arg(spec_syscall *sc, uint64_t index, int op, uint64_t value, uint64_t value_two);
void t_strv_add(spec_strv *v, const char *str);
void t_free(spec_seccomp *s);

/* Builds a section from a JSON file in the OCI linux.seccomp format. */
spec_seccomp *t_load_json(const char *path);

/* Compiles, failing the test with the error message on failure. */
sc_filter *t_compile(const spec_seccomp *s);
/* Compiles expecting failure; returns the (malloc'd) message. */
char *t_compile_error(const spec_seccomp *s);

/* Forks; the child sets no_new_privs, installs f, and _exits with fn(arg).
 * Returns the wait status.  An install failure exits 200. */
int t_run(const sc_filter *f, int (*fn)(void *), void *arg);

/* Forks a child that installs f (a notifying filter), reports the listener fd
 * number through a pipe, waits for the go-ahead, then _exits with fn(arg).
 * The parent takes the fd with sc_notify_fd_fetch.  Returns the child pid;
 * *listener gets the fetched fd. */
pid_t t_spawn_notify(const sc_filter *f, int (*fn)(void *), void *arg, int *listener, int *go);
void t_release(int go);

#endif
