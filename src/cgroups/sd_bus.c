/* The systemd driver's D-Bus calls, through libsystemd's sd-bus.
 *
 * libsystemd is opened with dlopen on the first call: it and what it links
 * (lz4, zstd, lzma, gcrypt) would otherwise be loaded by every `lieve` run,
 * and most never use this driver. */
#include "src/cgroups/sd.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/util/cleanup.h"

#ifdef LIEVE_HAVE_SDBUS
#include <systemd/sd-bus.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define JOB_TIMEOUT_USEC (30ULL * 1000000)

#define SD_FUNCS(X)                                                            \
	X(sd_bus_new) X(sd_bus_set_address) X(sd_bus_start)                    \
	X(sd_bus_open_system) X(sd_bus_open_user) X(sd_bus_flush_close_unref)  \
	X(sd_bus_message_new_method_call) X(sd_bus_message_append)             \
	X(sd_bus_message_append_basic) X(sd_bus_message_append_array)          \
	X(sd_bus_message_append_strv) X(sd_bus_message_open_container)         \
	X(sd_bus_message_close_container) X(sd_bus_call)                       \
	X(sd_bus_message_read) X(sd_bus_message_unref) X(sd_bus_error_free)    \
	X(sd_bus_error_has_name) X(sd_bus_match_signal) X(sd_bus_slot_unref)   \
	X(sd_bus_process) X(sd_bus_wait) X(sd_bus_call_method)                 \
	X(sd_bus_get_property_string)

static struct {
#define SD_DECLARE(f) __typeof__(f) *f;
	SD_FUNCS(SD_DECLARE)
} sd;

