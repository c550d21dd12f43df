/* The rootfs plan: option tables, validation and messages.  No root needed. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/rootfs/plan.h"

static char bundle[PATH_MAX];

static void make_bundle(void)
{
	char rootfs[PATH_MAX + 16];
	strcpy(bundle, "/tmp/lieve-rootfs-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(bundle));
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	cr_assert_eq(mkdir(rootfs, 0755), 0);
}

/* Test data from mnt(), released after each test. */
static void *garbage[64];
static size_t ngarbage;

static void *keep(void *p)
{
	cr_assert_lt(ngarbage, sizeof(garbage) / sizeof(garbage[0]));
	return garbage[ngarbage++] = p;
}

static void remove_bundle(void)
{
	while (ngarbage)
		free(garbage[--ngarbage]);
	char rootfs[PATH_MAX + 16];
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	rmdir(rootfs);
	rmdir(bundle);
}

TestSuite(plan, .init = make_bundle, .fini = remove_bundle);

/* ---- a config built in C ---- */

static spec_mount mnt(const char *dest, const char *type, const char *src, const char *opts)
{
	spec_mount m = { .destination = (char *)dest, .type = (char *)type, .source = (char *)src };
	char **opts_store = keep(calloc(16, sizeof(char *)));
	size_t n = 0;
	if (opts) {
		char *copy = keep(strdup(opts));
		for (char *t = strtok(copy, ","); t; t = strtok(NULL, ","))
			opts_store[n++] = t;
	}
	opts_store[n] = NULL;
	m.options.v = n ? opts_store : NULL;
	m.options.n = n;
	return m;
}

static spec_root root_rel = { .path = "rootfs" };

static int build(spec_mount *mounts, size_t n, spec_linux *lx, rootfs_plan **p, lv_error **err)
{
	spec_config cfg = { .root = &root_rel, .linux_ = lx };
	rootfs_options o = { .new_mount_ns = true };
	cfg.mounts.v = mounts;
	cfg.mounts.n = n;
	return rootfs_plan_build(&cfg, bundle, &o, p, err);
}

static void expect_error(spec_mount m, const char *msg)
{
	rootfs_plan *p = NULL;
	lv_error *err = NULL;
	cr_assert_lt(build(&m, 1, NULL, &p, &err), 0);
	cr_assert_null(p);
	cr_assert_not_null(err);
	cr_assert_str_eq(err->msg, msg);
	lv_err_free(err);
}

/* ---- every option in runc's tables ---- */

struct opt_case {
	const char *opt;
	unsigned long flags, clear;
	uint64_t rec_set, rec_clr;
	unsigned long prop;
};

