/* config.json and process.json: parse, load, write, free, compare. */
#include "spec/config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/tables.h"
#include "src/util/cleanup.h"

const char *spec_map_get(const spec_map *m, const char *key)
{
	if (!m)
		return NULL;
	/* Duplicate keys are kept in document order; the last one wins, as
	 * with runc's encoding/json. */
	for (size_t i = m->n; i-- > 0;)
		if (strcmp(m->v[i].key, key) == 0)
			return m->v[i].value;
	return NULL;
}

static const char *name_at(const char *const *names, int count, int i)
{
	return i >= 0 && i < count ? names[i] : NULL;
}

const char *spec_ns_type_name(int type)
{
	return name_at(spec_ns_names, SPEC_NS_COUNT, type);
}

const char *spec_seccomp_action_name(int action)
{
	return name_at(spec_action_names, SPEC_ACT_NOTIFY + 1, action);
}

const char *spec_seccomp_op_name(int op)
{
	return name_at(spec_op_names, SPEC_OP_MASKED_EQ + 1, op);
}

int spec_config_parse(const char *json, size_t len, const char *label, spec_config **out,
		      lv_error **err)
{
	return je_parse_document(json, len, label, &spec_config_type, (void **)out, err);
}

int spec_process_parse(const char *json, size_t len, const char *label, spec_process **out,
		       lv_error **err)
{
	return je_parse_document(json, len, label, &spec_process_type, (void **)out, err);
}

/* Reads a whole regular file of at most max bytes. */
int spec_read_file(const char *path, size_t max, char **data, size_t *len, lv_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return lv_err(err, errno, "open \"%s\"", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return lv_err(err, errno, "stat \"%s\"", path);
	if (!S_ISREG(st.st_mode))
		return lv_err(err, 0, "read \"%s\": not a regular file", path);
	if ((uint64_t)st.st_size > max)
		return lv_err(err, 0, "read \"%s\": larger than %zu bytes", path, max);
	size_t cap = (size_t)st.st_size + 1, n = 0;
	_cleanup_free_ char *buf = malloc(cap);
	if (!buf)
		return lv_err(err, ENOMEM, "read \"%s\"", path);
	for (;;) {
		if (n == cap) {
			/* The file grew while we read it. */
			if (cap > max)
				return lv_err(err, 0, "read \"%s\": larger than %zu bytes", path, max);
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				return lv_err(err, ENOMEM, "read \"%s\"", path);
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return lv_err(err, errno, "read \"%s\"", path);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max)
		return lv_err(err, 0, "read \"%s\": larger than %zu bytes", path, max);
	*data = steal_ptr(buf);
	*len = n;
	return 0;
}

int spec_config_load(const char *path, const char *label, spec_config **out, lv_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (spec_read_file(path, JE_MAX_DOCUMENT, &data, &len, err) < 0)
		return -1;
	return spec_config_parse(data, len, label ? label : path, out, err);
}

int spec_config_write(const spec_config *cfg, char **json, size_t *len, lv_error **err)
{
	return je_write_document(&spec_config_type, cfg, "\t", json, len, err);
}

int spec_process_write(const spec_process *proc, char **json, size_t *len, lv_error **err)
{
	return je_write_document(&spec_process_type, proc, "\t", json, len, err);
}

void spec_config_free(spec_config *cfg)
{
	je_free(&spec_config_type, cfg);
}

void spec_process_free(spec_process *proc)
{
	je_free(&spec_process_type, proc);
}

bool spec_config_equal(const spec_config *a, const spec_config *b)
{
	if (!a || !b)
		return a == b;
	return je_equal(&spec_config_type, a, b);
}

bool spec_process_equal(const spec_process *a, const spec_process *b)
{
	if (!a || !b)
		return a == b;
	return je_equal(&spec_process_type, a, b);
}

int spec_process_load(const char *path, const char *label, spec_process **out, lv_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (spec_read_file(path, JE_MAX_DOCUMENT, &data, &len, err) < 0)
		return -1;
	return spec_process_parse(data, len, label ? label : path, out, err);
}
