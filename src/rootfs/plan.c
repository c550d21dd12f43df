/* rootfs_plan_build(): the config's root, mounts, devices and paths turned
 * into a plan, validated before clone.  No mount happens here; the only
 * syscalls are resolving and opening the rootfs directory. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "src/rootfs/plan.h"
#include "src/util/cleanup.h"

#define SELINUX_MAGIC 0xf97cff8c

char *rootfs_clean_path(const char *path)
{
	size_t len = strlen(path);
	char *out = malloc(len + 2);
	size_t o = 0;

	if (!out)
		return NULL;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = end;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static char *join_bundle(const char *bundle, const char *path)
{
	char *s = NULL;
	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&s, "%s/%s", bundle && *bundle ? bundle : ".", path) < 0)
		return NULL;
	return s;
}

static void mount_free(rootfs_mount *m)
{
	free(m->destination);
	free(m->source);
	free(m->type);
	free(m->fstype);
	free(m->uid_map);
	free(m->gid_map);
	rootfs_mount_opts_clear(&m->o);
}

void rootfs_plan_free(rootfs_plan *p)
{
	if (!p)
		return;
	free(p->root_path);
	for (size_t i = 0; i < p->nmounts; i++)
		mount_free(&p->mounts[i]);
	free(p->mounts);
	for (size_t i = 0; i < p->ndevices; i++)
		free(p->devices[i].path);
	free(p->devices);
	for (size_t i = 0; i < p->nmasked; i++)
		free(p->masked[i]);
	free(p->masked);
	for (size_t i = 0; i < p->nreadonly; i++)
		free(p->readonly_paths[i]);
	free(p->readonly_paths);
	free(p->mount_label);
	free(p->cgroup_path);
	if (p->rt && p->rt->root_fd >= 0)
		close(p->rt->root_fd);
	if (p->rt && p->rt->root_mnt >= 0)
		close(p->rt->root_mnt);
	if (p->rt && p->rt->premade) {
		for (size_t i = 0; i < p->nmounts; i++)
			if (p->rt->premade[i] >= 0)
				close(p->rt->premade[i]);
		free(p->rt->premade);
	}
	free(p->rt);
	free(p);
}

const char *rootfs_plan_path(const rootfs_plan *p)
{
	return p->root_path;
}

static int plan_root(rootfs_plan *p, const spec_config *cfg, const char *bundle,
		     lv_error **err)
{
	if (!cfg->root || !cfg->root->path || !*cfg->root->path)
		return lv_err(err, 0, "root.path is not set");
	_cleanup_free_ char *joined = join_bundle(bundle, cfg->root->path);
	if (!joined)
		return lv_err(err, errno, "root.path");
	p->root_path = realpath(joined, NULL);
	if (!p->root_path)
		return lv_err(err, errno, "root.path \"%s\"", joined);
	p->rt->root_fd = open(p->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (p->rt->root_fd < 0)
		return lv_err(err, errno, "root.path \"%s\"", p->root_path);
	p->readonly = cfg->root->readonly;
	return 0;
}

static bool selinux_enabled(void)
{
	struct statfs sf;
	return statfs("/sys/fs/selinux", &sf) == 0 && sf.f_type == SELINUX_MAGIC;
}

static int copy_maps(const spec_id_mappings *in, spec_id_mapping **out, size_t *n)
{
	if (in->n == 0)
		return 0;
	*out = calloc(in->n, sizeof(**out));
	if (!*out)
		return -1;
	memcpy(*out, in->v, in->n * sizeof(**out));
	*n = in->n;
	return 0;
}

/* Decides the mount's kind and checks that its options fit that kind. */
static int plan_kind(rootfs_mount *m, const rootfs_plan *p, const char *what,
		     lv_error **err)
{
	const rootfs_mount_opts *o = &m->o;
	const unsigned long sb_flags = MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK |
				       MS_LAZYTIME | MS_POSIXACL | MS_I_VERSION;

	if (o->flags & MS_REMOUNT)
		m->kind = ROOTFS_MOUNT_REMOUNT;
	else if ((o->flags & MS_BIND) || strcmp(m->type, "bind") == 0)
		m->kind = ROOTFS_MOUNT_BIND;
	else
		m->kind = ROOTFS_MOUNT_FS;
	m->recursive = (o->flags & MS_REC) != 0;

	if (m->kind == ROOTFS_MOUNT_FS && (!*m->type || strcmp(m->type, "none") == 0))
		return lv_err(err, 0, "mount %s: no filesystem type and no bind option", what);
	if (o->tmpcopyup && (m->kind != ROOTFS_MOUNT_FS || strcmp(m->fstype, "tmpfs") != 0))
		return lv_err(err, 0, "mount %s: tmpcopyup is only valid for tmpfs", what);
	if (m->kind == ROOTFS_MOUNT_BIND && o->ndata > 0)
		return lv_err(err, 0, "mount %s: option \"%s\" is not valid for a bind mount",
			      what, o->data[0]);
	if (m->kind == ROOTFS_MOUNT_BIND && (o->flags & sb_flags))
		return lv_err(err, 0, "mount %s: filesystem flags (sync, dirsync, mand, "
			      "lazytime, acl, iversion) are not valid for a bind mount", what);
	if ((o->idmap || m->n_uid_map || m->n_gid_map) && m->kind != ROOTFS_MOUNT_BIND)
		return lv_err(err, 0, "mount %s: idmapped mounts must be bind mounts", what);
	if ((m->n_uid_map == 0) != (m->n_gid_map == 0))
		return lv_err(err, 0, "mount %s: uidMappings and gidMappings must be given together",
			      what);
	if (m->n_uid_map)
		m->o.idmap = true;
	if (m->o.idmap && !m->n_uid_map && !p->opts.userns)
		return lv_err(err, 0, "mount %s: idmap needs uidMappings/gidMappings or a user namespace",
			      what);
	return 0;
}

