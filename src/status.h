/* Container status derived from the real init process, for commands that
 * already hold a record (lv_container_status in src/lifecycle.h reads it). */
#ifndef LIEVE_STATUS_H
#define LIEVE_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "src/store.h"

/* Field 22 of /proc/PID/stat (start time in clock ticks since boot) and
 * whether the process is a zombie or dead.  -1 (errno set) when the pid
 * does not exist. */
int lv_proc_start_time(pid_t pid, uint64_t *start_time, bool *zombie);

/* True when the record's init process still runs: the pid exists, is not a
 * zombie, and started at the recorded time (a reused pid is not the
 * container). */
bool lv_record_init_alive(const lv_record *r);

/* "created" when init is alive and exec.fifo exists, "paused" when its cgroup
 * is frozen, "running" when init is
 * alive without it, "creating" while a create has not recorded a pid yet,
 * else "stopped".  The string is static. */
const char *lv_record_status(const lv_record *r, bool exec_fifo);

/* A record's `created`: RFC 3339 in UTC with nanoseconds, trailing zeros
 * trimmed as Go's RFC3339Nano prints it ("2026-11-22T03:40:00.1234Z"). */
void lv_format_created(const struct timespec *ts, char buf[static 40]);

#endif
