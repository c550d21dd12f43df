/* The systemd cgroup driver (--systemd-cgroup).
 *
 * The container's cgroup is a transient scope that systemd creates over
 * D-Bus (StartTransientUnit) with Delegate=yes, so systemd owns the unit and
 * leaves the subtree to us.  Resources are written to the cgroup files as the
 * cgroupfs driver writes them, and also handed to systemd as unit
 * properties, as runc does: a `systemctl daemon-reload` re-applies a unit's
 * own properties to its cgroup and would otherwise reset the limits.
 *
 * Two layers: names and properties (sd_plan.c, pure, unit-tested without
 * systemd) and the D-Bus calls (sd_bus.c, libsystemd's sd-bus loaded with
 * dlopen on first use, so a container without this driver never pays for
 * loading it).
 */
#ifndef LIEVE_CG_SD_H
#define LIEVE_CG_SD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/error.h"

/* One unit property, as it goes on the wire: a (sv) pair. */
typedef struct {
	char *name;
	/* The D-Bus type: a basic type code ('s' 'b' 'y' 'n' 'q' 'i' 'u' 'x'
	 * 't' 'd'), or 'Y' for "ay", 'S' for "as", 'U' for "au". */
	char type;
	union {
		uint64_t u;
		int64_t i;
		double d;
		bool b;
	} v;
	char *s;        /* 's' */
	uint8_t *bytes; /* 'Y' */
	uint32_t *u32s; /* 'U' */
	size_t n;       /* elements of bytes / u32s */
	char **strv;    /* 'S', NULL-terminated */
} cg_sd_prop;

typedef struct {
	cg_sd_prop *v;
	size_t n;
} cg_sd_props;

void cg_sd_prop_clear(cg_sd_prop *p);
void cg_sd_props_clear(cg_sd_props *p);
int cg_sd_add_str(cg_sd_props *p, const char *name, const char *value);
int cg_sd_add_bool(cg_sd_props *p, const char *name, bool value);
int cg_sd_add_u64(cg_sd_props *p, const char *name, uint64_t value);
/* The property named `name`, last one added wins (NULL if none). */
const cg_sd_prop *cg_sd_find(const cg_sd_props *p, const char *name);

/* linux.cgroupsPath under --systemd-cgroup: "slice:prefix:name" → the parent
 * slice (an empty part means system.slice, or user.slice when rootless) and
 * the unit, "prefix-name.scope".  An empty cgroupsPath is ":lieve:<id>".
 * Anything else is runc's error: `expected cgroupsPath to be of format
 * "slice:prefix:name" for systemd cgroups, got "x" instead`. */
int cg_sd_names(const char *cgroups_path, const char *id, bool rootless,
		char **slice, char **unit, lv_error **err);
/* systemd's slice nesting: "a-b.slice" → "/a.slice/a-b.slice", "-.slice" →
 * "" (the root). */
int cg_sd_expand_slice(const char *slice, char **path, lv_error **err);
/* A cpuset list ("0-3,8") as systemd's AllowedCPUs bitmask: byte i bit j is
 * CPU 8i+j. */
int cg_sd_list_to_bits(const char *list, uint8_t **bits, size_t *n, lv_error **err);

/* linux.resources → unit properties, as runc converts them on cgroup v2
 * (MemoryMax, MemoryLow, MemorySwapMax, CPUWeight, CPUQuotaPerSecUSec,
 * CPUQuotaPeriodUSec, TasksMax, AllowedCPUs, AllowedMemoryNodes, and the
 * unified keys systemd has a property for) and, beyond runc, blockIO.weight
 * as IOWeight.  What has no property (devices among them: the device
 * filter is ours) is only written to the cgroup files. */
int cg_sd_resource_props(const spec_resources *r, cg_sd_props *out, lv_error **err);
/* Annotations "org.systemd.property.NAME": VALUE in GVariant text form, as
 * runc takes them: true/false, numbers with an optional type keyword
 * ("uint64 5"; a bare integer is an int32), 'strings' and ['string', ...].
 * NAMESec with a number becomes NAMEUSec in microseconds. */
int cg_sd_annotation_props(const spec_map *annotations, cg_sd_props *out,
			   lv_error **err);

/* ---- D-Bus (sd_bus.c) ---- */

typedef struct cg_sd_conn cg_sd_conn;

/* Connects to the system manager (root: its private socket, else the system
 * bus) or, with `user`, to the caller's user manager. */
int cg_sd_connect(bool user, cg_sd_conn **out, lv_error **err);
void cg_sd_disconnect(cg_sd_conn *c);
static inline void cg_sd_disconnectp(cg_sd_conn **c) { cg_sd_disconnect(*c); }
#define _cleanup_sd_conn_ __attribute__((cleanup(cg_sd_disconnectp)))

/* StartTransientUnit(unit, "replace", props + PIDs=[pid]) and waits (30 s at
 * most) for its job to finish; a failed unit of the same name left from
 * before is reset and the start tried once more, as runc does. */
int cg_sd_start_unit(cg_sd_conn *c, const char *unit, pid_t pid,
		     const cg_sd_props *props, lv_error **err);
/* StopUnit and wait; a unit that is not loaded is not an error.  A failed
 * unit is reset so that systemd forgets it. */
int cg_sd_stop_unit(cg_sd_conn *c, const char *unit, lv_error **err);
/* SetUnitProperties(unit, runtime=true, props). */
int cg_sd_set_props(cg_sd_conn *c, const char *unit, const cg_sd_props *props,
		    lv_error **err);
/* The unit's ControlGroup, e.g. "/system.slice/x.scope". */
int cg_sd_unit_cgroup(cg_sd_conn *c, const char *unit, char **cgroup, lv_error **err);
/* The manager's own ControlGroup ("" for the system manager,
 * "/user.slice/user-1000.slice/user@1000.service" for a user manager). */
int cg_sd_manager_cgroup(cg_sd_conn *c, char **cgroup, lv_error **err);

#endif
