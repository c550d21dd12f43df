#include "helpers.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "src/error.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	cr_assert(p, "out of memory");
	return p;
}

spec_seccomp *t_new(int default_action)
{
	spec_seccomp *s = calloc(1, sizeof(*s));
	cr_assert(s);
	s->default_action = default_action;
	return s;
}

void t_strv_add(spec_strv *v, const char *str)
{
	v->v = xrealloc(v->v, (v->n + 2) * sizeof(*v->v));
	v->v[v->n++] = strdup(str);
	v->v[v->n] = NULL;
}

spec_syscall *t_rule(spec_seccomp *s, int action, const char *names)
{
	s->syscalls.v = xrealloc(s->syscalls.v, (s->syscalls.n + 1) * sizeof(*s->syscalls.v));
	spec_syscall *sc = &s->syscalls.v[s->syscalls.n++];
	memset(sc, 0, sizeof(*sc));
	sc->action = action;
	char *copy = strdup(names), *save = NULL;
	for (char *n = strtok_r(copy, ",", &save); n; n = strtok_r(NULL, ",", &save))
		t_strv_add(&sc->names, n);
	free(copy);
	return sc;
}

void t_errno(spec_syscall *sc, uint64_t ret)
{
	sc->errno_ret = (spec_opt_uint){ ret, true };
}

void t_arg(spec_syscall *sc, uint64_t index, int op, uint64_t value, uint64_t value_two)
{
	sc->args.v = xrealloc(sc->args.v, (sc->args.n + 1) * sizeof(*sc->args.v));
	sc->args.v[sc->args.n++] = (spec_seccomp_arg){
		.index = index, .value = value, .op = op,
		.value_two = { value_two == T_NO_VALUE2 ? 0 : value_two, value_two != T_NO_VALUE2 },
	};
}

static void strv_free(spec_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
}

void t_free(spec_seccomp *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->syscalls.n; i++) {
		strv_free(&s->syscalls.v[i].names);
		free(s->syscalls.v[i].args.v);
	}
	free(s->syscalls.v);
	strv_free(&s->architectures);
	strv_free(&s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	free(s);
}

static int name_index(const char *const *names, const char *name)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	cr_assert_fail("unknown name \"%s\" in the fixture", name);
	return -1;
}

static const char *const act_names[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};
static const char *const op_names[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
	"SCMP_CMP_MASKED_EQ", NULL,
};

static yajl_val get(yajl_val obj, const char *key, yajl_type type)
{
	const char *path[] = { key, NULL };
	return yajl_tree_get(obj, path, type);
}

static void strv_from(spec_strv *v, yajl_val arr)
{
	for (size_t i = 0; arr && i < arr->u.array.len; i++)
		t_strv_add(v, YAJL_GET_STRING(arr->u.array.values[i]));
}

static void syscall_from(spec_seccomp *s, yajl_val o)
{
	spec_syscall *sc = t_rule(s, name_index(act_names,
		YAJL_GET_STRING(get(o, "action", yajl_t_string))), "");
	strv_from(&sc->names, get(o, "names", yajl_t_array));
	yajl_val ret = get(o, "errnoRet", yajl_t_number);
	if (ret)
		t_errno(sc, (uint64_t)YAJL_GET_INTEGER(ret));
	yajl_val args = get(o, "args", yajl_t_array);
	for (size_t k = 0; args && k < args->u.array.len; k++) {
		yajl_val a = args->u.array.values[k];
		yajl_val two = get(a, "valueTwo", yajl_t_number);
		t_arg(sc, strtoull(YAJL_GET_NUMBER(get(a, "index", yajl_t_number)), NULL, 10),
		      name_index(op_names, YAJL_GET_STRING(get(a, "op", yajl_t_string))),
		      strtoull(YAJL_GET_NUMBER(get(a, "value", yajl_t_number)), NULL, 10),
		      two ? strtoull(YAJL_GET_NUMBER(two), NULL, 10) : T_NO_VALUE2);
	}
}

spec_seccomp *t_load_json(const char *path)
{
	FILE *fp = fopen(path, "r");
	cr_assert(fp, "open %s: %s", path, strerror(errno));
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	char why[256];
	yajl_val root = yajl_tree_parse(buf, why, sizeof(why));
	cr_assert(root, "%s: %s", path, why);
	spec_seccomp *s = t_new(name_index(act_names,
		YAJL_GET_STRING(get(root, "defaultAction", yajl_t_string))));
	yajl_val def_ret = get(root, "defaultErrnoRet", yajl_t_number);
	if (def_ret)
		s->default_errno_ret = (spec_opt_uint){ (uint64_t)YAJL_GET_INTEGER(def_ret), true };
	strv_from(&s->architectures, get(root, "architectures", yajl_t_array));
	strv_from(&s->flags, get(root, "flags", yajl_t_array));
	yajl_val calls = get(root, "syscalls", yajl_t_array);
	for (size_t i = 0; calls && i < calls->u.array.len; i++)
		syscall_from(s, calls->u.array.values[i]);
	yajl_tree_free(root);
	return s;
}

sc_filter *t_compile(const spec_seccomp *s)
{
	sc_filter *f = NULL;
	lv_error *err = NULL;
	int r = sc_compile(s, &f, &err);
	cr_assert_eq(r, 0, "sc_compile: %s", err ? err->msg : "?");
	return f;
}

char *t_compile_error(const spec_seccomp *s)
{
	sc_filter *f = NULL;
	lv_error *err = NULL;
	int r = sc_compile(s, &f, &err);
	cr_assert_lt(r, 0, "sc_compile succeeded where it should fail");
	cr_assert_null(f);
	char *msg = strdup(err->msg);
	lv_err_free(err);
	return msg;
}

int t_run(const sc_filter *f, int (*fn)(void *), void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		lv_error *err = NULL;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_install(f, NULL, &err) < 0) {
			fprintf(stderr, "install: %s\n", err ? err->msg : strerror(errno));
			_exit(200);
		}
		/* The raw call: a sanitizer's _exit interceptor would make
		 * syscalls a deny-by-default filter refuses. */
		syscall(SYS_exit_group, fn(arg));
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

pid_t t_spawn_notify(const sc_filter *f, int (*fn)(void *), void *arg, int *listener, int *go)
{
	int report[2], gopipe[2];
	cr_assert_eq(pipe2(report, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(gopipe, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		lv_error *err = NULL;
		int fd = -1;
		char c;
		close(report[0]);
		close(gopipe[1]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_install(f, &fd, &err) < 0)
			_exit(200);
		/* What lieve's init does: report the number, wait until taken. */
		if (write(report[1], &fd, sizeof(fd)) != sizeof(fd) || read(gopipe[0], &c, 1) != 1)
			_exit(201);
		close(fd);
		_exit(fn(arg));
	}
	close(report[1]);
	close(gopipe[0]);
	int remote = -1;
	cr_assert_eq(read(report[0], &remote, sizeof(remote)), (ssize_t)sizeof(remote));
	close(report[0]);
	cr_assert_geq(remote, 0);
	lv_error *err = NULL;
	cr_assert_eq(sc_notify_fd_fetch(pid, remote, listener, &err), 0, "%s", err ? err->msg : "");
	*go = gopipe[1];
	return pid;
}

void t_release(int go)
{
	cr_assert_eq(write(go, "x", 1), 1);
	close(go);
}
