/* The floor: what the kernel itself charges for a container start. clone() with the namespaces
 * the bench bundle asks for, pivot_root into the bundle's rootfs, exec the command, wait.
 * No config parsing, no cgroup, no /proc or /dev mounts, no capabilities, no seccomp: every
 * runtime does at least this, so its distance from this program is its own cost.
 *
 *   floor ROOTFS CMD [ARG...]      (as root)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024] __attribute__((aligned(16)));
static char **child_argv;
static const char *rootfs;

static int die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	return 127;
}

static int child(void *arg)
{
	(void)arg;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return die("make / private");
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return die("bind rootfs");
	if (chdir(rootfs) < 0)
		return die("chdir rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return die("umount old root");
	if (chdir("/") < 0)
		return die("chdir /");
	execv(child_argv[0], child_argv);
	return die(child_argv[0]);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: floor ROOTFS CMD [ARG...]\n");
		return 2;
	}
	rootfs = argv[1];
	child_argv = argv + 2;
	int flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | SIGCHLD;
	pid_t pid = clone(child, stack + sizeof stack, flags, NULL);
	if (pid < 0)
		return die("clone");
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
