/* Image config → runtime config, per the image-spec's conversion.md, on top
 * of spec_config_default(): Entrypoint+Cmd → args, Env, WorkingDir → cwd,
 * User resolved in the rootfs, Labels and image facts → annotations. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/image/fsutil.h"
#include "src/image/image.h"
#include "src/util/cleanup.h"

static int strv_push(spec_strv *sv, const char *s, lv_error **err)
{
	char **v = realloc(sv->v, (sv->n + 2) * sizeof(char *));
	if (!v)
		return lv_err(err, ENOMEM, "config");
	sv->v = v;
	if (!(v[sv->n] = strdup(s)))
		return lv_err(err, ENOMEM, "config");
	v[++sv->n] = NULL;
	return 0;
}

/* Sets K=V, replacing an earlier K. */
static int env_set(spec_strv *env, const char *kv, lv_error **err)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	if (klen == 0)
		return lv_err(err, 0, "invalid environment variable \"%s\"", kv);
	for (size_t i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], kv, klen) == 0 &&
		    (env->v[i][klen] == '=' || env->v[i][klen] == '\0')) {
			char *s = strdup(kv);
			if (!s)
				return lv_err(err, ENOMEM, "config");
			free(env->v[i]);
			env->v[i] = s;
			return 0;
		}
	}
	return strv_push(env, kv, err);
}

static int annot_set(spec_map *m, const char *k, const char *v, lv_error **err)
{
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].key, k) == 0) {
			char *s = strdup(v);
			if (!s)
				return lv_err(err, ENOMEM, "config");
			free(m->v[i].value);
			m->v[i].value = s;
			return 0;
		}
	}
	spec_kv *n = realloc(m->v, (m->n + 1) * sizeof(spec_kv));
	if (!n)
		return lv_err(err, ENOMEM, "config");
	m->v = n;
	n[m->n].key = strdup(k);
	n[m->n].value = strdup(v);
	m->n++;
	if (!n[m->n - 1].key || !n[m->n - 1].value)
		return lv_err(err, ENOMEM, "config");
	return 0;
}

static bool parse_id(const char *s, uint32_t *out)
{
	if (!*s)
		return false;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX || *s == '-' || *s == '+')
		return false;
	*out = (uint32_t)v;
	return true;
}

