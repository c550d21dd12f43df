/* Applying a proc_plan in the child, in the order the kernel requires:
 * privileged settings first, then identity, then exec. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/ioprio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/log.h"
#include "src/process/process.h"
#include "src/util/cleanup.h"
#include "src/util/sys.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int apply_lsm(const proc_plan *p, lv_error **err)
{
	if (p->apparmor_profile) {
		_cleanup_free_ char *cmd = NULL;
		if (asprintf(&cmd, "exec %s", p->apparmor_profile) < 0)
			return lv_err(err, ENOMEM, "apparmor");
		const char *path = access("/proc/self/attr/apparmor/exec", F_OK) == 0
					   ? "/proc/self/attr/apparmor/exec"
					   : "/proc/self/attr/exec";
		if (lv_write_file(path, cmd, strlen(cmd), err) < 0)
			return lv_err_wrap(err, "apply AppArmor profile \"%s\"", p->apparmor_profile);
	}
	if (p->selinux_label &&
	    lv_write_file("/proc/self/attr/exec", p->selinux_label, strlen(p->selinux_label), err) < 0)
		return lv_err_wrap(err, "apply SELinux label \"%s\"", p->selinux_label);
	return 0;
}

int proc_apply_privileged(const proc_plan *p, lv_error **err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const proc_rlimit *r = &p->rlimits[i];
		if (setrlimit(r->resource, &r->limit) < 0)
			return lv_err(err, errno, "set %s to soft %lu, hard %lu", r->name,
				      (unsigned long)r->limit.rlim_cur, (unsigned long)r->limit.rlim_max);
	}
	if (p->has_oom_score_adj) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
		if (lv_write_file("/proc/self/oom_score_adj", buf, (size_t)n, err) < 0)
			return lv_err_wrap(err, "process.oomScoreAdj");
	}
	if (p->has_sched && syscall(SYS_sched_setattr, 0, &p->sched, 0) < 0)
		return lv_err(err, errno, "process.scheduler: sched_setattr");
	if (p->has_ioprio && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, p->ioprio) < 0)
		return lv_err(err, errno, "process.ioPriority: ioprio_set");
	if (p->has_personality && personality(p->personality) < 0)
		return lv_err(err, errno, "linux.personality");
	if (p->has_affinity && sched_setaffinity(0, sizeof(p->affinity), &p->affinity) < 0)
		return lv_err(err, errno, "process.execCPUAffinity.initial");
	return apply_lsm(p, err);
}

static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

int proc_env_add(proc_plan *p, const char *entry)
{
	size_t n = 0;
	while (p->env[n])
		n++;
	char **nv = realloc(p->env, (n + 2) * sizeof(char *));
	if (!nv)
		return -1;
	nv[n] = strdup(entry);
	nv[n + 1] = NULL;
	p->env = nv;
	return nv[n] ? 0 : -1;
}

/* HOME as /etc/passwd of the container says, "/" when it says nothing. */
static int add_home(proc_plan *p, lv_error **err)
{
	if (env_get(p->env, "HOME"))
		return 0;
	const char *home = "/";
	char line[1024];
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *fields[7] = { 0 }, *s = line, *tok;
		int n = 0;
		while (n < 7 && (tok = strsep(&s, ":\n")))
			fields[n++] = tok;
		if (n >= 6 && fields[2] && strtoul(fields[2], NULL, 10) == p->uid && fields[5][0]) {
			home = fields[5];
			break;
		}
	}
	_cleanup_free_ char *entry = NULL;
	if (asprintf(&entry, "HOME=%s", home) < 0 || proc_env_add(p, entry) < 0)
		return lv_err(err, ENOMEM, "set HOME");
	return 0;
}

static bool is_executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

static int look_path(proc_plan *p, lv_error **err)
{
	const char *prog = p->args[0];
	if (strchr(prog, '/')) {
		struct stat st;
		if (stat(prog, &st) < 0)
			return lv_err(err, errno, "exec \"%s\"", prog);
		if (!is_executable(prog))
			return lv_err(err, EACCES, "exec \"%s\"", prog);
		p->exec_path = strdup(prog);
		return p->exec_path ? 0 : lv_err(err, ENOMEM, "exec");
	}
	const char *path = env_get(p->env, "PATH");
	_cleanup_free_ char *dirs = strdup(path ? path : DEFAULT_PATH);
	if (!dirs)
		return lv_err(err, ENOMEM, "exec");
	char *s = dirs, *dir;
	while ((dir = strsep(&s, ":"))) {
		_cleanup_free_ char *cand = NULL;
		if (asprintf(&cand, "%s/%s", dir[0] ? dir : ".", prog) < 0)
			return lv_err(err, ENOMEM, "exec");
		if (is_executable(cand)) {
			p->exec_path = steal_ptr(cand);
			return 0;
		}
	}
	return lv_err(err, 0, "exec \"%s\": executable file not found in $PATH", prog);
}