static const struct opt_case cases[] = {
	{ "acl", MS_POSIXACL, 0, 0, 0, 0 },
	{ "async", 0, MS_SYNCHRONOUS, 0, 0, 0 },
	{ "atime", 0, MS_NOATIME, 0, 0, 0 },
	{ "bind", MS_BIND, 0, 0, 0, 0 },
	{ "defaults", 0, 0, 0, 0, 0 },
	{ "dev", 0, MS_NODEV, 0, 0, 0 },
	{ "diratime", 0, MS_NODIRATIME, 0, 0, 0 },
	{ "dirsync", MS_DIRSYNC, 0, 0, 0, 0 },
	{ "exec", 0, MS_NOEXEC, 0, 0, 0 },
	{ "iversion", MS_I_VERSION, 0, 0, 0, 0 },
	{ "lazytime", MS_LAZYTIME, 0, 0, 0, 0 },
	{ "loud", 0, MS_SILENT, 0, 0, 0 },
	{ "mand", MS_MANDLOCK, 0, 0, 0, 0 },
	{ "noacl", 0, MS_POSIXACL, 0, 0, 0 },
	{ "noatime", MS_NOATIME, 0, 0, 0, 0 },
	{ "nodev", MS_NODEV, 0, 0, 0, 0 },
	{ "nodiratime", MS_NODIRATIME, 0, 0, 0, 0 },
	{ "noexec", MS_NOEXEC, 0, 0, 0, 0 },
	{ "noiversion", 0, MS_I_VERSION, 0, 0, 0 },
	{ "nolazytime", 0, MS_LAZYTIME, 0, 0, 0 },
	{ "nomand", 0, MS_MANDLOCK, 0, 0, 0 },
	{ "norelatime", 0, MS_RELATIME, 0, 0, 0 },
	{ "nostrictatime", 0, MS_STRICTATIME, 0, 0, 0 },
	{ "nosuid", MS_NOSUID, 0, 0, 0, 0 },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0, 0, 0, 0 },
	{ "rbind", MS_BIND | MS_REC, 0, 0, 0, 0 },
	{ "relatime", MS_RELATIME, 0, 0, 0, 0 },
	{ "remount", MS_REMOUNT, 0, 0, 0, 0 },
	{ "ro", MS_RDONLY, 0, 0, 0, 0 },
	{ "rw", 0, MS_RDONLY, 0, 0, 0 },
	{ "silent", MS_SILENT, 0, 0, 0, 0 },
	{ "strictatime", MS_STRICTATIME, 0, 0, 0, 0 },
	{ "suid", 0, MS_NOSUID, 0, 0, 0 },
	{ "sync", MS_SYNCHRONOUS, 0, 0, 0, 0 },
	{ "symfollow", 0, MS_NOSYMFOLLOW, 0, 0, 0 },
	{ "private", 0, 0, 0, 0, MS_PRIVATE },
	{ "shared", 0, 0, 0, 0, MS_SHARED },
	{ "slave", 0, 0, 0, 0, MS_SLAVE },
	{ "unbindable", 0, 0, 0, 0, MS_UNBINDABLE },
	{ "rprivate", 0, 0, 0, 0, MS_PRIVATE | MS_REC },
	{ "rshared", 0, 0, 0, 0, MS_SHARED | MS_REC },
	{ "rslave", 0, 0, 0, 0, MS_SLAVE | MS_REC },
	{ "runbindable", 0, 0, 0, 0, MS_UNBINDABLE | MS_REC },
	{ "rro", 0, 0, MOUNT_ATTR_RDONLY, 0, 0 },
	{ "rrw", 0, 0, 0, MOUNT_ATTR_RDONLY, 0 },
	{ "rnosuid", 0, 0, MOUNT_ATTR_NOSUID, 0, 0 },
	{ "rsuid", 0, 0, 0, MOUNT_ATTR_NOSUID, 0 },
	{ "rnodev", 0, 0, MOUNT_ATTR_NODEV, 0, 0 },
	{ "rdev", 0, 0, 0, MOUNT_ATTR_NODEV, 0 },
	{ "rnoexec", 0, 0, MOUNT_ATTR_NOEXEC, 0, 0 },
	{ "rexec", 0, 0, 0, MOUNT_ATTR_NOEXEC, 0 },
	{ "rnodiratime", 0, 0, MOUNT_ATTR_NODIRATIME, 0, 0 },
	{ "rdiratime", 0, 0, 0, MOUNT_ATTR_NODIRATIME, 0 },
	{ "rnosymfollow", 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0, 0 },
	{ "rsymfollow", 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0 },
	{ "rrelatime", 0, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0 },
	{ "rnorelatime", 0, 0, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, 0 },
	{ "rnoatime", 0, 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, 0 },
	{ "ratime", 0, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0 },
	{ "rstrictatime", 0, 0, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, 0 },
	{ "rnostrictatime", 0, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0 },
};

Test(options, every_option_in_the_tables)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct opt_case *c = &cases[i];
		char *v[] = { (char *)c->opt, NULL };
		spec_mount m = { .destination = "/x", .options = { v, 1 } };
		rootfs_mount_opts o;
		lv_error *err = NULL;

		cr_assert_eq(rootfs_parse_options(&m, "\"/x\"", &o, &err), 0, "%s", c->opt);
		cr_expect_eq(o.flags, c->flags, "%s: flags %#lx", c->opt, o.flags);
		cr_expect_eq(o.clear, c->clear, "%s: clear %#lx", c->opt, o.clear);
		cr_expect_eq(o.rec_set, c->rec_set, "%s: rec_set", c->opt);
		cr_expect_eq(o.rec_clr, c->rec_clr, "%s: rec_clr", c->opt);
		cr_expect_eq(o.npropagation, c->prop ? 1u : 0u, "%s", c->opt);
		if (c->prop)
			cr_expect_eq(o.propagation[0], c->prop, "%s", c->opt);
		cr_expect_eq(o.ndata, 0u, "%s is not data", c->opt);
		rootfs_mount_opts_clear(&o);
	}
}

