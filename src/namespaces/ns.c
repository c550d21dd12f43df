#include "src/namespaces/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/util/cleanup.h"
#include "src/util/sys.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	uint64_t flag;
	const char *proc;
	const char *what;
} ns_info[SPEC_NS_COUNT] = {
	[SPEC_NS_PID] = { CLONE_NEWPID, "pid", "pid" },
	[SPEC_NS_NETWORK] = { CLONE_NEWNET, "net", "network" },
	[SPEC_NS_MOUNT] = { CLONE_NEWNS, "mnt", "mount" },
	[SPEC_NS_IPC] = { CLONE_NEWIPC, "ipc", "ipc" },
	[SPEC_NS_UTS] = { CLONE_NEWUTS, "uts", "uts" },
	[SPEC_NS_USER] = { CLONE_NEWUSER, "user", "user" },
	[SPEC_NS_CGROUP] = { CLONE_NEWCGROUP, "cgroup", "cgroup" },
	[SPEC_NS_TIME] = { CLONE_NEWTIME, "time", "time" },
};

/* The order in which namespaces are joined: user first (it decides the
 * credentials for the rest), mount last but one so paths above still
 * resolve on the host, pid last (it only applies to children anyway). */
static const int join_order[SPEC_NS_COUNT] = {
	SPEC_NS_USER, SPEC_NS_IPC, SPEC_NS_UTS, SPEC_NS_NETWORK, SPEC_NS_CGROUP,
	SPEC_NS_TIME, SPEC_NS_MOUNT, SPEC_NS_PID,
};

uint64_t ns_clone_flag(int type) { return ns_info[type].flag; }
const char *ns_proc_name(int type) { return ns_info[type].proc; }

void ns_plan_release(ns_plan *p)
{
	for (int i = 0; i < SPEC_NS_COUNT; i++) {
		if (p->join_fd[i] >= 0)
			close(p->join_fd[i]);
		p->join_fd[i] = -1;
	}
}

bool ns_plan_has_joins(const ns_plan *p)
{
	for (int i = 0; i < SPEC_NS_COUNT; i++)
		if (p->join_fd[i] >= 0)
			return true;
	return false;
}

static int open_ns_path(const spec_namespace *ns, size_t idx, lv_error **err)
{
	int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "linux.namespaces[%zu]: open %s namespace \"%s\"",
			      idx, ns_info[ns->type].what, ns->path);
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 || (uint64_t)type != ns_info[ns->type].flag) {
		close(fd);
		return lv_err(err, 0, "linux.namespaces[%zu]: \"%s\" is not a %s namespace",
			      idx, ns->path, ns_info[ns->type].what);
	}
	return fd;
}

static int check_mappings(const spec_config *cfg, const ns_plan *p, lv_error **err)
{
	const spec_linux *l = cfg->linux_;
	bool maps = l && (l->uid_mappings.n || l->gid_mappings.n);
	if (maps && !p->new_ns[SPEC_NS_USER])
		return lv_err(err, 0, "linux.uidMappings: id mappings need a new user namespace in linux.namespaces");
	if (p->new_ns[SPEC_NS_USER] && (!l || !l->uid_mappings.n || !l->gid_mappings.n))
		return lv_err(err, 0, "linux.namespaces: a new user namespace needs linux.uidMappings and linux.gidMappings");
	if (l && l->time_offsets.n && !p->new_ns[SPEC_NS_TIME])
		return lv_err(err, 0, "linux.timeOffsets: time offsets need a new time namespace in linux.namespaces");
	if (cfg->hostname && cfg->hostname[0] && !p->new_ns[SPEC_NS_UTS])
		return lv_err(err, 0, "hostname: setting the hostname needs a new uts namespace");
	if (cfg->domainname && cfg->domainname[0] && !p->new_ns[SPEC_NS_UTS])
		return lv_err(err, 0, "domainname: setting the domainname needs a new uts namespace");
	return 0;
}

int ns_plan_build(const spec_config *cfg, ns_plan *p, lv_error **err)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < SPEC_NS_COUNT; i++)
		p->join_fd[i] = -1;
	const spec_linux *l = cfg->linux_;
	for (size_t i = 0; l && i < l->namespaces.n; i++) {
		const spec_namespace *ns = &l->namespaces.v[i];
		if (ns->path && ns->path[0]) {
			int fd = open_ns_path(ns, i, err);
			if (fd < 0) {
				ns_plan_release(p);
				return -1;
			}
			p->join_fd[ns->type] = fd;
		} else {
			p->new_ns[ns->type] = true;
			p->new_flags |= ns_info[ns->type].flag;
		}
	}
	if (check_mappings(cfg, p, err) < 0 || ns_check_sysctl(cfg, p, err) < 0) {
		ns_plan_release(p);
		return -1;
	}
	return 0;
}

/* Inside a new user namespace, init would lack the privilege over a cgroup
 * namespace owned outside it: there the intermediate joins it, as before
 * the container's user namespace exists. */
static bool cgroup_join_deferred(const ns_plan *p)
{
	return !p->new_ns[SPEC_NS_USER];
}

