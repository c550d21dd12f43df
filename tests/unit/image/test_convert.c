/* Image config → runtime config (conversion.md), users resolved in a rootfs. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/image/image.h"

static char root[64];
static int root_fd = -1;

static void put(const char *name, const char *text)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/%s", root, name);
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	strcpy(root, "/tmp/lieve-unit-convert.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	char p[128];
	snprintf(p, sizeof(p), "%s/etc", root);
	mkdir(p, 0755);
	put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
			  "app:x:1000:1001:app:/home/app:/bin/sh\n");
	put("etc/group", "root:x:0:\nwheel:x:10:app,other\napp:x:1001:\nvideo:x:44:app\nstaff:x:50:\n");
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void teardown(void)
{
	img_remove_tree(AT_FDCWD, root, NULL);
	close(root_fd);
}

TestSuite(convert, .init = setup, .fini = teardown);

static img_config *config(const char *json)
{
	img_config *c = NULL;
	lv_error *err = NULL;
	cr_assert_eq(img_config_parse(json, strlen(json), "config", &c, &err), 0,
		     "%s", err ? err->msg : "");
	return c;
}

#define ROOTFS "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}"

Test(convert, user_forms)
{
	uint32_t uid, gid, *gids;
	size_t n;
	lv_error *err = NULL;
	cr_assert_eq(img_resolve_user(root_fd, "app", &uid, &gid, &gids, &n, &err), 0);
	cr_assert_eq(uid, 1000);
	cr_assert_eq(gid, 1001);
	cr_assert_eq(n, 2);
	cr_assert_eq(gids[0], 10);
	cr_assert_eq(gids[1], 44);
	free(gids);
	cr_assert_eq(img_resolve_user(root_fd, "1000", &uid, &gid, &gids, &n, &err), 0);
	cr_assert_eq(gid, 1001);
	free(gids);
	cr_assert_eq(img_resolve_user(root_fd, "app:staff", &uid, &gid, &gids, &n, &err), 0);
	cr_assert_eq(uid, 1000);
	cr_assert_eq(gid, 50);
	cr_assert_eq(n, 0);
	cr_assert_eq(img_resolve_user(root_fd, "4242:7", &uid, &gid, &gids, &n, &err), 0);
	cr_assert_eq(uid, 4242);
	cr_assert_eq(gid, 7);
	cr_assert_eq(img_resolve_user(root_fd, "4242", &uid, &gid, &gids, &n, &err), 0);
	cr_assert_eq(gid, 0, "a uid unknown to /etc/passwd gets gid 0");

	cr_assert_lt(img_resolve_user(root_fd, "nobody", &uid, &gid, &gids, &n, &err), 0);
	cr_assert_str_eq(err->msg, "user \"nobody\": no such user in the image's /etc/passwd");
	lv_err_freep(&err);
	cr_assert_lt(img_resolve_user(root_fd, "app:nogroup", &uid, &gid, &gids, &n, &err), 0);
	cr_assert_str_eq(err->msg, "group \"nogroup\": no such group in the image's /etc/group");
	lv_err_freep(&err);
	cr_assert_lt(img_resolve_user(root_fd, "app:", &uid, &gid, &gids, &n, &err), 0);
	cr_assert_str_eq(err->msg, "invalid user \"app:\": expected name or uid[:gid]");
	lv_err_freep(&err);
}

Test(convert, conversion_rules)
{
	img_config *ic = config("{\"architecture\":\"amd64\",\"os\":\"linux\",\"author\":\"me\","
				"\"config\":{\"User\":\"app\",\"Env\":[\"PATH=/opt/bin\",\"A=1\"],"
				"\"Entrypoint\":[\"/bin/tool\",\"--flag\"],\"Cmd\":[\"default\"],"
				"\"WorkingDir\":\"/srv\",\"Labels\":{\"com.example\":\"yes\"},"
				"\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"StopSignal\":\"SIGINT\"},"
				ROOTFS "}");
	spec_config *cfg = NULL;
	lv_error *err = NULL;
	img_overrides ov = { 0 };
	cr_assert_eq(img_config_to_spec(ic, root_fd, &ov, &cfg, &err), 0, "%s", err ? err->msg : "");
	spec_process *p = cfg->process;
	cr_assert_eq(p->args.n, 3);
	cr_assert_str_eq(p->args.v[0], "/bin/tool");
	cr_assert_str_eq(p->args.v[2], "default");
	cr_assert_str_eq(p->env.v[0], "PATH=/opt/bin", "image Env replaces the default PATH");
	cr_assert_str_eq(p->env.v[1], "TERM=xterm");
	cr_assert_str_eq(p->env.v[2], "A=1");
	cr_assert_str_eq(p->cwd, "/srv");
	cr_assert_eq(p->user.uid, 1000);
	cr_assert_eq(p->user.gid, 1001);
	cr_assert_eq(p->user.additional_gids.n, 2);
	cr_assert_not(p->terminal);
	cr_assert_not(cfg->root->readonly);
	cr_assert_str_eq(spec_map_get(&cfg->annotations, "com.example"), "yes");
	cr_assert_str_eq(spec_map_get(&cfg->annotations, "org.opencontainers.image.author"), "me");
	cr_assert_str_eq(spec_map_get(&cfg->annotations, "org.opencontainers.image.stopSignal"), "SIGINT");
	cr_assert_str_eq(spec_map_get(&cfg->annotations, "org.opencontainers.image.exposedPorts"),
			 "80/tcp,53/udp");
	spec_config_free(cfg);

	/* Overrides: args replace Cmd only, env/cwd/user/tty/binds. */
	const char *args[] = { "other", NULL };
	const char *env[] = { "A=2", "B=3", NULL };
	img_bind binds[] = { { "/host", "/mnt", true } };
	img_overrides ov2 = { .args = args, .env = env, .cwd = "/work", .user = "0:44",
			      .terminal = true, .binds = binds, .n_binds = 1 };
	cr_assert_eq(img_config_to_spec(ic, root_fd, &ov2, &cfg, &err), 0);
	p = cfg->process;
	cr_assert_eq(p->args.n, 3);
	cr_assert_str_eq(p->args.v[2], "other");
	cr_assert_str_eq(p->env.v[2], "A=2");
	cr_assert_str_eq(p->env.v[3], "B=3");
	cr_assert_str_eq(p->cwd, "/work");
	cr_assert_eq(p->user.uid, 0);
	cr_assert_eq(p->user.gid, 44);
	cr_assert(p->terminal);
	spec_mount *m = &cfg->mounts.v[cfg->mounts.n - 1];
	cr_assert_str_eq(m->destination, "/mnt");
	cr_assert_str_eq(m->type, "bind");
	cr_assert_str_eq(m->source, "/host");
	cr_assert_str_eq(m->options.v[0], "rbind");
	cr_assert_str_eq(m->options.v[1], "ro");
	char *json = NULL;
	size_t len;
	cr_assert_eq(spec_config_write(cfg, &json, &len, &err), 0);
	free(json);
	spec_config_free(cfg);
	img_config_free(ic);
}

Test(convert, errors)
{
	spec_config *cfg = NULL;
	lv_error *err = NULL;
	img_overrides ov = { 0 };
	img_config *ic = config("{\"architecture\":\"amd64\",\"os\":\"linux\"," ROOTFS "}");
	cr_assert_eq(img_config_to_spec(ic, root_fd, &ov, &cfg, &err), 0);
	cr_assert_eq(cfg->process->args.n, 1, "no command: the default's");
	cr_assert_str_eq(cfg->process->args.v[0], "sh");
	spec_config_free(cfg);
	cfg = NULL;
	img_config_free(ic);

	ic = config("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"x\"],"
		    "\"WorkingDir\":\"rel\"}," ROOTFS "}");
	cr_assert_lt(img_config_to_spec(ic, root_fd, &ov, &cfg, &err), 0);
	cr_assert_str_eq(err->msg, "working directory \"rel\" is not absolute");
	lv_err_freep(&err);
	img_config_free(ic);
}