Test(options, extensions_and_data)
{
	spec_mount m = mnt("/x", "tmpfs", "tmpfs",
			   "tmpcopyup,mode=755,size=64k,newinstance,nosuid,rshared,rslave");
	rootfs_mount_opts o;
	lv_error *err = NULL;

	cr_assert_eq(rootfs_parse_options(&m, "\"/x\"", &o, &err), 0);
	cr_expect(o.tmpcopyup);
	cr_assert_eq(o.ndata, 3);
	cr_expect_str_eq(o.data[0], "mode=755");
	cr_expect_str_eq(o.data[1], "size=64k");
	cr_expect_str_eq(o.data[2], "newinstance");
	cr_expect_null(o.data[3]);
	cr_expect_eq(o.flags, MS_NOSUID);
	cr_assert_eq(o.npropagation, 2);
	cr_expect_eq(o.propagation[0], MS_SHARED | MS_REC);
	cr_expect_eq(o.propagation[1], MS_SLAVE | MS_REC);
	rootfs_mount_opts_clear(&o);
}

Test(options, later_option_wins)
{
	spec_mount m = mnt("/x", "tmpfs", "tmpfs", "ro,rw,nosuid,suid,noexec,rro,rrw");
	rootfs_mount_opts o;
	lv_error *err = NULL;

	cr_assert_eq(rootfs_parse_options(&m, "\"/x\"", &o, &err), 0);
	cr_expect_eq(o.flags, MS_NOEXEC);
	cr_expect_eq(o.clear, MS_RDONLY | MS_NOSUID);
	cr_expect_eq(o.rec_set, 0);
	cr_expect_eq(o.rec_clr, MOUNT_ATTR_RDONLY);
	rootfs_mount_opts_clear(&o);
}

Test(options, idmap_and_ridmap)
{
	spec_mount m = mnt("/x", "bind", "/", "ridmap");
	rootfs_mount_opts o;
	lv_error *err = NULL;

	cr_assert_eq(rootfs_parse_options(&m, "\"/x\"", &o, &err), 0);
	cr_expect(o.idmap && o.idmap_recursive);
	rootfs_mount_opts_clear(&o);
	m = mnt("/x", "bind", "/", "idmap");
	cr_assert_eq(rootfs_parse_options(&m, "\"/x\"", &o, &err), 0);
	cr_expect(o.idmap && !o.idmap_recursive);
	rootfs_mount_opts_clear(&o);
}

Test(plan, unknown_option_names_mount_and_option)
{
	expect_error(mnt("/data", "tmpfs", "tmpfs", "nosuid,bogus"),
		     "mount \"/data\": unknown mount option \"bogus\"");
	expect_error(mnt("/data", "tmpfs", "tmpfs", "=x"),
		     "mount \"/data\": unknown mount option \"=x\"");
}

