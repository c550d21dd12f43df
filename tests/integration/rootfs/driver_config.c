/* The parts of config.json the rootfs driver needs, read with yajl's tree
 * API.  A stand-in until spec_config_load() is merged; it fills the same
 * spec_config structs, so the driver switches over by deleting this file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "spec/config.h"
#include "tests/integration/rootfs/driver.h"

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		abort();
	return p;
}

static yajl_val get(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	return v ? yajl_tree_get(v, path, yajl_t_any) : NULL;
}

static char *str(yajl_val v, const char *key)
{
	yajl_val s = get(v, key);
	return YAJL_IS_STRING(s) ? strdup(s->u.string) : NULL;
}

static spec_opt_int opt_int(yajl_val v, const char *key)
{
	yajl_val n = get(v, key);
	return YAJL_IS_INTEGER(n) ? (spec_opt_int){ YAJL_GET_INTEGER(n), true } : (spec_opt_int){ 0, false };
}

static spec_opt_uint opt_uint(yajl_val v, const char *key)
{
	spec_opt_int i = opt_int(v, key);
	return (spec_opt_uint){ (uint64_t)i.value, i.set };
}

static spec_strv strv(yajl_val v, const char *key)
{
	yajl_val a = get(v, key);
	spec_strv out = { 0 };
	if (!YAJL_IS_ARRAY(a))
		return out;
	out.v = xcalloc(a->u.array.len + 1, sizeof(char *));
	for (size_t i = 0; i < a->u.array.len; i++) {
		yajl_val s = a->u.array.values[i];
		if (YAJL_IS_STRING(s))
			out.v[out.n++] = strdup(s->u.string);
	}
	return out;
}

static spec_id_mappings maps(yajl_val v, const char *key)
{
	yajl_val a = get(v, key);
	spec_id_mappings out = { 0 };
	if (!YAJL_IS_ARRAY(a))
		return out;
	out.v = xcalloc(a->u.array.len + 1, sizeof(*out.v));
	for (size_t i = 0; i < a->u.array.len; i++) {
		yajl_val m = a->u.array.values[i];
		out.v[out.n++] = (spec_id_mapping){
			.container_id = (uint64_t)opt_int(m, "containerID").value,
			.host_id = (uint64_t)opt_int(m, "hostID").value,
			.size = (uint64_t)opt_int(m, "size").value,
		};
	}
	return out;
}

static void load_mounts(spec_config *c, yajl_val a)
{
	if (!YAJL_IS_ARRAY(a))
		return;
	c->mounts.v = xcalloc(a->u.array.len + 1, sizeof(*c->mounts.v));
	for (size_t i = 0; i < a->u.array.len; i++) {
		yajl_val m = a->u.array.values[i];
		spec_mount *o = &c->mounts.v[c->mounts.n++];
		o->destination = str(m, "destination");
		o->type = str(m, "type");
		o->source = str(m, "source");
		o->options = strv(m, "options");
		o->uid_mappings = maps(m, "uidMappings");
		o->gid_mappings = maps(m, "gidMappings");
	}
}

static int ns_type(const char *s)
{
	static const char *const names[] = { "pid", "network", "mount", "ipc", "uts",
					      "user", "cgroup", "time" };
	for (int i = 0; i < SPEC_NS_COUNT; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void load_linux(spec_config *c, yajl_val lx)
{
	yajl_val a;

	if (!YAJL_IS_OBJECT(lx))
		return;
	spec_linux *l = xcalloc(1, sizeof(*l));
	if (!l)
		abort();
	c->linux_ = l;
	a = get(lx, "namespaces");
	if (YAJL_IS_ARRAY(a)) {
		l->namespaces.v = xcalloc(a->u.array.len + 1, sizeof(*l->namespaces.v));
		for (size_t i = 0; i < a->u.array.len; i++) {
			spec_namespace *n = &l->namespaces.v[l->namespaces.n++];
			char *t = str(a->u.array.values[i], "type");
			n->type = ns_type(t);
			free(t);
			n->path = str(a->u.array.values[i], "path");
		}
	}
	l->uid_mappings = maps(lx, "uidMappings");
	l->gid_mappings = maps(lx, "gidMappings");
	a = get(lx, "devices");
	if (YAJL_IS_ARRAY(a)) {
		l->devices.v = xcalloc(a->u.array.len + 1, sizeof(*l->devices.v));
		for (size_t i = 0; i < a->u.array.len; i++) {
			yajl_val d = a->u.array.values[i];
			spec_device *o = &l->devices.v[l->devices.n++];
			o->type = str(d, "type");
			o->path = str(d, "path");
			o->major = opt_int(d, "major");
			o->minor = opt_int(d, "minor");
			o->file_mode = opt_uint(d, "fileMode");
			o->uid = opt_uint(d, "uid");
			o->gid = opt_uint(d, "gid");
		}
	}
	l->rootfs_propagation = str(lx, "rootfsPropagation");
	l->masked_paths = strv(lx, "maskedPaths");
	l->readonly_paths = strv(lx, "readonlyPaths");
	l->mount_label = str(lx, "mountLabel");
}

spec_config *driver_load_config(const char *path, char *errbuf, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f) {
		snprintf(errbuf, errlen, "open %s: %s", path, strerror(errno));
		return NULL;
	}
	FILE *mem = open_memstream(&buf, &len);
	int ch;
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, mem);
	fclose(f);
	fclose(mem);
	yajl_val root = yajl_tree_parse(buf, errbuf, errlen);
	free(buf);
	if (!root)
		return NULL;

	spec_config *c = xcalloc(1, sizeof(*c));
	yajl_val r = get(root, "root");
	if (YAJL_IS_OBJECT(r)) {
		c->root = xcalloc(1, sizeof(*c->root));
		c->root->path = str(r, "path");
		c->root->readonly = YAJL_IS_TRUE(get(r, "readonly"));
	}
	load_mounts(c, get(root, "mounts"));
	yajl_val p = get(root, "process");
	if (YAJL_IS_OBJECT(p)) {
		c->process = xcalloc(1, sizeof(*c->process));
		c->process->args = strv(p, "args");
		c->process->env = strv(p, "env");
		c->process->cwd = str(p, "cwd");
		c->process->terminal = YAJL_IS_TRUE(get(p, "terminal"));
		c->process->user.uid = (uint64_t)opt_int(get(p, "user"), "uid").value;
		c->process->user.gid = (uint64_t)opt_int(get(p, "user"), "gid").value;
	}
	load_linux(c, get(root, "linux"));
	yajl_tree_free(root);
	return c;
}
