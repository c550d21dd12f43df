/* The wrapper every runtime runs under in the benchmark, so they all pay the same cost.
 *
 * crun 1.8 refuses a v1-hybrid host ("cgroups in hybrid mode not supported"): it sees the
 * controller-less cgroup2 at /sys/fs/cgroup/unified. In a private mount namespace of its own,
 * this wrapper moves that cgroup2 mount to CG2DIR, where crun (and runc) no longer see a hybrid
 * layout but lieve, which finds cgroup2 wherever /proc/self/mountinfo shows it, still does. The
 * host's mounts are untouched: the move happens in the new namespace only.
 *
 *   nsw CG2DIR CMD [ARG...]      (as root)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define UNIFIED "/sys/fs/cgroup/unified"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: nsw CG2DIR CMD [ARG...]\n");
		return 2;
	}
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "nsw: private mount namespace: %s\n", strerror(errno));
		return 125;
	}
	if (mount(UNIFIED, argv[1], NULL, MS_MOVE, NULL) < 0 && errno != EINVAL &&
	    errno != ENOENT) {
		fprintf(stderr, "nsw: move %s to %s: %s\n", UNIFIED, argv[1], strerror(errno));
		return 125;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "nsw: exec %s: %s\n", argv[2], strerror(errno));
	return 127;
}