static int load(lv_error **err)
{
	static void *handle;
	if (handle)
		return 0;
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return lv_err(err, 0, "systemd cgroup driver: load libsystemd: %s", dlerror());
#define SD_RESOLVE(f)                                                          \
	if (!(sd.f = (__typeof__(f) *)dlsym(h, #f))) {                         \
		dlclose(h);                                                    \
		return lv_err(err, 0, "systemd cgroup driver: libsystemd lacks " #f); \
	}
	SD_FUNCS(SD_RESOLVE)
	handle = h;
	return 0;
}

struct cg_sd_conn {
	sd_bus *bus;
};

typedef struct {
	char *job;    /* the object path of the job we wait for */
	char *result; /* JobRemoved's result, once seen */
} job_wait;

static void bus_error_free(sd_bus_error *e) { sd.sd_bus_error_free(e); }
static void message_unrefp(sd_bus_message **m)
{
	if (*m)
		sd.sd_bus_message_unref(*m);
}
static void slot_unrefp(sd_bus_slot **s)
{
	if (*s)
		sd.sd_bus_slot_unref(*s);
}
#define _cleanup_bus_error_ __attribute__((cleanup(bus_error_free)))
#define _cleanup_message_ __attribute__((cleanup(message_unrefp)))
#define _cleanup_slot_ __attribute__((cleanup(slot_unrefp)))

/* The D-Bus error's own text when there is one ("Unit x.scope already
 * exists."), else strerror of the return code. */
static int bus_err(lv_error **err, int r, const sd_bus_error *e, const char *what,
		   const char *unit)
{
	if (e && e->message)
		return lv_err(err, 0, "systemd: %s \"%s\": %s", what, unit, e->message);
	return lv_err(err, -r, "systemd: %s \"%s\"", what, unit);
}

int cg_sd_connect(bool user, cg_sd_conn **out, lv_error **err)
{
	if (load(err) < 0)
		return -1;
	sd_bus *bus = NULL;
	int r = -ENOENT;
	/* As systemctl does for root: the manager's private socket needs no
	 * dbus-daemon and no bus policy. */
	if (!user && geteuid() == 0 && access("/run/systemd/private", F_OK) == 0) {
		r = sd.sd_bus_new(&bus);
		if (r >= 0 && (r = sd.sd_bus_set_address(bus, "unix:path=/run/systemd/private")) >= 0)
			r = sd.sd_bus_start(bus);
		if (r < 0 && bus)
			bus = sd.sd_bus_flush_close_unref(bus);
	}
	if (r < 0)
		r = user ? sd.sd_bus_open_user(&bus) : sd.sd_bus_open_system(&bus);
	if (r < 0)
		return lv_err(err, -r, "systemd cgroup driver: connect to the %s "
			      "manager over D-Bus", user ? "user's" : "system");
	cg_sd_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		sd.sd_bus_flush_close_unref(bus);
		return lv_err(err, ENOMEM, "systemd connection");
	}
	c->bus = bus;
	*out = c;
	return 0;
}

void cg_sd_disconnect(cg_sd_conn *c)
{
	if (!c)
		return;
	sd.sd_bus_flush_close_unref(c->bus);
	free(c);
}

/* ---- messages ---- */

static int append_value(sd_bus_message *m, const cg_sd_prop *e)
{
	union {
		uint8_t y;
		int16_t n;
		uint16_t q;
		int32_t i;
		uint32_t u;
		int64_t x;
		uint64_t t;
		double d;
		int b;
	} v;
	switch (e->type) {
	case 's': return sd.sd_bus_message_append_basic(m, 's', e->s);
	case 'Y': return sd.sd_bus_message_append_array(m, 'y', e->bytes, e->n);
	case 'U': return sd.sd_bus_message_append_array(m, 'u', e->u32s, e->n * sizeof(uint32_t));
	case 'S': return sd.sd_bus_message_append_strv(m, e->strv);
	case 'b': v.b = e->v.b; break;
	case 'y': v.y = (uint8_t)e->v.u; break;
	case 'n': v.n = (int16_t)e->v.i; break;
	case 'q': v.q = (uint16_t)e->v.u; break;
	case 'i': v.i = (int32_t)e->v.i; break;
	case 'u': v.u = (uint32_t)e->v.u; break;
	case 'x': v.x = e->v.i; break;
	case 't': v.t = e->v.u; break;
	case 'd': v.d = e->v.d; break;
	default: return -EINVAL;
	}
	return sd.sd_bus_message_append_basic(m, e->type, &v);
}

static int append_prop(sd_bus_message *m, const cg_sd_prop *e)
{
	char sig[3] = { e->type, '\0', '\0' };
	if (e->type == 'Y' || e->type == 'S' || e->type == 'U') {
		sig[0] = 'a';
		sig[1] = e->type == 'Y' ? 'y' : e->type == 'S' ? 's' : 'u';
	}
	int r;
	if ((r = sd.sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sd.sd_bus_message_append_basic(m, 's', e->name)) < 0 ||
	    (r = sd.sd_bus_message_open_container(m, 'v', sig)) < 0 ||
	    (r = append_value(m, e)) < 0 || (r = sd.sd_bus_message_close_container(m)) < 0)
		return r;
	return sd.sd_bus_message_close_container(m);
}

/* The a(sv) of the properties, then `extra` if not NULL. */
static int append_props(sd_bus_message *m, const cg_sd_props *p, const cg_sd_prop *extra)
{
	int r = sd.sd_bus_message_open_container(m, 'a', "(sv)");
	for (size_t i = 0; r >= 0 && i < p->n; i++)
		r = append_prop(m, &p->v[i]);
	if (r >= 0 && extra)
		r = append_prop(m, extra);
	return r < 0 ? r : sd.sd_bus_message_close_container(m);
}

/* ---- jobs ---- */

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	(void)e;
	job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;
	if (sd.sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->job && !w->result && !strcmp(path, w->job))
		w->result = strdup(result);
	return 0;
}

/* Signals for JobRemoved: a match, and Subscribe (systemd sends job signals
 * only to subscribers). */
static int watch_jobs(cg_sd_conn *c, job_wait *w, sd_bus_slot **slot, const char *unit,
		      lv_error **err)
{
	_cleanup_bus_error_ sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd.sd_bus_match_signal(c->bus, slot, SD_DEST, SD_PATH, SD_MANAGER,
				       "JobRemoved", on_job_removed, w);
	if (r < 0)
		return bus_err(err, r, NULL, "watch the jobs of", unit);
	r = sd.sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &e,
				  NULL, "");
	if (r < 0)
		return bus_err(err, r, &e, "subscribe to the jobs of", unit);
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Reads the job path from a method reply and waits until the job is gone. */
static int wait_job(cg_sd_conn *c, sd_bus_message *reply, job_wait *w, const char *what,
		    const char *unit, lv_error **err)
{
	const char *job;
	int r = sd.sd_bus_message_read(reply, "o", &job);
	if (r < 0)
		return bus_err(err, r, NULL, what, unit);
	if (!(w->job = strdup(job)))
		return lv_err(err, ENOMEM, "systemd job");
	uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;
	while (!w->result) {
		r = sd.sd_bus_process(c->bus, NULL);
		if (r < 0)
			return bus_err(err, r, NULL, what, unit);
		if (r > 0)
			continue;
		uint64_t now = now_usec();
		if (now >= deadline)
			return lv_err(err, ETIMEDOUT, "systemd: %s \"%s\": job %s", what, unit,
				      w->job);
		r = sd.sd_bus_wait(c->bus, deadline - now);
		if (r < 0)
			return bus_err(err, r, NULL, what, unit);
	}
	return 0;
}

static void job_wait_clear(job_wait *w)
{
	free(w->job);
	free(w->result);
}

static void reset_failed(cg_sd_conn *c, const char *unit)
{
	_cleanup_bus_error_ sd_bus_error e = SD_BUS_ERROR_NULL;
	sd.sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", &e,
			      NULL, "s", unit);
}