Test(options, ms_to_attr_follows_mount2_precedence)
{
	cr_expect_eq(rootfs_ms_to_attr(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC),
		     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	cr_expect_eq(rootfs_ms_to_attr(MS_NOATIME | MS_STRICTATIME), MOUNT_ATTR_STRICTATIME);
	cr_expect_eq(rootfs_ms_to_attr(MS_NOATIME | MS_RELATIME), MOUNT_ATTR_NOATIME);
	cr_expect_eq(rootfs_ms_to_attr(MS_RELATIME), MOUNT_ATTR_RELATIME);
	cr_expect_eq(rootfs_ms_to_attr(MS_NODIRATIME | MS_NOSYMFOLLOW),
		     MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW);
	cr_expect_eq(rootfs_ms_to_attr(MS_BIND | MS_REC | MS_SYNCHRONOUS), 0);
}

Test(options, propagation_names)
{
	cr_expect_eq(rootfs_propagation_flag("rslave"), MS_SLAVE | MS_REC);
	cr_expect_eq(rootfs_propagation_flag("shared"), MS_SHARED);
	cr_expect_eq(rootfs_propagation_flag("rshared"), MS_SHARED | MS_REC);
	cr_expect_eq(rootfs_propagation_flag("slavery"), 0);
}

Test(options, clean_path)
{
	static const char *const io[][2] = {
		{ "/", "/" }, { "", "/" }, { "/a//b/", "/a/b" }, { "/a/./b", "/a/b" },
		{ "/a/../../../etc", "/etc" }, { "../..", "/" }, { "rel/x", "/rel/x" },
		{ "/a/b/..", "/a" },
	};
	for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++) {
		char *c = rootfs_clean_path(io[i][0]);
		cr_expect_str_eq(c, io[i][1], "clean(%s)", io[i][0]);
		free(c);
	}
}

/* ---- plan building ---- */

Test(plan, relative_root_is_relative_to_the_bundle)
{
	rootfs_plan *p = NULL;
	lv_error *err = NULL;
	char want[PATH_MAX + 16];

	cr_assert_eq(build(NULL, 0, NULL, &p, &err), 0, "%s", err ? err->msg : "");
	snprintf(want, sizeof(want), "%s/rootfs", bundle);
	cr_expect_str_eq(rootfs_plan_path(p), want);
	cr_expect_geq(p->rt->root_fd, 0);
	cr_expect(p->setup_dev);
	rootfs_plan_free(p);
}

Test(plan, absolute_root_and_readonly)
{
	char abs[PATH_MAX + 16];
	snprintf(abs, sizeof(abs), "%s/./rootfs/", bundle);
	spec_root r = { .path = abs, .readonly = true };
	spec_config cfg = { .root = &r };
	rootfs_plan *p = NULL;
	lv_error *err = NULL;

	cr_assert_eq(rootfs_plan_build(&cfg, "/nonexistent-bundle", NULL, &p, &err), 0);
	snprintf(abs, sizeof(abs), "%s/rootfs", bundle);
	cr_expect_str_eq(rootfs_plan_path(p), abs);
	cr_expect(p->readonly);
	rootfs_plan_free(p);
}

Test(plan, missing_root)
{
	spec_root r = { .path = "nope" };
	spec_config cfg = { .root = &r };
	rootfs_plan *p = NULL;
	lv_error *err = NULL;
	char want[PATH_MAX + 64];

	cr_assert_lt(rootfs_plan_build(&cfg, bundle, NULL, &p, &err), 0);
	snprintf(want, sizeof(want), "root.path \"%s/nope\": No such file or directory", bundle);
	cr_expect_str_eq(err->msg, want);
	lv_err_free(err);
	err = NULL;
	cfg.root = NULL;
	cr_assert_lt(rootfs_plan_build(&cfg, bundle, NULL, &p, &err), 0);
	cr_expect_str_eq(err->msg, "root.path is not set");
	lv_err_free(err);
}

Test(plan, mount_kinds_and_sources)
{
	spec_mount m[] = {
		mnt("/proc", "proc", "proc", NULL),
	};
	spec_mount all[5];
	all[0] = m[0];
	all[1] = mnt("/sys/fs/cgroup", "cgroup", "cgroup", NULL);
	spec_mount b = mnt("data/../../x", "none", "host-dir", "rbind,ro");
	all[2] = b;
	all[3] = mnt("/y", "bind", "/etc/hostname", NULL);
	all[4] = mnt("/t", "tmpfs", NULL, "remount,ro");
	rootfs_plan *p = NULL;
	lv_error *err = NULL;
	char want[PATH_MAX + 16];

	cr_assert_eq(build(all, 5, NULL, &p, &err), 0, "%s", err ? err->msg : "");
	cr_assert_eq(p->nmounts, 5);
	cr_expect_eq(p->mounts[0].kind, ROOTFS_MOUNT_FS);
	cr_expect_str_eq(p->mounts[1].fstype, "cgroup2");
	cr_expect_str_eq(p->mounts[1].type, "cgroup");
	cr_expect_eq(p->mounts[2].kind, ROOTFS_MOUNT_BIND);
	cr_expect(p->mounts[2].recursive);
	cr_expect_str_eq(p->mounts[2].destination, "/x");
	snprintf(want, sizeof(want), "%s/host-dir", bundle);
	cr_expect_str_eq(p->mounts[2].source, want);
	cr_expect_eq(p->mounts[3].kind, ROOTFS_MOUNT_BIND);
	cr_expect_not(p->mounts[3].recursive);
	cr_expect_eq(p->mounts[4].kind, ROOTFS_MOUNT_REMOUNT);
	cr_expect_str_eq(p->mounts[4].source, "tmpfs");
	rootfs_plan_free(p);
}

