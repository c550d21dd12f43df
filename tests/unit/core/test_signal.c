#include <criterion/criterion.h>
#include <signal.h>

#include "src/lifecycle.h"
#include "src/util/cleanup.h"

Test(signal, names_and_numbers)
{
	static const struct {
		const char *in;
		int sig;
	} ok[] = {
		{ "KILL", SIGKILL },     { "SIGKILL", SIGKILL }, { "sigkill", SIGKILL },
		{ "kill", SIGKILL },     { "SigTerm", SIGTERM }, { "TERM", SIGTERM },
		{ "9", SIGKILL },        { "15", SIGTERM },      { "0", 0 },
		{ "HUP", SIGHUP },       { "USR1", SIGUSR1 },    { "SIGUSR2", SIGUSR2 },
		{ "WINCH", SIGWINCH },   { "CHLD", SIGCHLD },    { "CLD", SIGCHLD },
		{ "IOT", SIGABRT },      { "POLL", SIGIO },      { "STOP", SIGSTOP },
		{ "CONT", SIGCONT },     { "SYS", SIGSYS },      { "PWR", SIGPWR },
		{ "RTMIN", 34 },         { "SIGRTMIN+3", 37 },   { "rtmax", 64 },
		{ "RTMAX-2", 62 },       { "64", 64 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		_cleanup_error_ lv_error *err = NULL;
		int sig = -1;
		cr_expect_eq(lv_parse_signal(ok[i].in, &sig, &err), 0, "%s: %s", ok[i].in,
			     err ? err->msg : "");
		cr_expect_eq(sig, ok[i].sig, "%s -> %d", ok[i].in, sig);
	}
}

Test(signal, rejected)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "FOO", "unknown signal \"FOO\"" },
		{ "SIG", "unknown signal \"SIG\"" },
		{ "", "unknown signal \"\"" },
		{ "-9", "unknown signal \"-9\"" },
		{ "9x", "unknown signal \"9x\"" },
		{ "65", "invalid signal number 65" },
		{ "99999999999999999999", "unknown signal \"99999999999999999999\"" },
		{ "RTMIN+31", "unknown signal \"RTMIN+31\"" },
		{ "RTMIN-1", "unknown signal \"RTMIN-1\"" },
		{ "SIGKILLX", "unknown signal \"SIGKILLX\"" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_error_ lv_error *err = NULL;
		int sig = -1;
		cr_expect_eq(lv_parse_signal(bad[i].in, &sig, &err), -1, "%s", bad[i].in);
		cr_expect_str_eq(err ? err->msg : "", bad[i].msg);
	}
}
