/* `lieve image run`: a one-command dev environment from an image. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cli/image/image_cli.h"
#include "lieve-config.h"
#include "src/image/image.h"
#include "src/util/cleanup.h"

static const char run_usage[] =
	"usage: lieve image run [OPTIONS] IMAGE [--] [COMMAND...]\n"
	"\n"
	"Runs COMMAND (default: the image's Entrypoint+Cmd) in a container whose\n"
	"rootfs is an overlay of the image's layers from the layer store, with the\n"
	"current directory bind-mounted at " IMG_DEV_WORKDIR " (the working directory).\n"
	"Layers are extracted once and shared; the container's changes go to\n"
	"STORE/containers/ID/.overlay/upper (kept for the next --name ID unless --rm).\n"
	"The overlay is mounted in a private mount namespace of this command.\n"
	"\n"
	"  --store DIR            layer store (default " LIEVE_DEFAULT_LAYER_STORE ")\n"
	"  --platform OS/ARCH[/V] image platform (default: this machine's)\n"
	"  -v, --volume H:C[:ro]  bind-mount host path H at C (rw unless :ro)\n"
	"  -e, --env K=V          set an environment variable (K alone: from here)\n"
	"  -w, --workdir DIR      working directory (default " IMG_DEV_WORKDIR ")\n"
	"  -u, --user USER        name or uid[:gid], resolved in the image\n"
	"  -t, --tty              allocate a terminal\n"
	"  -i, --interactive      keep stdin attached (otherwise /dev/null)\n"
	"  --rm                   remove the container's overlay upper dir afterwards\n"
	"  --name ID              container id (an existing one's upper dir is reused)\n"
	"  --no-workdir           do not bind-mount the current directory\n";

typedef struct {
	img_devenv_opts o;
	img_bind *binds;
	size_t n_binds;
	char **env;
	size_t n_env;
	char *cwd;
	bool rm, interactive, no_workdir;
} run_args;

static void run_args_free(run_args *a)
{
	for (size_t i = 0; i < a->n_binds; i++)
		free((char *)a->binds[i].source);
	free(a->binds);
	for (size_t i = 0; i < a->n_env; i++)
		free(a->env[i]);
	free(a->env);
	free(a->cwd);
}

static int add_volume(run_args *a, char *spec, lv_error **err)
{
	char *dst = strchr(spec, ':');
	if (!dst || dst == spec || !dst[1])
		return lv_err(err, 0, "invalid volume \"%s\": expected HOST:CONTAINER[:ro]", spec);
	*dst++ = '\0';
	bool ro = false;
	char *mode = strchr(dst, ':');
	if (mode) {
		*mode++ = '\0';
		if (strcmp(mode, "ro") == 0)
			ro = true;
		else if (strcmp(mode, "rw") != 0)
			return lv_err(err, 0, "invalid volume mode \"%s\": expected ro or rw", mode);
	}
	char *src = realpath(spec, NULL);
	if (!src)
		return lv_err(err, errno, "volume source \"%s\"", spec);
	img_bind *b = realloc(a->binds, (a->n_binds + 1) * sizeof(*b));
	if (!b) {
		free(src);
		return lv_err(err, ENOMEM, "volume");
	}
	a->binds = b;
	a->binds[a->n_binds++] = (img_bind){ src, dst, ro };
	return 0;
}

static int add_env(run_args *a, const char *kv, lv_error **err)
{
	char *s = NULL;
	if (strchr(kv, '=')) {
		s = strdup(kv);
	} else {
		const char *v = getenv(kv);
		if (!v)
			return 0; /* docker's rule: an unset K is not passed */
		if (asprintf(&s, "%s=%s", kv, v) < 0)
			s = NULL;
	}
	char **e = s ? realloc(a->env, (a->n_env + 2) * sizeof(char *)) : NULL;
	if (!e) {
		free(s);
		return lv_err(err, ENOMEM, "env");
	}
	a->env = e;
	e[a->n_env++] = s;
	e[a->n_env] = NULL;
	return 0;
}