static int mkdir_p(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return -1;
	for (char *s = copy + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(copy, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* A cwd reached through a descriptor the runtime still had open (e.g.
 * /proc/self/fd/N, CVE-2024-21626) lies outside our root: getcwd() then
 * fails with ENOENT instead of naming a path. */
static int check_cwd_inside(const proc_plan *p, lv_error **err)
{
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof(buf)))
		return lv_err(err, errno == ENOENT ? EPERM : errno,
			      "process.cwd \"%s\" is outside the container", p->cwd);
	return 0;
}

int proc_resolve_in_container(proc_plan *p, bool create_cwd, lv_error **err)
{
	if (add_home(p, err) < 0 || look_path(p, err) < 0)
		return -1;
	/* runc creates a missing working directory; an inaccessible one is
	 * retried after the user switch. */
	if (chdir(p->cwd) < 0) {
		if (errno == ENOENT && create_cwd) {
			if (mkdir_p(p->cwd) < 0 || chdir(p->cwd) < 0)
				return lv_err(err, errno, "process.cwd \"%s\"", p->cwd);
		} else if (errno != EACCES) {
			return lv_err(err, errno, "process.cwd \"%s\"", p->cwd);
		}
	}
	return check_cwd_inside(p, err);
}

static bool setgroups_denied(void)
{
	char buf[8] = "";
	FILE *f = fopen("/proc/self/setgroups", "re");
	if (!f)
		return false;
	bool denied = fgets(buf, sizeof(buf), f) && strncmp(buf, "deny", 4) == 0;
	fclose(f);
	return denied;
}

static int apply_caps(const proc_plan *p, lv_error **err)
{
	cap_t caps = cap_init();
	if (!caps)
		return lv_err(err, errno, "capabilities");
	int last = (int)cap_max_bits() - 1;
	for (cap_value_t c = 0; c <= last; c++) {
		cap_value_t one[1] = { c };
		if (p->cap_effective & (1ULL << c))
			cap_set_flag(caps, CAP_EFFECTIVE, 1, one, CAP_SET);
		if (p->cap_permitted & (1ULL << c))
			cap_set_flag(caps, CAP_PERMITTED, 1, one, CAP_SET);
		if (p->cap_inheritable & (1ULL << c))
			cap_set_flag(caps, CAP_INHERITABLE, 1, one, CAP_SET);
	}
	int r = cap_set_proc(caps);
	int saved = errno;
	cap_free(caps);
	if (r < 0)
		return lv_err(err, saved, "set capabilities");
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return lv_err(err, errno, "reset ambient capabilities");
	/* An ambient capability needs to be permitted and inheritable; runc's
	 * own default spec lists ambient ones without inheritable, and runc
	 * only warns.  So do we. */
	for (cap_value_t c = 0; c <= last; c++) {
		if ((p->cap_ambient & (1ULL << c)) && cap_set_ambient(c, CAP_SET) < 0) {
			char *name = cap_to_name(c);
			lv_debug("cannot raise ambient capability %s: %s", name, strerror(errno));
			cap_free(name);
		}
	}
	return 0;
}

int proc_apply_identity(const proc_plan *p, lv_error **err)
{
	if (p->has_caps) {
		int last = (int)cap_max_bits() - 1;
		for (int c = 0; c <= last; c++)
			if (!(p->cap_bounding & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				return lv_err(err, errno, "drop capability %d from the bounding set", c);
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			return lv_err(err, errno, "keep capabilities across setuid");
	}
	if (!(setgroups_denied() && p->n_groups == 0) && setgroups(p->n_groups, p->groups) < 0)
		return lv_err(err, errno, "set additional groups");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return lv_err(err, errno, "set gid %u", p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return lv_err(err, errno, "set uid %u", p->uid);
	if (p->has_caps) {
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
			return lv_err(err, errno, "clear keep-capabilities");
		if (apply_caps(p, err) < 0)
			return -1;
	}
	if (chdir(p->cwd) < 0 || check_cwd_inside(p, err) < 0)
		return *err ? -1 : lv_err(err, errno, "process.cwd \"%s\"", p->cwd);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return lv_err(err, errno, "set no_new_privs");
	umask(p->has_umask ? p->umask : 0022);
	return 0;
}

int proc_close_fds(int preserve_fds, lv_error **err)
{
	if (close_range(3 + (unsigned)preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return lv_err(err, errno, "mark descriptors close-on-exec");
	return 0;
}

int proc_exec(const proc_plan *p, lv_error **err)
{
	execve(p->exec_path, p->args, p->env);
	return lv_err(err, errno, "exec \"%s\"", p->args[0]);
}