Test(plan, dev_bind_skips_device_setup)
{
	spec_mount m = mnt("/dev", "bind", "/dev", "rbind");
	rootfs_plan *p = NULL;
	lv_error *err = NULL;

	cr_assert_eq(build(&m, 1, NULL, &p, &err), 0);
	cr_expect_not(p->setup_dev);
	rootfs_plan_free(p);
}

Test(plan, invalid_mounts)
{
	expect_error(mnt(NULL, "tmpfs", "tmpfs", NULL), "mount: destination is not set");
	expect_error(mnt("/", "tmpfs", "tmpfs", NULL),
		     "mount \"/\": cannot mount over the container's root");
	expect_error(mnt("/x", "bind", NULL, "rbind"), "mount \"/x\": a bind mount needs a source");
	expect_error(mnt("/x", NULL, "/src", "ro"),
		     "mount \"/x\": no filesystem type and no bind option");
	expect_error(mnt("/x", "none", "/src", NULL),
		     "mount \"/x\": no filesystem type and no bind option");
	expect_error(mnt("/x", "bind", "/src", "bind,mode=755"),
		     "mount \"/x\": option \"mode=755\" is not valid for a bind mount");
	expect_error(mnt("/x", "bind", "/src", "bind,sync"),
		     "mount \"/x\": filesystem flags (sync, dirsync, mand, lazytime, acl, "
		     "iversion) are not valid for a bind mount");
	expect_error(mnt("/x", "bind", "/src", "bind,tmpcopyup"),
		     "mount \"/x\": tmpcopyup is only valid for tmpfs");
	expect_error(mnt("/x", "proc", "proc", "tmpcopyup"),
		     "mount \"/x\": tmpcopyup is only valid for tmpfs");
	expect_error(mnt("/x", "tmpfs", "tmpfs", "idmap"),
		     "mount \"/x\": idmapped mounts must be bind mounts");
	expect_error(mnt("/x", "bind", "/src", "bind,idmap"),
		     "mount \"/x\": idmap needs uidMappings/gidMappings or a user namespace");
}

Test(plan, idmap_mappings_must_pair)
{
	spec_id_mapping one = { 0, 1000, 1 };
	spec_mount m = mnt("/x", "bind", "/src", "bind");
	rootfs_plan *p = NULL;
	lv_error *err = NULL;

	m.uid_mappings.v = &one;
	m.uid_mappings.n = 1;
	cr_assert_lt(build(&m, 1, NULL, &p, &err), 0);
	cr_expect_str_eq(err->msg, "mount \"/x\": uidMappings and gidMappings must be given together");
	lv_err_free(err);
	err = NULL;
	m.gid_mappings.v = &one;
	m.gid_mappings.n = 1;
	cr_assert_eq(build(&m, 1, NULL, &p, &err), 0);
	cr_expect(p->mounts[0].o.idmap);
	cr_expect_eq(p->mounts[0].n_uid_map, 1);
	cr_expect_eq(p->mounts[0].uid_map[0].host_id, 1000);
	rootfs_plan_free(p);
}

