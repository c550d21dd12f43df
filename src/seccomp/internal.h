/* What a compiled filter holds; shared by the files of src/seccomp only. */
#ifndef LIEVE_SECCOMP_INTERNAL_H
#define LIEVE_SECCOMP_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/seccomp/seccomp.h"

struct sc_filter {
	struct sock_filter *prog;
	size_t len;          /* instructions in prog */
	uint32_t flags;      /* SECCOMP_FILTER_FLAG_* the config asked for */
	bool notify;         /* some rule returns SECCOMP_RET_USER_NOTIF */
	char *listener_path; /* NULL when absent */
	char *listener_metadata;
};

/* The raw seccomp(2) call; glibc 2.36 has no wrapper. */
long sc_sys_seccomp(unsigned int op, unsigned int flags, void *args);

/* "SCMP_ACT_ERRNO" for SPEC_ACT_ERRNO; NULL when out of range. */
const char *sc_action_name(int action);

/* Architectures one filter can hold (libseccomp knows about 20). */
#define SC_MAX_ARCHES 32

/* runc's -ENOSYS stub (enosys.c): whether the section calls for one, and
 * prepending it to f's program.  arches: every architecture in the filter,
 * native included.  Returns 0 or -errno. */
bool sc_enosys_wanted(const spec_seccomp *s);
int sc_enosys_prepend(sc_filter *f, const spec_seccomp *s, const uint32_t *arches, size_t n);

#endif