static int parse(run_args *a, int argc, char **argv, lv_error **err)
{
	enum { O_STORE = 256, O_RM, O_NAME, O_PLATFORM, O_NO_WORKDIR };
	static const struct option opts[] = {
		{ "store", required_argument, NULL, O_STORE },
		{ "platform", required_argument, NULL, O_PLATFORM },
		{ "volume", required_argument, NULL, 'v' },
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "tty", no_argument, NULL, 't' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "rm", no_argument, NULL, O_RM },
		{ "name", required_argument, NULL, O_NAME },
		{ "no-workdir", no_argument, NULL, O_NO_WORKDIR },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	a->o.store = LIEVE_DEFAULT_LAYER_STORE;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+v:e:w:u:tih", opts, NULL)) != -1) {
		switch (c) {
		case O_STORE: a->o.store = optarg; break;
		case O_PLATFORM: a->o.platform = optarg; break;
		case O_RM: a->rm = true; break;
		case O_NAME: a->o.id = optarg; break;
		case O_NO_WORKDIR: a->no_workdir = true; break;
		case 'w': a->o.ov.cwd = optarg; break;
		case 'u': a->o.ov.user = optarg; break;
		case 't': a->o.ov.terminal = true; break;
		case 'i': a->interactive = true; break;
		case 'v':
			if (add_volume(a, optarg, err) < 0)
				return -1;
			break;
		case 'e':
			if (add_env(a, optarg, err) < 0)
				return -1;
			break;
		case 'h': return 1;
		default:
			return lv_err(err, 0, "image run: unknown or incomplete option \"%s\"",
				      argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return lv_err(err, 0, "image run: expected IMAGE (see --help)");
	a->o.image = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind < argc)
		a->o.ov.args = (const char *const *)argv + optind;
	a->o.ov.env = (const char *const *)a->env;
	a->o.ov.binds = a->binds;
	a->o.ov.n_binds = a->n_binds;
	if (!a->no_workdir) {
		if (!(a->cwd = getcwd(NULL, 0)))
			return lv_err(err, errno, "image run: current directory");
		a->o.workdir_host = a->cwd;
	}
	return 0;
}

int cmd_image_run(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	run_args a = { 0 };
	int r = parse(&a, argc, argv, err);
	if (r != 0) {
		run_args_free(&a);
		if (r > 0)
			fputs(run_usage, stdout);
		return r > 0 ? 0 : 2;
	}
	if (!a.interactive) {
		/* Without -i the container gets no stdin, as docker does. */
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, STDIN_FILENO) < 0) {
			lv_err(err, errno, "image run: redirect stdin");
			if (fd >= 0)
				close(fd);
			run_args_free(&a);
			return 1;
		}
		close(fd);
	}
	/* The overlay lives in a mount namespace of our own (host mounts still
	 * propagate in): whatever happens to this process, it is never left
	 * mounted on the host. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
		lv_err(err, errno, "image run: private mount namespace");
		run_args_free(&a);
		return 1;
	}
	img_devenv d;
	if (img_devenv_prepare(&a.o, &d, err) < 0) {
		run_args_free(&a);
		return 1;
	}
	lv_create_opts co = { .id = d.id, .bundle = d.bundle };
	int status = 1;
	int rr = lv_run(ctx, &co, &status, err);
	if (rr < 0) {
		/* A run that failed half-way may have left a created container:
		 * remove it before its rootfs goes (it may not exist: ignored). */
		_cleanup_error_ lv_error *derr = NULL;
		lv_delete_opts dopts = { .id = d.id, .force = true };
		lv_delete(ctx, &dopts, &derr);
	}
	_cleanup_error_ lv_error *ferr = NULL;
	int fr = img_devenv_finish(&d, a.rm, rr < 0 ? &ferr : err);
	run_args_free(&a);
	if (rr < 0)
		return 1;
	return fr < 0 ? 1 : status;
}
