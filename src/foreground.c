/* A foreground runtime process: forwards signals to the container process
 * and, with a terminal, proxies the user's tty to the pty master. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "src/console.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

static void forwardable_set(sigset_t *set)
{
	sigfillset(set);
	/* Faults are ours; the rest belongs to the container. */
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGTRAP);
	sigdelset(set, SIGABRT);
	sigdelset(set, SIGSYS);
}

void lv_signals_block(sigset_t *old)
{
	sigset_t set;
	forwardable_set(&set);
	sigprocmask(SIG_BLOCK, &set, old);
}

void lv_signals_reset_child(void)
{
	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		signal(s, SIG_DFL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += w;
	}
	return true;
}

int lv_foreground_wait(pid_t pid, int pidfd, int master, int *status, lv_error **err)
{
	sigset_t set;
	forwardable_set(&set);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return lv_err(err, errno, "signalfd");

	struct termios saved;
	bool raw = false;
	if (master >= 0 && isatty(0) && tcgetattr(0, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(0, TCSANOW, &t) == 0;
		copy_winsize(0, master);
	}
	bool in_open = master >= 0, out_open = master >= 0;
	bool exited = false;
	while (!exited || out_open) {
		struct pollfd p[4] = {
			{ pidfd, exited ? 0 : POLLIN, 0 }, { sfd, POLLIN, 0 },
			{ in_open ? 0 : -1, POLLIN, 0 }, { out_open ? master : -1, POLLIN, 0 },
		};
		/* After the exit only drain what the pty still holds. */
		int r = poll(p, 4, exited ? 100 : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0 && exited)
			break;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				int sig = (int)si.ssi_signo;
				if (sig == SIGWINCH && master >= 0)
					copy_winsize(0, master);
				else if (sig != SIGCHLD && sig != SIGWINCH && sig != SIGURG && sig != SIGPIPE)
					lv_pidfd_send_signal(pidfd, sig);
			}
		}
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			in_open = pump(0, master);
		if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
			out_open = pump(master, 1);
		if (!exited && (p[0].revents & POLLIN)) {
			exited = true;
			if (master >= 0)
				fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
		}
	}
	if (raw)
		tcsetattr(0, TCSANOW, &saved);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return lv_err(err, errno, "wait for container process %d", pid);
	}
	return 0;
}