/* ---- operations ---- */

static int start_once(cg_sd_conn *c, const char *unit, pid_t pid, const cg_sd_props *props,
		      bool *exists, lv_error **err)
{
	_cleanup_slot_ sd_bus_slot *slot = NULL;
	_cleanup_message_ sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_bus_error_ sd_bus_error e = SD_BUS_ERROR_NULL;
	__attribute__((cleanup(job_wait_clear))) job_wait w = { 0 };
	if (watch_jobs(c, &w, &slot, unit, err) < 0)
		return -1;
	uint32_t pids[1] = { (uint32_t)pid };
	cg_sd_prop pid_prop = { .name = (char *)"PIDs", .type = 'U', .u32s = pids, .n = 1 };
	int r = sd.sd_bus_message_new_method_call(c->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
						  "StartTransientUnit");
	if (r >= 0)
		r = sd.sd_bus_message_append(m, "ss", unit, "replace");
	if (r >= 0)
		r = append_props(m, props, &pid_prop);
	if (r >= 0)
		r = sd.sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return bus_err(err, r, NULL, "start unit", unit);
	r = sd.sd_bus_call(c->bus, m, 0, &e, &reply);
	if (r < 0) {
		*exists = sd.sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists");
		return bus_err(err, r, &e, "start unit", unit);
	}
	if (wait_job(c, reply, &w, "start unit", unit, err) < 0)
		return -1;
	if (strcmp(w.result, "done")) {
		reset_failed(c, unit);
		return lv_err(err, 0, "systemd: start unit \"%s\": job %s", unit, w.result);
	}
	return 0;
}

int cg_sd_start_unit(cg_sd_conn *c, const char *unit, pid_t pid, const cg_sd_props *props,
		     lv_error **err)
{
	bool exists = false;
	if (start_once(c, unit, pid, props, &exists, err) == 0)
		return 0;
	if (!exists)
		return -1;
	/* runc: possibly a failed unit left from before; reset, retry once. */
	lv_err_freep(err);
	reset_failed(c, unit);
	return start_once(c, unit, pid, props, &exists, err);
}

