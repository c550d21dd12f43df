/* seccomp: the OCI linux.seccomp section through libseccomp.
 *
 * The filter is compiled once per container at create time into classic BPF
 * and stored with the container's state; init and every exec'd process load
 * the stored program with seccomp(2) directly, so exec never pays for
 * compiling it again. */
#ifndef LIEVE_SECCOMP_H
#define LIEVE_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/config.h"
#include "src/error.h"

typedef struct sc_filter sc_filter;

/* Compiles the section (validating actions, architectures, flags, argument
 * operators; unknown syscall names are skipped as runc does). */
int sc_compile(const spec_seccomp *s, sc_filter **out, lv_error **err);
void sc_filter_free(sc_filter *f);

/* Serialises a compiled filter (BPF program, flags, whether it notifies,
 * listener path and metadata) to bytes / from bytes, for the state store. */
int sc_filter_serialize(const sc_filter *f, void **data, size_t *len, lv_error **err);
int sc_filter_deserialize(const void *data, size_t len, sc_filter **out, lv_error **err);

/* Installs the filter in the calling process.  Must be the last step before
 * execve.  With SCMP_ACT_NOTIFY rules, *notify_fd receives the listener fd
 * (else -1). */
int sc_install(const sc_filter *f, int *notify_fd, lv_error **err);

/* True when the filter has a notify listener to hand over. */
bool sc_filter_wants_notify(const sc_filter *f);

/* Sends the notify fd and the container state JSON to listenerPath as the
 * runtime-spec's seccomp-notify section describes.  Runs in the runtime. */
int sc_notify_send(const sc_filter *f, int notify_fd, const char *state_json,
		   lv_error **err);

#endif
