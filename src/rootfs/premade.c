/* Idmapped mounts for a container with its own user namespace.
 *
 * MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the user namespace that owns the
 * filesystem: for host filesystems that is the initial one, which the
 * container's init no longer has.  So the runtime makes these mounts itself,
 * detached, and init attaches them (a detached mount can be attached in any
 * mount namespace).  This is what runc does with its mount fds.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "src/rootfs/exec.h"
#include "src/util/cleanup.h"

static bool needs_premade(const rootfs_plan *p, const rootfs_mount *m)
{
	return p->opts.userns && m->kind == ROOTFS_MOUNT_BIND && m->o.idmap;
}

size_t rootfs_idmapped_count(const rootfs_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nmounts; i++)
		n += needs_premade(p, &p->mounts[i]);
	return n;
}

int rootfs_idmapped_open(const rootfs_plan *p, int userns_fd, int **fds, size_t *n,
			 lv_error **err)
{
	size_t want = rootfs_idmapped_count(p), got = 0;
	int *v = calloc(want ? want : 1, sizeof(int));

	if (!v)
		return lv_err(err, errno, "idmapped mounts");
	for (size_t i = 0; i < p->nmounts; i++) {
		if (!needs_premade(p, &p->mounts[i]))
			continue;
		int fd = rootfs_make_mount(p, &p->mounts[i], userns_fd, err);
		if (fd < 0) {
			while (got > 0)
				close(v[--got]);
			free(v);
			return -1;
		}
		v[got++] = fd;
	}
	*fds = v;
	*n = got;
	return 0;
}

int rootfs_idmapped_adopt(const rootfs_plan *p, const int *fds, size_t n, lv_error **err)
{
	size_t j = 0;

	if (n != rootfs_idmapped_count(p))
		return lv_err(err, EINVAL, "idmapped mounts: got %zu mounts for %zu entries", n,
			      rootfs_idmapped_count(p));
	if (!p->rt->premade) {
		p->rt->premade = malloc((p->nmounts ? p->nmounts : 1) * sizeof(int));
		if (!p->rt->premade)
			return lv_err(err, errno, "idmapped mounts");
		for (size_t i = 0; i < p->nmounts; i++)
			p->rt->premade[i] = -1;
	}
	for (size_t i = 0; i < p->nmounts; i++) {
		if (!needs_premade(p, &p->mounts[i]))
			continue;
		if (p->rt->premade[i] >= 0)
			close(p->rt->premade[i]);
		p->rt->premade[i] = fds[j++];
	}
	return 0;
}
