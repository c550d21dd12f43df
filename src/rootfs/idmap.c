/* A user namespace carrying a mount's own uidMappings/gidMappings.
 *
 * A child unshares a user namespace and waits; we write its maps and keep an
 * fd of the namespace, then end the child.  Its /proc files are reached
 * through a fresh, detached procfs instance, so the pid we got from fork()
 * is the right one even in a new pid namespace whose /proc is still the
 * host's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/rootfs/exec.h"
#include "src/util/cleanup.h"

static int write_map(int procfd, pid_t pid, const char *file, const spec_id_mapping *v,
		     size_t n)
{
	char path[64], buf[4096];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
				 v[i].container_id, v[i].host_id, v[i].size);
		if (w < 0 || (size_t)w >= sizeof(buf) - len) {
			errno = E2BIG;
			return -1;
		}
		len += (size_t)w;
	}
	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	_cleanup_close_ int fd = openat(procfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return -1;
	return 0;
}

static int fresh_proc(void)
{
	_cleanup_close_ int fs = fsopen("proc", FSOPEN_CLOEXEC);

	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

int rootfs_idmap_userns(const rootfs_mount *m, lv_error **err)
{
	int sync[2];
	char c = 0;
	pid_t pid;
	int nsfd = -1, saved = 0;
	char path[64];

	_cleanup_close_ int procfd = fresh_proc();
	if (procfd < 0)
		return lv_err(err, errno, "mount \"%s\" on \"%s\": procfs for the idmap",
			      m->source, m->destination);
	if (pipe2(sync, O_CLOEXEC) < 0)
		return lv_err(err, errno, "idmap: pipe");
	pid = fork();
	if (pid < 0) {
		saved = errno;
		close(sync[0]);
		close(sync[1]);
		return lv_err(err, saved, "idmap: fork");
	}
	if (pid == 0) {
		close(sync[0]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		if (write(sync[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	if (read(sync[0], &c, 1) != 1)
		saved = ECHILD;
	close(sync[0]);
	if (!saved && (write_map(procfd, pid, "uid_map", m->uid_map, m->n_uid_map) < 0 ||
		       write_map(procfd, pid, "gid_map", m->gid_map, m->n_gid_map) < 0))
		saved = errno;
	if (!saved) {
		snprintf(path, sizeof(path), "%d/ns/user", (int)pid);
		nsfd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0)
			saved = errno;
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (saved)
		return lv_err(err, saved, "mount \"%s\" on \"%s\": user namespace for the idmap",
			      m->source, m->destination);
	return nsfd;
}
