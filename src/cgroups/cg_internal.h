/* Helpers shared by the cgroup files; not part of the module's interface. */
#ifndef LIEVE_CG_INTERNAL_H
#define LIEVE_CG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "src/error.h"

#define CG_DEFAULT_MOUNT "/sys/fs/cgroup"

/* Whole small file (cgroup files are < 1 page mostly) into a NUL-terminated
 * buffer.  -1 with errno set. */
int cg_read_at(int dirfd, const char *file, char **out);
int cg_read(const char *dir, const char *file, char **out);
/* One write(2) of value; no O_CREAT, so a missing knob is ENOENT.  -1 with
 * errno set. */
int cg_write_at(int dirfd, const char *file, const char *value);
/* The value of "key N" in a flat-keyed file (cgroup.events, memory.events,
 * cpu.stat).  false when the key is absent. */
bool cg_key_u64(const char *content, const char *key, uint64_t *v);
/* A single number or "max" (UINT64_MAX). */
bool cg_parse_u64(const char *s, uint64_t *v);

/* The cgroup2 mount point: /sys/fs/cgroup when it is cgroup2, else the first
 * cgroup2 mount (on a hybrid host, /sys/fs/cgroup/unified). */
int cg_find_mount(char **mount, lv_error **err);
/* The "0::" entry of /proc/self/cgroup. */
int cg_own_cgroup(char **own, lv_error **err);
bool cg_systemd_running(void);

/* Whether `word` is one of the space-separated words of `list`. */
bool cg_word_in(const char *list, const char *word);

#endif