int cg_sd_stop_unit(cg_sd_conn *c, const char *unit, lv_error **err)
{
	_cleanup_slot_ sd_bus_slot *slot = NULL;
	_cleanup_message_ sd_bus_message *reply = NULL;
	_cleanup_bus_error_ sd_bus_error e = SD_BUS_ERROR_NULL;
	__attribute__((cleanup(job_wait_clear))) job_wait w = { 0 };
	if (watch_jobs(c, &w, &slot, unit, err) < 0)
		return -1;
	int r = sd.sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e,
				      &reply, "ss", unit, "replace");
	if (r < 0) {
		if (sd.sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
			return 0;
		return bus_err(err, r, &e, "stop unit", unit);
	}
	r = wait_job(c, reply, &w, "stop unit", unit, err);
	reset_failed(c, unit);
	return r;
}

int cg_sd_set_props(cg_sd_conn *c, const char *unit, const cg_sd_props *props,
		    lv_error **err)
{
	_cleanup_message_ sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_bus_error_ sd_bus_error e = SD_BUS_ERROR_NULL;
	if (props->n == 0)
		return 0;
	int r = sd.sd_bus_message_new_method_call(c->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
						  "SetUnitProperties");
	if (r >= 0)
		r = sd.sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = append_props(m, props, NULL);
	if (r >= 0)
		r = sd.sd_bus_call(c->bus, m, 0, &e, &reply);
	return r < 0 ? bus_err(err, r, &e, "set properties of unit", unit) : 0;
}

int cg_sd_unit_cgroup(cg_sd_conn *c, const char *unit, char **cgroup, lv_error **err)
{
	_cleanup_message_ sd_bus_message *reply = NULL;
	_cleanup_bus_error_ sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *path;
	int r = sd.sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &e,
				      &reply, "s", unit);
	if (r >= 0)
		r = sd.sd_bus_message_read(reply, "o", &path);
	if (r >= 0)
		r = sd.sd_bus_get_property_string(c->bus, SD_DEST, path,
						  "org.freedesktop.systemd1.Scope",
						  "ControlGroup", &e, cgroup);
	return r < 0 ? bus_err(err, r, &e, "read the control group of unit", unit) : 0;
}

int cg_sd_manager_cgroup(cg_sd_conn *c, char **cgroup, lv_error **err)
{
	_cleanup_bus_error_ sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd.sd_bus_get_property_string(c->bus, SD_DEST, SD_PATH, SD_MANAGER,
					      "ControlGroup", &e, cgroup);
	return r < 0 ? bus_err(err, r, &e, "read the control group of", "the manager") : 0;
}

#else /* !LIEVE_HAVE_SDBUS */

struct cg_sd_conn {
	int unused;
};

int cg_sd_connect(bool user, cg_sd_conn **out, lv_error **err)
{
	(void)user;
	(void)out;
	return lv_err(err, 0, "systemd cgroup driver: lieve was built without libsystemd");
}
void cg_sd_disconnect(cg_sd_conn *c) { free(c); }
int cg_sd_start_unit(cg_sd_conn *c, const char *unit, pid_t pid, const cg_sd_props *props,
		     lv_error **err)
{
	(void)c, (void)pid, (void)props;
	return lv_err(err, ENOSYS, "systemd: start unit \"%s\"", unit);
}
int cg_sd_stop_unit(cg_sd_conn *c, const char *unit, lv_error **err)
{
	(void)c;
	return lv_err(err, ENOSYS, "systemd: stop unit \"%s\"", unit);
}
int cg_sd_set_props(cg_sd_conn *c, const char *unit, const cg_sd_props *props,
		    lv_error **err)
{
	(void)c, (void)props;
	return lv_err(err, ENOSYS, "systemd: set properties of unit \"%s\"", unit);
}
int cg_sd_unit_cgroup(cg_sd_conn *c, const char *unit, char **cgroup, lv_error **err)
{
	(void)c, (void)cgroup;
	return lv_err(err, ENOSYS, "systemd: read the control group of unit \"%s\"", unit);
}
int cg_sd_manager_cgroup(cg_sd_conn *c, char **cgroup, lv_error **err)
{
	(void)c, (void)cgroup;
	return lv_err(err, ENOSYS, "systemd: read the manager's control group");
}

#endif