Test(plan, devices_defaults_and_overrides)
{
	spec_device d[] = {
		{ .type = "c", .path = "/dev/null", .major = { 1, true }, .minor = { 3, true },
		  .file_mode = { 0600, true }, .uid = { 7, true }, .gid = { 8, true } },
		{ .type = "p", .path = "/dev/fifo" },
		{ .type = "b", .path = "/dev/../dev/loop9", .major = { 7, true }, .minor = { 9, true } },
	};
	spec_linux lx = { .devices = { d, 3 } };
	rootfs_plan *p = NULL;
	lv_error *err = NULL;

	cr_assert_eq(build(NULL, 0, &lx, &p, &err), 0, "%s", err ? err->msg : "");
	cr_assert_eq(p->ndevices, 3 + 5);
	cr_expect_str_eq(p->devices[0].path, "/dev/null");
	cr_expect_eq(p->devices[0].mode, 0600);
	cr_expect_eq(p->devices[0].uid, 7);
	cr_expect_eq(p->devices[0].gid, 8);
	cr_expect_eq(p->devices[1].type, S_IFIFO);
	cr_expect_eq(p->devices[2].type, S_IFBLK);
	cr_expect_str_eq(p->devices[2].path, "/dev/loop9");
	cr_expect_eq(p->devices[2].mode, 0666);
	for (size_t i = 3; i < p->ndevices; i++)
		cr_expect_str_neq(p->devices[i].path, "/dev/null");
	cr_expect_str_eq(p->devices[7].path, "/dev/tty");
	cr_expect_eq(p->devices[7].major, 5);
	rootfs_plan_free(p);
}

Test(plan, invalid_devices)
{
	spec_device d = { .type = "x", .path = "/dev/x", .major = { 1, true }, .minor = { 1, true } };
	spec_linux lx = { .devices = { &d, 1 } };
	rootfs_plan *p = NULL;
	lv_error *err = NULL;

	cr_assert_lt(build(NULL, 0, &lx, &p, &err), 0);
	cr_expect_str_eq(err->msg, "linux.devices \"/dev/x\": unknown type \"x\"");
	lv_err_free(err);
	err = NULL;
	d.type = "c";
	d.minor.set = false;
	cr_assert_lt(build(NULL, 0, &lx, &p, &err), 0);
	cr_expect_str_eq(err->msg, "linux.devices \"/dev/x\": major and minor are required");
	lv_err_free(err);
}

Test(plan, linux_paths_propagation_label)
{
	char *masked[] = { "/proc/kcore", "/proc//keys/", NULL };
	char *bad[] = { "proc/kcore", NULL };
	spec_linux lx = { .masked_paths = { masked, 2 }, .rootfs_propagation = "rshared" };
	rootfs_plan *p = NULL;
	lv_error *err = NULL;

	cr_assert_eq(build(NULL, 0, &lx, &p, &err), 0);
	cr_expect_eq(p->root_propagation, MS_SHARED | MS_REC);
	cr_assert_eq(p->nmasked, 2);
	cr_expect_str_eq(p->masked[1], "/proc/keys");
	rootfs_plan_free(p);

	lx.rootfs_propagation = "sideways";
	cr_assert_lt(build(NULL, 0, &lx, &p, &err), 0);
	cr_expect_str_eq(err->msg, "linux.rootfsPropagation: unknown propagation \"sideways\"");
	lv_err_free(err);
	err = NULL;

	lx.rootfs_propagation = NULL;
	lx.readonly_paths = (spec_strv){ bad, 1 };
	cr_assert_lt(build(NULL, 0, &lx, &p, &err), 0);
	cr_expect_str_eq(err->msg, "linux.readonlyPaths: path \"proc/kcore\" is not absolute");
	lv_err_free(err);
	err = NULL;

	if (access("/sys/fs/selinux/enforce", F_OK) == 0)
		return;
	lx.readonly_paths = (spec_strv){ 0 };
	lx.mount_label = "system_u:object_r:container_file_t:s0";
	cr_assert_lt(build(NULL, 0, &lx, &p, &err), 0);
	cr_expect_str_eq(err->msg, "linux.mountLabel \"system_u:object_r:container_file_t:s0\": "
			 "SELinux is not enabled on this host");
	lv_err_free(err);
}
