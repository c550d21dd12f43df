/* process.* → proc_plan: every name and range resolved before clone. */
#include <errno.h>
#include <linux/ioprio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <unistd.h>

#include "src/process/process.h"
#include "src/util/cleanup.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static const char *const sched_flag_names[] = {
	"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
	"SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
	"SCHED_FLAG_UTIL_CLAMP_MAX",
};

static char **strv_dup(const spec_strv *v)
{
	char **out = calloc(v->n + 1, sizeof(char *));
	for (size_t i = 0; out && i < v->n; i++) {
		out[i] = strdup(v->v[i]);
		if (!out[i]) {
			lv_strvfreep(&out);
			return NULL;
		}
	}
	return out;
}

static int cap_mask(const spec_strv *names, const char *set, uint64_t *mask,
		    lv_error **err)
{
	*mask = 0;
	int last = (int)cap_max_bits() - 1;
	for (size_t i = 0; i < names->n; i++) {
		cap_value_t c;
		if (cap_from_name(names->v[i], &c) < 0)
			return lv_err(err, 0, "process.capabilities.%s[%zu]: unknown capability \"%s\"",
				      set, i, names->v[i]);
		/* Known to libcap but not to this kernel: skipped, as runc does. */
		if (c > last)
			continue;
		*mask |= 1ULL << c;
	}
	return 0;
}

static int plan_caps(const spec_capabilities *c, proc_plan *p, lv_error **err)
{
	/* Without a capabilities object the process keeps what it has, as runc does. */
	if (!c)
		return 0;
	p->has_caps = true;
	if (cap_mask(&c->bounding, "bounding", &p->cap_bounding, err) < 0 ||
	    cap_mask(&c->effective, "effective", &p->cap_effective, err) < 0 ||
	    cap_mask(&c->permitted, "permitted", &p->cap_permitted, err) < 0 ||
	    cap_mask(&c->inheritable, "inheritable", &p->cap_inheritable, err) < 0 ||
	    cap_mask(&c->ambient, "ambient", &p->cap_ambient, err) < 0)
		return -1;
	return 0;
}

static int plan_rlimits(const spec_process *sp, proc_plan *p, lv_error **err)
{
	p->rlimits = calloc(sp->rlimits.n ? sp->rlimits.n : 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return lv_err(err, ENOMEM, "process.rlimits");
	for (size_t i = 0; i < sp->rlimits.n; i++) {
		const spec_rlimit *r = &sp->rlimits.v[i];
		size_t k = 0;
		while (k < sizeof(rlimit_names) / sizeof(rlimit_names[0]) &&
		       strcmp(rlimit_names[k].name, r->type) != 0)
			k++;
		if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return lv_err(err, 0, "process.rlimits[%zu].type: unknown rlimit \"%s\"", i, r->type);
		if (r->soft > r->hard)
			return lv_err(err, 0, "process.rlimits[%zu]: soft limit %lu is above hard limit %lu",
				      i, (unsigned long)r->soft, (unsigned long)r->hard);
		p->rlimits[p->n_rlimits].resource = rlimit_names[k].resource;
		p->rlimits[p->n_rlimits].name = rlimit_names[k].name;
		p->rlimits[p->n_rlimits].limit.rlim_cur = r->soft;
		p->rlimits[p->n_rlimits].limit.rlim_max = r->hard;
		p->n_rlimits++;
	}
	return 0;
}

static int plan_scheduler(const spec_scheduler *s, proc_plan *p, lv_error **err)
{
	static const uint32_t policies[] = { 0 /*OTHER*/, 1 /*FIFO*/, 2 /*RR*/, 3 /*BATCH*/,
					     4 /*ISO*/, 5 /*IDLE*/, 6 /*DEADLINE*/ };
	p->has_sched = true;
	p->sched.size = sizeof(p->sched);
	p->sched.sched_policy = policies[s->policy];
	p->sched.sched_nice = (int32_t)(s->nice.set ? s->nice.value : 0);
	p->sched.sched_priority = (uint32_t)(s->priority.set ? s->priority.value : 0);
	p->sched.sched_runtime = s->runtime.set ? s->runtime.value : 0;
	p->sched.sched_deadline = s->deadline.set ? s->deadline.value : 0;
	p->sched.sched_period = s->period.set ? s->period.value : 0;
	for (size_t i = 0; i < s->flags.n; i++) {
		size_t k = 0;
		while (k < sizeof(sched_flag_names) / sizeof(sched_flag_names[0]) &&
		       strcmp(sched_flag_names[k], s->flags.v[i]) != 0)
			k++;
		if (k == sizeof(sched_flag_names) / sizeof(sched_flag_names[0]))
			return lv_err(err, 0, "process.scheduler.flags[%zu]: unknown flag \"%s\"", i,
				      s->flags.v[i]);
		p->sched.sched_flags |= 1ULL << k;
	}
	return 0;
}

static int parse_cpu_list(const char *list, cpu_set_t *set, lv_error **err)
{
	CPU_ZERO(set);
	const char *s = list;
	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s)
			goto bad;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || b < a)
				goto bad;
		}
		if (b >= CPU_SETSIZE)
			goto bad;
		for (unsigned long c = a; c <= b; c++)
			CPU_SET(c, set);
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			goto bad;
	}
	return 0;
