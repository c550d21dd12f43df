/* Where the container cgroup goes: the cgroup2 mount, the caller's own
 * cgroup, and linux.cgroupsPath. */
#include "src/cgroups/cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/cgroups/cg_internal.h"
#include "src/util/cleanup.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' &&
		    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

int cg_find_mount(char **mount, lv_error **err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return lv_err(err, errno, "open \"/proc/self/mountinfo\"");
	_cleanup_free_ char *line = NULL, *first = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		/* id parent maj:min root mountpoint opts [optional...] - fstype ... */
		char *sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		char *save = NULL, *mp = NULL;
		char *tok = strtok_r(line, " ", &save);
		for (int i = 0; tok && i < 4; i++)
			tok = strtok_r(NULL, " ", &save);
		mp = tok;
		if (!mp)
			continue;
		unescape(mp);
		if (!strcmp(mp, CG_DEFAULT_MOUNT)) {
			free(first);
			first = strdup(mp);
			break;
		}
		if (!first)
			first = strdup(mp);
	}
	if (!first)
		return lv_err(err, 0, "no cgroup2 hierarchy is mounted (see /proc/self/mountinfo)");
	*mount = steal_ptr(first);
	return 0;
}

int cg_own_cgroup(char **own, lv_error **err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return lv_err(err, errno, "open \"/proc/self/cgroup\"");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, "0::", 3))
			continue;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (!(*own = strdup(line + 3)))
			return lv_err(err, ENOMEM, "read own cgroup");
		return 0;
	}
	return lv_err(err, 0, "no cgroup2 entry (\"0::\") in /proc/self/cgroup");
}

bool cg_systemd_running(void)
{
	/* sd_booted()'s test. */
	return access("/run/systemd/system", F_OK) == 0;
}

/* Appends the components of `path` to `out` (which starts with "/" or is
 * empty), resolving "." and ".." lexically without climbing above `floor`
 * characters of out. */
static void clean_append(char *out, size_t floor, const char *path)
{
	for (const char *p = path; *p;) {
		p += strspn(p, "/");
		size_t n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out, '/');
			if (slash && (size_t)(slash - out) >= floor)
				*slash = '\0';
		} else {
			size_t len = strlen(out);
			out[len] = '/';
			memcpy(out + len + 1, p, n);
			out[len + 1 + n] = '\0';
		}
		p += n;
	}
}

int cg_resolve_path(const char *mount, const char *own, const char *cgroups_path,
		    const char *id, char **out, lv_error **err)
{
	const char *inner = cgroups_path && cgroups_path[0] ? cgroups_path : id;
	if (!inner || !inner[0])
		return lv_err(err, 0, "cgroup path: neither linux.cgroupsPath nor a "
			      "container id was given");
	size_t cap = strlen(mount) + strlen(own ? own : "") + strlen(inner) + 3;
	_cleanup_free_ char *buf = calloc(1, cap);
	if (!buf)
		return lv_err(err, ENOMEM, "cgroup path");
	clean_append(buf, 0, mount);
	size_t floor = strlen(buf);
	if (inner[0] != '/') {
		/* runc: the caller's own cgroup has processes in it, so no
		 * controller could be enabled for a child of it; its parent. */
		clean_append(buf, floor, own ? own : "/");
		char *slash = strrchr(buf, '/');
		if (slash && (size_t)(slash - buf) >= floor)
			*slash = '\0';
		floor = strlen(buf);
	}
	clean_append(buf, floor, inner);
	if (strlen(buf) == floor)
		return lv_err(err, 0, "linux.cgroupsPath \"%s\": names no cgroup below "
			      "%s", inner, floor ? buf : "/");
	*out = steal_ptr(buf);
	return 0;
}
