/* Messages between the runtime and a process it cloned (init, or an exec'd
 * process), over a SOCK_SEQPACKET socketpair.  A message carries a type, an
 * optional fd (SCM_RIGHTS) and, for errors, the error line. */
#ifndef LIEVE_SYNC_H
#define LIEVE_SYNC_H

#include "src/error.h"

enum lv_sync_type {
	LV_SYNC_GO = 1,          /* runtime → init: id maps written, carry on */
	LV_SYNC_IDMAP_FD,        /* runtime → init: one idmapped mount, made before GO */
	LV_SYNC_HOOKS_RUNTIME,   /* init → runtime: run prestart/createRuntime now */
	LV_SYNC_HOOKS_DONE,      /* runtime → init */
	LV_SYNC_PIDFD,           /* intermediate → runtime: pidfd of the process it cloned */
	LV_SYNC_NOTIFY_FD,       /* init → runtime: seccomp listener fd */
	LV_SYNC_READY,           /* init → runtime: created, waiting for start */
	LV_SYNC_ERROR,           /* child → runtime: setup failed; carries the error */
};

int lv_sync_pair(int fds[2], lv_error **err);
int lv_sync_send(int sock, int type, int fd, lv_error **err);
/* Sends an error; used by children just before _exit, so it cannot fail loudly. */
void lv_sync_send_error(int sock, const lv_error *e);
/* Receives one message.  *fd gets a passed fd or -1.  A peer that closed
 * returns 0 with *type = 0.  An LV_SYNC_ERROR message is turned into *err
 * (returning -1), so callers only see the types they expect. */
int lv_sync_recv(int sock, int *type, int *fd, lv_error **err);
/* Receives and requires one type. */
int lv_sync_expect(int sock, int type, int *fd, lv_error **err);

#endif
