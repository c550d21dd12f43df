/* What a compiled filter holds; shared by the files of src/seccomp only. */
#ifndef LIEVE_SECCOMP_INTERNAL_H
#define LIEVE_SECCOMP_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