static int plan_mount(rootfs_plan *p, const spec_mount *sm, const char *bundle,
		      rootfs_mount *m, lv_error **err)
{
	_cleanup_free_ char *what = NULL;

	if (!sm->destination || !*sm->destination)
		return lv_err(err, 0, "mount: destination is not set");
	if (asprintf(&what, "\"%s\"", sm->destination) < 0)
		return lv_err(err, errno, "mount");
	if (!(m->destination = rootfs_clean_path(sm->destination)))
		return lv_err(err, errno, "mount %s", what);
	if (strcmp(m->destination, "/") == 0)
		return lv_err(err, 0, "mount %s: cannot mount over the container's root", what);
	if (rootfs_parse_options(sm, what, &m->o, err) < 0)
		return -1;
	m->type = strdup(sm->type ? sm->type : "");
	m->fstype = strdup(sm->type && strcmp(sm->type, "cgroup") == 0 ? "cgroup2" : m->type);
	if (!m->type || !m->fstype || copy_maps(&sm->uid_mappings, &m->uid_map, &m->n_uid_map) < 0 ||
	    copy_maps(&sm->gid_mappings, &m->gid_map, &m->n_gid_map) < 0)
		return lv_err(err, errno, "mount %s", what);
	if (plan_kind(m, p, what, err) < 0)
		return -1;

	if (m->kind == ROOTFS_MOUNT_BIND) {
		if (!sm->source || !*sm->source)
			return lv_err(err, 0, "mount %s: a bind mount needs a source", what);
		m->source = join_bundle(bundle, sm->source);
	} else {
		m->source = strdup(sm->source && *sm->source ? sm->source : m->fstype);
	}
	if (!m->source)
		return lv_err(err, errno, "mount %s", what);

	if (p->mount_label && m->kind == ROOTFS_MOUNT_FS && strcmp(m->fstype, "proc") != 0 &&
	    strcmp(m->fstype, "sysfs") != 0 && strcmp(m->fstype, "cgroup2") != 0) {
		_cleanup_free_ char *ctx = NULL;
		if (asprintf(&ctx, "context=\"%s\"", p->mount_label) < 0)
			return lv_err(err, errno, "mount %s", what);
		char **v = realloc(m->o.data, (m->o.ndata + 2) * sizeof(*v));
		if (!v)
			return lv_err(err, errno, "mount %s", what);
		m->o.data = v;
		v[m->o.ndata++] = steal_ptr(ctx);
		v[m->o.ndata] = NULL;
	}
	return 0;
}