static FILE *open_in_rootfs(int rootfs_fd, const char *path)
{
	int fd = img_openat_in_root(rootfs_fd, path, O_RDONLY, 0);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

int img_resolve_user(int rootfs_fd, const char *user, uint32_t *uid, uint32_t *gid,
		     uint32_t **gids, size_t *n_gids, lv_error **err)
{
	*gids = NULL;
	*n_gids = 0;
	_cleanup_free_ char *u = strdup(user);
	if (!u)
		return lv_err(err, ENOMEM, "user");
	char *g = strchr(u, ':');
	if (g)
		*g++ = '\0';
	if (!*u || (g && !*g))
		return lv_err(err, 0, "invalid user \"%s\": expected name or uid[:gid]", user);
	bool uid_num = parse_id(u, uid), found = false;
	_cleanup_free_ char *name = NULL;
	*gid = 0;
	{
		_cleanup_fclose_ FILE *f = open_in_rootfs(rootfs_fd, "etc/passwd");
		struct passwd *pw;
		while (f && (pw = fgetpwent(f))) {
			if (uid_num ? pw->pw_uid == *uid : strcmp(pw->pw_name, u) == 0) {
				*uid = pw->pw_uid;
				*gid = pw->pw_gid;
				name = strdup(pw->pw_name);
				found = true;
				break;
			}
		}
	}
	if (!uid_num && !found)
		return lv_err(err, 0, "user \"%s\": no such user in the image's /etc/passwd", u);
	if (g && !parse_id(g, gid)) {
		bool gfound = false;
		_cleanup_fclose_ FILE *f = open_in_rootfs(rootfs_fd, "etc/group");
		struct group *gr;
		while (f && (gr = fgetgrent(f))) {
			if (strcmp(gr->gr_name, g) == 0) {
				*gid = gr->gr_gid;
				gfound = true;
				break;
			}
		}
		if (!gfound)
			return lv_err(err, 0, "group \"%s\": no such group in the image's /etc/group", g);
	}
	if (g || !name)
		return 0;
	/* Supplementary groups, as a login would give them. */
	_cleanup_fclose_ FILE *f = open_in_rootfs(rootfs_fd, "etc/group");
	struct group *gr;
	while (f && (gr = fgetgrent(f))) {
		if (gr->gr_gid == *gid)
			continue;
		for (char **m = gr->gr_mem; m && *m; m++) {
			if (strcmp(*m, name) != 0)
				continue;
			uint32_t *n = realloc(*gids, (*n_gids + 1) * sizeof(uint32_t));
			if (!n) {
				free(*gids);
				*gids = NULL;
				return lv_err(err, ENOMEM, "user");
			}
			*gids = n;
			n[(*n_gids)++] = gr->gr_gid;
			break;
		}
	}
	return 0;
}

static int set_user(spec_process *p, int rootfs_fd, const char *user, lv_error **err)
{
	uint32_t uid, gid, *gids;
	size_t n;
	if (img_resolve_user(rootfs_fd, user, &uid, &gid, &gids, &n, err) < 0)
		return -1;
	p->user.uid = uid;
	p->user.gid = gid;
	free(p->user.additional_gids.v);
	p->user.additional_gids.v = NULL;
	p->user.additional_gids.n = 0;
	if (n) {
		p->user.additional_gids.v = calloc(n, sizeof(uint64_t));
		if (!p->user.additional_gids.v) {
			free(gids);
			return lv_err(err, ENOMEM, "user");
		}
		for (size_t i = 0; i < n; i++)
			p->user.additional_gids.v[i] = gids[i];
		p->user.additional_gids.n = n;
	}
	free(gids);
	return 0;
}

static int set_args(spec_process *p, const img_exec_config *c, const img_overrides *ov,
		    lv_error **err)
{
	spec_strv args = { 0 };
	for (size_t i = 0; i < c->entrypoint.n; i++)
		if (strv_push(&args, c->entrypoint.v[i], err) < 0)
			goto fail;
	if (ov->args) {
		for (const char *const *a = ov->args; *a; a++)
			if (strv_push(&args, *a, err) < 0)
				goto fail;
	} else {
		for (size_t i = 0; i < c->cmd.n; i++)
			if (strv_push(&args, c->cmd.v[i], err) < 0)
				goto fail;
	}
	if (args.n == 0) {
		/* A base image without a command: keep the default's ("sh"),
		 * as runc spec would; `image run` asks for a command instead. */
		free(args.v);
		return 0;
	}
	for (size_t i = 0; i < p->args.n; i++)
		free(p->args.v[i]);
	free(p->args.v);
	p->args = args;
	return 0;
fail:
	for (size_t i = 0; i < args.n; i++)
		free(args.v[i]);
	free(args.v);
	return -1;
}

static int set_annotations(spec_config *cfg, const img_config *ic, lv_error **err)
{
	const img_exec_config *c = &ic->config;
	for (size_t i = 0; i < c->labels.n; i++)
		if (annot_set(&cfg->annotations, c->labels.v[i].key, c->labels.v[i].value, err) < 0)
			return -1;
	const struct { const char *k, *v; } facts[] = {
		{ "org.opencontainers.image.os", ic->os },
		{ "org.opencontainers.image.architecture", ic->architecture },
		{ "org.opencontainers.image.variant", ic->variant },
		{ "org.opencontainers.image.os.version", ic->os_version },
		{ "org.opencontainers.image.author", ic->author },
		{ "org.opencontainers.image.created", ic->created },
		{ "org.opencontainers.image.stopSignal", c->stop_signal },
	};
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		if (facts[i].v && annot_set(&cfg->annotations, facts[i].k, facts[i].v, err) < 0)
			return -1;
	if (c->exposed_ports.n) {
		size_t len = 1;
		for (size_t i = 0; i < c->exposed_ports.n; i++)
			len += strlen(c->exposed_ports.v[i]) + 1;
		_cleanup_free_ char *s = calloc(1, len);
		if (!s)
			return lv_err(err, ENOMEM, "config");
		for (size_t i = 0; i < c->exposed_ports.n; i++) {
			if (i)
				strcat(s, ",");
			strcat(s, c->exposed_ports.v[i]);
		}
		if (annot_set(&cfg->annotations, "org.opencontainers.image.exposedPorts", s, err) < 0)
			return -1;
	}
	return 0;
}

static int add_binds(spec_config *cfg, const img_overrides *ov, lv_error **err)
{
	for (size_t i = 0; i < ov->n_binds; i++) {
		const img_bind *b = &ov->binds[i];
		if (b->destination[0] != '/')
			return lv_err(err, 0, "volume destination \"%s\" is not absolute",
				      b->destination);
		spec_mount *m = realloc(cfg->mounts.v, (cfg->mounts.n + 1) * sizeof(spec_mount));
		if (!m)
			return lv_err(err, ENOMEM, "config");
		cfg->mounts.v = m;
		m = &m[cfg->mounts.n++];
		memset(m, 0, sizeof(*m));
		m->destination = strdup(b->destination);
		m->type = strdup("bind");
		m->source = strdup(b->source);
		if (!m->destination || !m->type || !m->source ||
		    strv_push(&m->options, "rbind", err) < 0 ||
		    strv_push(&m->options, b->readonly ? "ro" : "rw", err) < 0)
			return lv_err(err, ENOMEM, "config");
	}
	return 0;
}

int img_config_to_spec(const img_config *ic, int rootfs_fd, const img_overrides *ov,
		       spec_config **out, lv_error **err)
{
	_cleanup_config_ spec_config *cfg = NULL;
	if (spec_config_default(false, 0, 0, &cfg, err) < 0)
		return -1;
	const img_exec_config *c = &ic->config;
	spec_process *p = cfg->process;
	p->terminal = ov->terminal;
	cfg->root->readonly = false;
	if (ov->rootfs_path) {
		char *s = strdup(ov->rootfs_path);
		if (!s)
			return lv_err(err, ENOMEM, "config");
		free(cfg->root->path);
		cfg->root->path = s;
	}
	if (set_args(p, c, ov, err) < 0)
		return -1;
	for (size_t i = 0; i < c->env.n; i++)
		if (env_set(&p->env, c->env.v[i], err) < 0)
			return lv_err_wrap(err, "image Env");
	for (const char *const *e = ov->env; e && *e; e++)
		if (env_set(&p->env, *e, err) < 0)
			return -1;
	const char *cwd = ov->cwd ? ov->cwd : (c->working_dir && *c->working_dir ? c->working_dir : "/");
	if (cwd[0] != '/')
		return lv_err(err, 0, "working directory \"%s\" is not absolute", cwd);
	char *s = strdup(cwd);
	if (!s)
		return lv_err(err, ENOMEM, "config");
	free(p->cwd);
	p->cwd = s;
	const char *user = ov->user ? ov->user : c->user;
	if (user && *user && set_user(p, rootfs_fd, user, err) < 0)
		return -1;
	if (set_annotations(cfg, ic, err) < 0 || add_binds(cfg, ov, err) < 0)
		return -1;
	*out = steal_ptr(cfg);
	return 0;
}