int ns_join_paths(const ns_plan *p, lv_error **err)
{
	for (int k = 0; k < SPEC_NS_COUNT; k++) {
		int t = join_order[k];
		if (p->join_fd[t] < 0 || (t == SPEC_NS_CGROUP && cgroup_join_deferred(p)))
			continue;
		if (setns(p->join_fd[t], (int)ns_info[t].flag) < 0)
			return lv_err(err, errno, "join %s namespace", ns_info[t].what);
	}
	return 0;
}

static int format_map(const spec_id_mappings *m, char *buf, size_t size)
{
	size_t off = 0;
	for (size_t i = 0; i < m->n; i++) {
		int w = snprintf(buf + off, size - off, "%lu %lu %lu\n",
				 (unsigned long)m->v[i].container_id,
				 (unsigned long)m->v[i].host_id, (unsigned long)m->v[i].size);
		if (w < 0 || (size_t)w >= size - off)
			return -1;
		off += (size_t)w;
	}
	return (int)off;
}

static int write_map(pid_t pid, const char *file, const spec_id_mappings *m,
		     lv_error **err)
{
	char path[64], buf[8192];
	int len = format_map(m, buf, sizeof(buf));
	if (len < 0)
		return lv_err(err, E2BIG, "write %s of pid %d: too many mappings", file, pid);
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	return lv_write_file(path, buf, (size_t)len, err);
}

int ns_write_id_maps(pid_t pid, const spec_linux *l, lv_error **err)
{
	/* Without CAP_SETGID in the parent namespace, the kernel only accepts a
	 * gid_map after setgroups has been denied. */
	if (geteuid() != 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		if (lv_write_file(path, "deny", 4, err) < 0)
			return -1;
	}
	if (write_map(pid, "uid_map", &l->uid_mappings, err) < 0 ||
	    write_map(pid, "gid_map", &l->gid_mappings, err) < 0)
		return lv_err_wrap(err, "user namespace mappings");
	return 0;
}

int ns_enter_new_time(const spec_linux *l, lv_error **err)
{
	if (unshare(CLONE_NEWTIME) < 0)
		return lv_err(err, errno, "create time namespace");
	char buf[256];
	size_t off = 0;
	for (size_t i = 0; l && i < l->time_offsets.n; i++) {
		const spec_time_offset *o = &l->time_offsets.v[i];
		int w = snprintf(buf + off, sizeof(buf) - off, "%s %ld %lu\n", o->clock,
				 (long)o->secs, (unsigned long)o->nanosecs);
		if (w < 0 || (size_t)w >= sizeof(buf) - off)
			return lv_err(err, E2BIG, "linux.timeOffsets: too many offsets");
		off += (size_t)w;
	}
	if (off && lv_write_file("/proc/self/timens_offsets", buf, off, err) < 0)
		return lv_err_wrap(err, "linux.timeOffsets");
	_cleanup_close_ int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
		return lv_err(err, errno, "enter time namespace");
	return 0;
}

int ns_join_cgroup_path(const ns_plan *p, lv_error **err)
{
	int fd = p->join_fd[SPEC_NS_CGROUP];
	if (fd >= 0 && cgroup_join_deferred(p) && setns(fd, CLONE_NEWCGROUP) < 0)
		return lv_err(err, errno, "join cgroup namespace");
	return 0;
}

int ns_join_container(pid_t pid, int pidfd, bool *joined_pid, bool *cgroupns_left,
		      lv_error **err)
{
	uint64_t flags = 0;
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		char theirs[64], ours[64];
		struct stat a, b;
		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, ns_info[t].proc);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_info[t].proc);
		if (stat(theirs, &a) < 0) {
			if (errno == ENOENT)
				continue; /* namespace type not supported by this kernel */
			return lv_err(err, errno, "stat \"%s\"", theirs);
		}
		if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		flags |= ns_info[t].flag;
	}
	*joined_pid = flags & CLONE_NEWPID;
	*cgroupns_left = flags & CLONE_NEWCGROUP;
	flags &= ~(uint64_t)CLONE_NEWCGROUP;
	if (flags && setns(pidfd, (int)flags) < 0)
		return lv_err(err, errno, "join the namespaces of pid %d", pid);
	return 0;
}

/* Which namespace makes a sysctl key private to the container. */
static int sysctl_namespace(const char *key)
{
	static const char *const ipc_keys[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	for (size_t i = 0; i < sizeof(ipc_keys) / sizeof(ipc_keys[0]); i++)
		if (strcmp(key, ipc_keys[i]) == 0)
			return SPEC_NS_IPC;
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return SPEC_NS_IPC;
	if (strncmp(key, "net.", 4) == 0)
		return SPEC_NS_NETWORK;
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return SPEC_NS_UTS;
	return -1;
}

int ns_check_sysctl(const spec_config *cfg, const ns_plan *p, lv_error **err)
{
	const spec_linux *l = cfg->linux_;
	for (size_t i = 0; l && i < l->sysctl.n; i++) {
		const char *key = l->sysctl.v[i].key;
		int t = sysctl_namespace(key);
		if (t < 0)
			return lv_err(err, 0, "linux.sysctl: \"%s\" is not namespaced and cannot be set for a container", key);
		/* A joined namespace may be the host's: only a new one is surely private. */
		if (!p->new_ns[t] && p->join_fd[t] < 0)
			return lv_err(err, 0, "linux.sysctl: \"%s\" needs a private %s namespace", key,
				      ns_info[t].what);
	}
	return 0;
}
