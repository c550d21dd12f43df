#include "src/console.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "src/util/cleanup.h"
#include "src/util/fdpass.h"

int lv_console_connect(const char *path, lv_error **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path))
		return lv_err(err, ENAMETOOLONG, "console socket \"%s\"", path);
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lv_err(err, errno, "console socket \"%s\"", path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		return lv_err(err, e, "connect to console socket \"%s\"", path);
	}
	return fd;
}

int lv_console_recv(int sock, int *master, lv_error **err)
{
	char name[256];
	ssize_t n = lv_recv_fd(sock, name, sizeof(name), master);
	if (n < 0)
		return lv_err(err, errno, "receive the container's terminal");
	if (*master < 0)
		return lv_err(err, EPROTO, "receive the container's terminal: no descriptor");
	return 0;
}

/* /dev/console becomes a bind mount of the pty slave; resolved inside the
 * container root so a symlink there cannot redirect it. */
static int bind_dev_console(int slave, lv_error **err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS };
	_cleanup_close_ int dev = (int)syscall(SYS_openat2, AT_FDCWD, "/dev", &how, sizeof(how));
	if (dev < 0)
		return lv_err(err, errno, "open \"/dev\" for /dev/console");
	_cleanup_close_ int mk = openat(dev, "console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (mk < 0 && errno != EEXIST && errno != ENXIO && errno != ENODEV && errno != ELOOP)
		return lv_err(err, errno, "create \"/dev/console\"");
	_cleanup_close_ int target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return lv_err(err, errno, "open \"/dev/console\"");
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, slave, "",
						OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return lv_err(err, errno, "bind the terminal on \"/dev/console\"");
	if (syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return lv_err(err, errno, "bind the terminal on \"/dev/console\"");
	return 0;
}

int lv_console_setup(int sock, unsigned height, unsigned width, bool bind_console,
		     lv_error **err)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return lv_err(err, errno, "open \"/dev/ptmx\" in the container");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return lv_err(err, errno, "unlock the pty");
	_cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return lv_err(err, errno, "open the pty slave");
	if (height && width) {
		struct winsize ws = { .ws_row = (unsigned short)height, .ws_col = (unsigned short)width };
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return lv_err(err, errno, "process.consoleSize");
	}
	int ptn = 0;
	char name[64] = "/dev/ptmx";
	if (ioctl(master, TIOCGPTN, &ptn) == 0)
		snprintf(name, sizeof(name), "/dev/pts/%d", ptn);
	/* containerd and conmon read the pty name as the message. */
	if (lv_send_fd(sock, name, strlen(name), master) < 0)
		return lv_err(err, errno, "send the terminal through the console socket");
	if (bind_console && bind_dev_console(slave, err) < 0)
		return -1;
	if (setsid() < 0 && errno != EPERM)
		return lv_err(err, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return lv_err(err, errno, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return lv_err(err, errno, "use the pty as stdio");
	return 0;
}
