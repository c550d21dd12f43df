/* The container's terminal: a pty made from the container's own devpts,
 * its master handed to whoever asked through --console-socket (SCM_RIGHTS,
 * as containerd and conmon expect), or proxied by a foreground `run`. */
#ifndef LIEVE_CONSOLE_H
#define LIEVE_CONSOLE_H

#include <stdbool.h>
#include <signal.h>
#include <sys/types.h>

#include "src/error.h"

/* Runtime side: connects to the --console-socket unix socket. */
int lv_console_connect(const char *path, lv_error **err);

/* In the container (after pivot_root or after joining its namespaces):
 * opens /dev/ptmx, sizes the pty, sends the master through `sock`, makes
 * the slave the controlling terminal and stdio; with `bind_console` the
 * slave is also bind-mounted on /dev/console. */
int lv_console_setup(int sock, unsigned height, unsigned width, bool bind_console,
		     lv_error **err);

/* Runtime side: receives a master fd sent through a socket. */
int lv_console_recv(int sock, int *master, lv_error **err);

/* Foreground `run`/`exec`: waits for the process behind `pidfd` (our
 * child), forwarding signals sent to us, and with master >= 0 proxying our
 * terminal (raw mode, restored on return, window size kept in sync).
 * Signals to forward must already be blocked (lv_signals_block) before the
 * process was cloned.  *status is the waitpid status. */
int lv_foreground_wait(pid_t pid, int pidfd, int master, int *status, lv_error **err);

/* Blocks the signals a foreground runtime forwards; returns the old mask. */
void lv_signals_block(sigset_t *old);
/* In a cloned child: default dispositions and an empty mask again. */
void lv_signals_reset_child(void);

#endif
