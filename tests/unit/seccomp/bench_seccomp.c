/* Compile (libseccomp) versus load (deserialise + seccomp(2)) for the
 * Docker-shaped profile: the cost `create` pays once against the cost every
 * `exec` pays.  Run: build/tests/unit/seccomp/sc-bench [profile.json] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

/* CPU time of this thread (user + system): the machine may be busy, and
 * what we want is the work done, not the wait for a core. */
static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : SC_TEST_DATA "/docker-default.json";
	spec_seccomp *s = t_load_json(file);
	enum { N = 50 };
	lv_error *err = NULL;
	sc_filter *f = NULL;
	double t0 = now_us();
	for (int i = 0; i < N; i++) {
		sc_filter_free(f);
		if (sc_compile(s, &f, &err) < 0) {
			fprintf(stderr, "%s\n", err->msg);
			return 1;
		}
	}
	double compile = (now_us() - t0) / N;
	void *data;
	size_t len, insns;
	sc_filter_serialize(f, &data, &len, &err);
	sc_filter_program(f, &insns);

	double w0 = now_us();
	for (int i = 0; i < 1000; i++) {
		sc_filter *g = NULL;
		sc_filter_deserialize(data, len, &g, &err);
		sc_filter_free(g);
	}
	double warm = (now_us() - w0) / 1000;

	double deser = 0, install = 0;
	for (int i = 0; i < N; i++) {
		int p[2];
		if (pipe(p) < 0)
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			sc_filter *g = NULL;
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			double a = now_us();
			sc_filter_deserialize(data, len, &g, &err);
			double b = now_us();
			int r = sc_install(g, NULL, &err);
			double c = now_us();
			double t[2] = { b - a, c - b };
			if (r < 0 || write(p[1], t, sizeof(t)) != sizeof(t))
				_exit(1);
			_exit(0);
		}
		double t[2];
		close(p[1]);
		if (read(p[0], t, sizeof(t)) != sizeof(t))
			return 1;
		close(p[0]);
		waitpid(pid, NULL, 0);
		deser += t[0];
		install += t[1];
	}
	size_t names = 0;
	for (size_t i = 0; i < s->syscalls.n; i++)
		names += s->syscalls.v[i].names.n;
	printf("%s: %zu entries, %zu syscall names -> %zu BPF instructions, %zu bytes stored\n",
	       file, s->syscalls.n, names, insns, len);
	printf("compile (libseccomp + export): %8.1f us\n", compile);
	printf("deserialise (fresh child):     %8.1f us\n", deser / N);
	printf("deserialise (warm, in process):%8.1f us\n", warm);
	printf("install (seccomp(2)):          %8.1f us\n", install / N);
	free(data);
	sc_filter_free(f);
	t_free(s);
	return 0;
}
