#include "src/store_record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "src/util/cleanup.h"

void lv_record_free(lv_record *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->bundle);
	free(r->rootfs);
	free(r->created);
	free(r->owner);
	free(r->status);
	free(r->cgroup_path);
	for (size_t i = 0; i < r->annotations.n; i++) {
		free(r->annotations.v[i].key);
		free(r->annotations.v[i].value);
	}
	free(r->annotations.v);
	free(r);
}

static yajl_gen_status gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static yajl_gen_status gen_kv_str(yajl_gen g, const char *key, const char *val)
{
	if (!val)
		return yajl_gen_status_ok;
	yajl_gen_status st = gen_str(g, key);
	return st ? st : gen_str(g, val);
}

static yajl_gen_status gen_record(yajl_gen g, const lv_record *r)
{
	yajl_gen_status st = yajl_gen_map_open(g);
	st = st ? st : gen_kv_str(g, "id", r->id);
	st = st ? st : gen_kv_str(g, "bundle", r->bundle);
	st = st ? st : gen_kv_str(g, "rootfs", r->rootfs);
	st = st ? st : gen_kv_str(g, "created", r->created);
	st = st ? st : gen_kv_str(g, "owner", r->owner);
	st = st ? st : gen_kv_str(g, "status", r->status);
	st = st ? st : gen_str(g, "pid");
	st = st ? st : yajl_gen_integer(g, r->pid);
	/* A uint64 start time does not fit yajl's integers in general; as a
	 * string it round-trips exactly. */
	char start[24];
	snprintf(start, sizeof(start), "%llu", (unsigned long long)r->pid_start_time);
	st = st ? st : gen_kv_str(g, "pidStartTime", start);
	st = st ? st : gen_kv_str(g, "cgroupPath", r->cgroup_path);
	st = st ? st : gen_str(g, "systemdCgroup");
	st = st ? st : yajl_gen_bool(g, r->systemd_cgroup);
	st = st ? st : gen_str(g, "annotations");
	st = st ? st : yajl_gen_map_open(g);
	for (size_t i = 0; !st && i < r->annotations.n; i++) {
		st = gen_str(g, r->annotations.v[i].key);
		st = st ? st : gen_str(g, r->annotations.v[i].value);
	}
	st = st ? st : yajl_gen_map_close(g);
	return st ? st : yajl_gen_map_close(g);
}

int lv_record_serialize(const lv_record *r, char **json, size_t *len,
			lv_error **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return lv_err(err, ENOMEM, "serialise container record");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	int ret = 0;
	const unsigned char *buf;
	size_t n;
	if (gen_record(g, r) != yajl_gen_status_ok ||
	    yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok) {
		ret = lv_err(err, EINVAL, "serialise container record of \"%s\": invalid string",
			     r->id ? r->id : "");
	} else if (!(*json = malloc(n + 1))) {
		ret = lv_err(err, ENOMEM, "serialise container record");
	} else {
		memcpy(*json, buf, n);
		(*json)[n] = '\0';
		if (len)
			*len = n;
	}
	yajl_gen_free(g);
	return ret;
}

static int take_str(yajl_val root, const char *key, char **dst, bool required,
		    const char *label, lv_error **err)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_any);
	if (!v || YAJL_IS_NULL(v)) {
		if (required)
			return lv_err(err, 0, "%s: missing \"%s\"", label, key);
		return 0;
	}
	const char *str = YAJL_GET_STRING(v);
	if (!str)
		return lv_err(err, 0, "%s: \"%s\": expected a string", label, key);
	if (!(*dst = strdup(str)))
		return lv_err(err, ENOMEM, "%s", label);
	return 0;
}

static int take_annotations(yajl_val root, lv_record *r, const char *label,
			    lv_error **err)
{
	const char *path[] = { "annotations", NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_object);
	if (!v)
		return 0;
	size_t n = v->u.object.len;
	if (!(r->annotations.v = calloc(n + 1, sizeof(spec_kv))))
		return lv_err(err, ENOMEM, "%s", label);
	for (size_t i = 0; i < n; i++) {
		const char *val = YAJL_GET_STRING(v->u.object.values[i]);
		if (!val)
			return lv_err(err, 0, "%s: annotations.%s: expected a string",
				      label, v->u.object.keys[i]);
		spec_kv *kv = &r->annotations.v[r->annotations.n++];
		kv->key = strdup(v->u.object.keys[i]);
		kv->value = strdup(val);
		if (!kv->key || !kv->value)
			return lv_err(err, ENOMEM, "%s", label);
	}
	return 0;
}

int lv_record_parse(const char *json, const char *label, lv_record **out,
		    lv_error **err)
{
	char errbuf[256];
	yajl_val root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	if (!root) {
		char *nl = strchr(errbuf, '\n');
		if (nl)
			*nl = '\0';
		return lv_err(err, 0, "%s: %s", label, errbuf);
	}
	_cleanup_record_ lv_record *r = calloc(1, sizeof(*r));
	_cleanup_free_ char *start = NULL;
	int ret = -1;
	if (!r) {
		lv_err(err, ENOMEM, "%s", label);
		goto out;
	}
	if (!YAJL_IS_OBJECT(root)) {
		lv_err(err, 0, "%s: expected an object", label);
		goto out;
	}
	if (take_str(root, "id", &r->id, true, label, err) < 0 ||
	    take_str(root, "bundle", &r->bundle, false, label, err) < 0 ||
	    take_str(root, "rootfs", &r->rootfs, false, label, err) < 0 ||
	    take_str(root, "created", &r->created, false, label, err) < 0 ||
	    take_str(root, "owner", &r->owner, false, label, err) < 0 ||
	    take_str(root, "status", &r->status, false, label, err) < 0 ||
	    take_str(root, "pidStartTime", &start, false, label, err) < 0 ||
	    take_str(root, "cgroupPath", &r->cgroup_path, false, label, err) < 0 ||
	    take_annotations(root, r, label, err) < 0)
		goto out;
	const char *pid_path[] = { "pid", NULL };
	yajl_val pid = yajl_tree_get(root, pid_path, yajl_t_any);
	if (pid && !YAJL_IS_INTEGER(pid)) {
		lv_err(err, 0, "%s: \"pid\": expected an integer", label);
		goto out;
	}
	r->pid = pid ? YAJL_GET_INTEGER(pid) : 0;
	if (start) {
		char *end;
		errno = 0;
		r->pid_start_time = strtoull(start, &end, 10);
		if (errno || *end || !*start) {
			lv_err(err, 0, "%s: \"pidStartTime\": invalid number \"%s\"", label, start);
			goto out;
		}
	}
	const char *sd_path[] = { "systemdCgroup", NULL };
	r->systemd_cgroup = YAJL_IS_TRUE(yajl_tree_get(root, sd_path, yajl_t_any));
	*out = steal_ptr(r);
	ret = 0;
out:
	yajl_tree_free(root);
	return ret;
}
