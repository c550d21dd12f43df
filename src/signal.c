/* Signal names as `kill` accepts them: "KILL", "SIGKILL", "sigkill", "9",
 * and the real-time forms "RTMIN", "RTMIN+3", "SIGRTMAX-2". */
#include "src/lifecycle.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },
	{ "ILL", SIGILL },     { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },
	{ "IOT", SIGIOT },     { "BUS", SIGBUS },       { "FPE", SIGFPE },
	{ "KILL", SIGKILL },   { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },
	{ "TERM", SIGTERM },   { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
	{ "CLD", SIGCHLD },    { "CONT", SIGCONT },     { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
	{ "URG", SIGURG },     { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },   { "WINCH", SIGWINCH },
	{ "IO", SIGIO },       { "POLL", SIGPOLL },     { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

/* A decimal number with nothing around it; -1 when s is not one. */
static long parse_decimal(const char *s)
{
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	return v;
}

/* RTMIN, RTMIN+n, RTMAX, RTMAX-n (already without the SIG prefix). */
static int parse_realtime(const char *s)
{
	int base, dir;
	if (!strncasecmp(s, "RTMIN", 5)) {
		base = SIGRTMIN;
		dir = 1;
	} else if (!strncasecmp(s, "RTMAX", 5)) {
		base = SIGRTMAX;
		dir = -1;
	} else {
		return -1;
	}
	s += 5;
	if (!*s)
		return base;
	if (*s != (dir > 0 ? '+' : '-'))
		return -1;
	long off = parse_decimal(s + 1);
	if (off < 0)
		return -1;
	long sig = base + dir * off;
	return sig >= SIGRTMIN && sig <= SIGRTMAX ? (int)sig : -1;
}

int lv_parse_signal(const char *s, int *sig, lv_error **err)
{
	if (!s || !*s)
		return lv_err(err, 0, "unknown signal \"\"");
	long num = parse_decimal(s);
	if (num >= 0) {
		if (num >= NSIG)
			return lv_err(err, 0, "invalid signal number %s", s);
		*sig = (int)num;
		return 0;
	}
	const char *name = strncasecmp(s, "SIG", 3) ? s : s + 3;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
		if (!strcasecmp(name, signal_names[i].name)) {
			*sig = signal_names[i].sig;
			return 0;
		}
	}
	int rt = parse_realtime(name);
	if (rt > 0) {
		*sig = rt;
		return 0;
	}
	return lv_err(err, 0, "unknown signal \"%s\"", s);
}
