/* Path resolution inside a rootfs: symlinks and ".." never leave it.  No root needed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/rootfs/resolve.h"

static char top[PATH_MAX];   /* holds root/ and outside/ */
static char root[PATH_MAX + 8];
static int rootfd = -1;

static void setup(void)
{
	char outside[PATH_MAX + 16];
	strcpy(top, "/tmp/lieve-resolve-XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	cr_assert_eq(mkdir(root, 0755), 0);
	cr_assert_eq(mkdir(outside, 0755), 0);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];
	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(resolve, .init = setup, .fini = teardown);

static void link_in(const char *target, const char *name)
{
	cr_assert_eq(symlinkat(target, rootfd, name), 0, "symlink %s", name);
}

static bool exists(const char *rel_to_top)
{
	char p[PATH_MAX * 4];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", top, rel_to_top);
	return lstat(p, &st) == 0;
}

static bool is_dir(const char *rel_to_top)
{
	char p[PATH_MAX * 4];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", top, rel_to_top);
	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

Test(resolve, mkdir_creates_parents)
{
	int fd = rootfs_mkdir_in(rootfd, "/a/b/c", 0755);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_expect(is_dir("root/a/b/c"));
}

Test(resolve, absolute_symlink_stays_inside)
{
	char target[PATH_MAX + 16];
	snprintf(target, sizeof(target), "%s/outside", top);
	link_in(target, "evil");
	int fd = rootfs_mkdir_in(rootfd, "/evil/sub", 0755);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	close(fd);
	cr_expect_not(exists("outside/sub"));
	/* the link's target, taken inside the root */
	char inside[PATH_MAX * 2];
	snprintf(inside, sizeof(inside), "root%s/sub", target);
	cr_expect(is_dir(inside));
}

Test(resolve, dotdot_symlink_stays_inside)
{
	link_in("../../../../../outside", "up");
	int fd = rootfs_create_in(rootfd, "/up/file", true);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	close(fd);
	cr_expect_not(exists("outside/file"));
	cr_expect(exists("root/outside/file"));
}

Test(resolve, dangling_symlink_is_created_inside)
{
	link_in("/made/by/link", "dangling");
	int fd = rootfs_mkdir_in(rootfd, "/dangling", 0755);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	close(fd);
	cr_expect(is_dir("root/made/by/link"));
}

Test(resolve, file_destination_through_symlink)
{
	link_in("/etc/passwd", "pw");
	int fd = rootfs_create_in(rootfd, "/pw", true);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	close(fd);
	cr_expect(exists("root/etc/passwd"));
}

Test(resolve, symlink_loop_is_eloop)
{
	link_in("/loop", "loop");
	cr_expect_lt(rootfs_mkdir_in(rootfd, "/loop/x", 0755), 0);
	cr_expect_eq(errno, ELOOP);
}

Test(resolve, no_follow_refuses_symlinks)
{
	cr_assert_eq(mkdirat(rootfd, "real", 0755), 0);
	link_in("/real", "proc");
	int fd = rootfs_open_in(rootfd, "/proc", O_PATH, false);
	cr_expect_lt(fd, 0);
	cr_expect_eq(errno, ELOOP);
	fd = rootfs_open_in(rootfd, "/proc", O_PATH, true);
	cr_expect_geq(fd, 0);
	close(fd);
}

Test(resolve, magic_links_refused)
{
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", rootfd);
	cr_assert_eq(mkdirat(rootfd, "proc", 0755), 0);
	/* a procfs-style magic link inside the root cannot be a way out */
	link_in(self, "magic");
	int fd = rootfs_open_in(rootfd, "/magic", O_PATH, true);
	if (fd >= 0)
		close(fd);
	cr_expect_lt(fd, 0); /* resolves to root/proc/self/fd/N: not there */
}

Test(resolve, parent_split)
{
	const char *name;
	char *p = rootfs_parent("/a/b", &name);
	cr_expect_str_eq(p, "/a");
	cr_expect_str_eq(name, "b");
	free(p);
	p = rootfs_parent("/top", &name);
	cr_expect_str_eq(p, "/");
	cr_expect_str_eq(name, "top");
	free(p);
}