static const struct {
	const char *path;
	unsigned int major, minor;
} default_devices[] = {
	{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static int plan_device(const spec_device *d, rootfs_device *out, lv_error **err)
{
	const char *t = d->type ? d->type : "";

	if (!d->path || d->path[0] != '/')
		return lv_err(err, 0, "linux.devices: path \"%s\" is not absolute",
			      d->path ? d->path : "");
	if (strcmp(t, "c") == 0 || strcmp(t, "u") == 0)
		out->type = S_IFCHR;
	else if (strcmp(t, "b") == 0)
		out->type = S_IFBLK;
	else if (strcmp(t, "p") == 0)
		out->type = S_IFIFO;
	else
		return lv_err(err, 0, "linux.devices \"%s\": unknown type \"%s\"", d->path, t);
	if (out->type != S_IFIFO && (!d->major.set || !d->minor.set))
		return lv_err(err, 0, "linux.devices \"%s\": major and minor are required", d->path);
	if (d->major.value < 0 || d->minor.value < 0 || d->major.value > 0xfff ||
	    d->minor.value > 0xfffff)
		return lv_err(err, 0, "linux.devices \"%s\": major/minor out of range", d->path);
	out->major = (unsigned int)d->major.value;
	out->minor = (unsigned int)d->minor.value;
	out->mode = d->file_mode.set ? (mode_t)(d->file_mode.value & 07777) : 0666;
	out->uid = d->uid.set ? (uid_t)d->uid.value : 0;
	out->gid = d->gid.set ? (gid_t)d->gid.value : 0;
	if (!(out->path = rootfs_clean_path(d->path)))
		return lv_err(err, errno, "linux.devices");
	if (strcmp(out->path, "/") == 0)
		return lv_err(err, 0, "linux.devices: path \"%s\" is the root", d->path);
	return 0;
}

static int plan_devices(rootfs_plan *p, const spec_linux *lx, lv_error **err)
{
	size_t n = lx ? lx->devices.n : 0;

	p->devices = calloc(n + sizeof(default_devices) / sizeof(default_devices[0]),
			    sizeof(*p->devices));
	if (!p->devices)
		return lv_err(err, errno, "linux.devices");
	for (size_t i = 0; i < n; i++, p->ndevices++)
		if (plan_device(&lx->devices.v[i], &p->devices[i], err) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		bool given = false;
		for (size_t j = 0; j < n; j++)
			given |= strcmp(p->devices[j].path, default_devices[i].path) == 0;
		if (given)
			continue;
		rootfs_device *d = &p->devices[p->ndevices];
		*d = (rootfs_device){ .type = S_IFCHR, .major = default_devices[i].major,
				      .minor = default_devices[i].minor, .mode = 0666 };
		if (!(d->path = strdup(default_devices[i].path)))
			return lv_err(err, errno, "devices");
		p->ndevices++;
	}
	return 0;
}

static int plan_paths(const spec_strv *in, char ***out, size_t *n, const char *field,
		      lv_error **err)
{
	if (in->n == 0)
		return 0;
	if (!(*out = calloc(in->n, sizeof(char *))))
		return lv_err(err, errno, "%s", field);
	for (size_t i = 0; i < in->n; i++, (*n)++) {
		if (in->v[i][0] != '/')
			return lv_err(err, 0, "%s: path \"%s\" is not absolute", field, in->v[i]);
		if (!((*out)[i] = rootfs_clean_path(in->v[i])))
			return lv_err(err, errno, "%s", field);
	}
	return 0;
}

static int plan_linux(rootfs_plan *p, const spec_linux *lx, lv_error **err)
{
	if (!lx)
		return 0;
	if (lx->rootfs_propagation && *lx->rootfs_propagation) {
		p->root_propagation = rootfs_propagation_flag(lx->rootfs_propagation);
		if (!p->root_propagation)
			return lv_err(err, 0, "linux.rootfsPropagation: unknown propagation \"%s\"",
				      lx->rootfs_propagation);
	}
	if (lx->mount_label && *lx->mount_label) {
		if (!selinux_enabled())
			return lv_err(err, 0, "linux.mountLabel \"%s\": SELinux is not enabled "
				      "on this host", lx->mount_label);
		if (!(p->mount_label = strdup(lx->mount_label)))
			return lv_err(err, errno, "linux.mountLabel");
	}
	if (plan_paths(&lx->masked_paths, &p->masked, &p->nmasked, "linux.maskedPaths", err) < 0 ||
	    plan_paths(&lx->readonly_paths, &p->readonly_paths, &p->nreadonly,
		       "linux.readonlyPaths", err) < 0)
		return -1;
	return 0;
}

int rootfs_plan_build(const spec_config *cfg, const char *bundle,
		      const rootfs_options *opts, rootfs_plan **out, lv_error **err)
{
	rootfs_plan *p = calloc(1, sizeof(*p));

	if (!p)
		return lv_err(err, errno, "rootfs plan");
	if (!(p->rt = calloc(1, sizeof(*p->rt)))) {
		free(p);
		return lv_err(err, errno, "rootfs plan");
	}
	p->rt->root_fd = -1;
	p->rt->root_mnt = -1;
	if (opts)
		p->opts = *opts;
	if (p->opts.cgroup_path) {
		int e = p->opts.cgroup_path[0] != '/' ? EINVAL : 0;
		if (!e && !(p->cgroup_path = strdup(p->opts.cgroup_path)))
			e = errno;
		if (e) {
			rootfs_plan_free(p);
			return lv_err(err, e, "cgroup path \"%s\"", opts->cgroup_path);
		}
		p->opts.cgroup_path = p->cgroup_path;
	}
	p->setup_dev = true;
	if (plan_linux(p, cfg->linux_, err) < 0 || plan_root(p, cfg, bundle, err) < 0)
		goto fail;
	if (cfg->mounts.n && !(p->mounts = calloc(cfg->mounts.n, sizeof(*p->mounts)))) {
		lv_err(err, errno, "mounts");
		goto fail;
	}
	for (size_t i = 0; i < cfg->mounts.n; i++) {
		rootfs_mount *m = &p->mounts[p->nmounts++];
		if (plan_mount(p, &cfg->mounts.v[i], bundle, m, err) < 0)
			goto fail;
		if (m->kind == ROOTFS_MOUNT_BIND && strcmp(m->destination, "/dev") == 0)
			p->setup_dev = false;
	}
	if (plan_devices(p, cfg->linux_, err) < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	rootfs_plan_free(p);
	return -1;
}