bad:
	return lv_err(err, 0, "process.execCPUAffinity.initial: invalid CPU list \"%s\"", list);
}

static bool host_file_has(const char *path, const char *want)
{
	char buf[16] = "";
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, sizeof(buf), f) && strncmp(buf, want, strlen(want)) == 0;
	fclose(f);
	return ok;
}

static int plan_lsm(const spec_process *sp, proc_plan *p, lv_error **err)
{
	if (sp->apparmor_profile && sp->apparmor_profile[0]) {
		if (!host_file_has("/sys/module/apparmor/parameters/enabled", "Y"))
			return lv_err(err, 0, "process.apparmorProfile \"%s\": AppArmor is not enabled on this host",
				      sp->apparmor_profile);
		p->apparmor_profile = strdup(sp->apparmor_profile);
	}
	if (sp->selinux_label && sp->selinux_label[0]) {
		if (access("/sys/fs/selinux/enforce", F_OK) < 0)
			return lv_err(err, 0, "process.selinuxLabel \"%s\": SELinux is not enabled on this host",
				      sp->selinux_label);
		p->selinux_label = strdup(sp->selinux_label);
	}
	return 0;
}

static int plan_misc(const spec_process *sp, proc_plan *p, lv_error **err)
{
	if (sp->oom_score_adj.set) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)sp->oom_score_adj.value;
	}
	if (sp->scheduler && plan_scheduler(sp->scheduler, p, err) < 0)
		return -1;
	if (sp->io_priority) {
		static const int classes[] = { IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE };
		if (sp->io_priority->priority < 0 || sp->io_priority->priority > 7)
			return lv_err(err, 0, "process.ioPriority.priority: expected 0 to 7, got %ld",
				      (long)sp->io_priority->priority);
		p->has_ioprio = true;
		p->ioprio = IOPRIO_PRIO_VALUE(classes[sp->io_priority->class_],
					      (int)sp->io_priority->priority);
	}
	if (sp->exec_cpu_affinity) {
		if (sp->exec_cpu_affinity->final && sp->exec_cpu_affinity->final[0])
			return lv_err(err, 0, "process.execCPUAffinity.final: not supported by lieve");
		if (sp->exec_cpu_affinity->initial && sp->exec_cpu_affinity->initial[0]) {
			if (parse_cpu_list(sp->exec_cpu_affinity->initial, &p->affinity, err) < 0)
				return -1;
			p->has_affinity = true;
		}
	}
	if (sp->console_size) {
		p->console_height = (unsigned)sp->console_size->height;
		p->console_width = (unsigned)sp->console_size->width;
	}
	return 0;
}

int proc_plan_build(const spec_process *sp, proc_plan **out, lv_error **err)
{
	proc_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return lv_err(err, ENOMEM, "process");
	/* Parsed for round trips, but Windows-only: never silently ignored. */
	if (sp->command_line) {
		lv_err(err, 0, "process.commandLine: only for Windows containers; use process.args");
		goto fail;
	}
	if (sp->user.username) {
		lv_err(err, 0, "process.user.username: only for Windows containers; use uid and gid");
		goto fail;
	}
	if (!sp->args.n) {
		lv_err(err, 0, "process.args: at least one argument is required");
		goto fail;
	}
	if (!sp->cwd || sp->cwd[0] != '/') {
		lv_err(err, 0, "process.cwd: expected an absolute path, got \"%s\"", sp->cwd ? sp->cwd : "");
		goto fail;
	}
	p->args = strv_dup(&sp->args);
	p->env = strv_dup(&sp->env);
	p->cwd = strdup(sp->cwd);
	if (!p->args || !p->env || !p->cwd) {
		lv_err(err, ENOMEM, "process");
		goto fail;
	}
	p->uid = (uid_t)sp->user.uid;
	p->gid = (gid_t)sp->user.gid;
	p->groups = calloc(sp->user.additional_gids.n + 1, sizeof(gid_t));
	if (!p->groups) {
		lv_err(err, ENOMEM, "process");
		goto fail;
	}
	for (size_t i = 0; i < sp->user.additional_gids.n; i++)
		p->groups[p->n_groups++] = (gid_t)sp->user.additional_gids.v[i];
	if (sp->user.umask.set) {
		p->has_umask = true;
		p->umask = (mode_t)(sp->user.umask.value & 07777);
	}
	p->no_new_privileges = sp->no_new_privileges;
	p->terminal = sp->terminal;
	if (plan_caps(sp->capabilities, p, err) < 0 || plan_rlimits(sp, p, err) < 0 ||
	    plan_misc(sp, p, err) < 0 || plan_lsm(sp, p, err) < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	proc_plan_free(p);
	return -1;
}

void proc_plan_free(proc_plan *p)
{
	if (!p)
		return;
	lv_strvfreep(&p->args);
	lv_strvfreep(&p->env);
	free(p->cwd);
	free(p->exec_path);
	free(p->groups);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p);
}

int proc_plan_set_personality(proc_plan *p, const spec_personality *per,
			      lv_error **err)
{
	if (!per)
		return 0;
	if (per->flags.n)
		return lv_err(err, 0, "linux.personality.flags: unknown flag \"%s\"", per->flags.v[0]);
	p->has_personality = true;
	p->personality = per->domain == SPEC_PER_LINUX32 ? PER_LINUX32 : PER_LINUX;
	return 0;
}
