#include "src/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "src/log.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

#define HOOK_OUTPUT_MAX 4096

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void hook_child(const spec_hook *h, int in_fd, int out_fd)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(126);
	char *fallback[] = { h->path, NULL };
	char *noenv[] = { NULL };
	execve(h->path, h->args.n ? h->args.v : fallback, h->env.v ? h->env.v : noenv);
	const char *msg = strerror(errno);
	(void)!write(2, msg, strlen(msg));
	_exit(127);
}

/* The last non-empty line of what the hook printed, for the error line. */
static const char *last_line(char *out, size_t len)
{
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	char *nl = strrchr(out, '\n');
	return nl ? nl + 1 : out;
}

static int wait_hook(pid_t pid, int out_fd, long long timeout_ms, char *out,
		     size_t *out_len, int *status, bool *timed_out)
{
	_cleanup_close_ int pidfd = pidfd_open(pid, 0);
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	bool out_open = true;
	*timed_out = false;
	for (;;) {
		struct pollfd pfd[2] = { { pidfd, POLLIN, 0 }, { out_fd, POLLIN, 0 } };
		int wait = -1;
		if (deadline) {
			long long left = deadline - now_ms();
			wait = left > 0 ? (int)left : 0;
		}
		int r = poll(pfd, out_open ? 2 : 1, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			*timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (out_open && (pfd[1].revents & (POLLIN | POLLHUP))) {
			char buf[512];
			ssize_t n = read(out_fd, buf, sizeof(buf));
			if (n <= 0)
				out_open = false;
			else {
				size_t keep = (size_t)n;
				if (*out_len + keep > HOOK_OUTPUT_MAX)
					keep = HOOK_OUTPUT_MAX - *out_len;
				memcpy(out + *out_len, buf, keep);
				*out_len += keep;
			}
			continue;
		}
		if (pfd[0].revents & POLLIN)
			break;
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int run_one(const spec_hook *h, const char *kind, size_t idx,
		   const char *state, lv_error **err)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return lv_err(err, errno, "%s hook #%zu \"%s\": pipe", kind, idx, h->path);
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return lv_err(err, errno, "%s hook #%zu \"%s\": pipe", kind, idx, h->path);
	}
	pid_t pid = fork();
	if (pid == 0)
		hook_child(h, in[0], out[1]);
	int fork_errno = errno;
	close(in[0]);
	close(out[1]);
	_cleanup_close_ int out_rd = out[0];
	if (pid < 0) {
		close(in[1]);
		return lv_err(err, fork_errno, "%s hook #%zu \"%s\": fork", kind, idx, h->path);
	}
	/* A hook may exit without reading its stdin: that is not our error. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	size_t len = strlen(state), off = 0;
	while (off < len) {
		ssize_t n = write(in[1], state + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(in[1]);
	sigaction(SIGPIPE, &old, NULL);

	char output[HOOK_OUTPUT_MAX + 1];
	size_t out_len = 0;
	int status = 0;
	bool timed_out;
	long long timeout = h->timeout.set ? h->timeout.value * 1000 : 0;
	if (wait_hook(pid, out_rd, timeout, output, &out_len, &status, &timed_out) < 0)
		return lv_err(err, errno, "%s hook #%zu \"%s\": wait", kind, idx, h->path);
	output[out_len] = '\0';
	if (timed_out)
		return lv_err(err, 0, "%s hook #%zu \"%s\": timed out after %ld s", kind, idx,
			      h->path, (long)h->timeout.value);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	const char *said = last_line(output, out_len);
	if (WIFSIGNALED(status))
		return lv_err(err, 0, "%s hook #%zu \"%s\": killed by signal %d%s%s", kind, idx,
			      h->path, WTERMSIG(status), said[0] ? ": " : "", said);
	return lv_err(err, 0, "%s hook #%zu \"%s\": exited with status %d%s%s", kind, idx,
		      h->path, WEXITSTATUS(status), said[0] ? ": " : "", said);
}

int lv_hooks_run(const spec_hooks_list *list, const char *kind,
		 const char *state_json, lv_error **err)
{
	for (size_t i = 0; list && i < list->n; i++)
		if (run_one(&list->v[i], kind, i, state_json, err) < 0)
			return -1;
	return 0;
}

void lv_hooks_run_warn(const spec_hooks_list *list, const char *kind,
		       const char *state_json)
{
	for (size_t i = 0; list && i < list->n; i++) {
		lv_error *e = NULL;
		if (run_one(&list->v[i], kind, i, state_json, &e) < 0)
			lv_warn("%s", e->msg);
		lv_err_free(e);
	}
}
