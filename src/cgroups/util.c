/* Small file helpers for cgroupfs. */
#include "src/cgroups/cg_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/util/cleanup.h"

int cg_read_at(int dirfd, const char *file, char **out)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = malloc(cap);
	if (!buf)
		return -1;
	for (;;) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				return -1;
			buf = nb;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*out = steal_ptr(buf);
	return 0;
}

int cg_read(const char *dir, const char *file, char **out)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	return cg_read_at(dfd, file, out);
}

int cg_write_at(int dirfd, const char *file, const char *value)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(value);
	ssize_t r;
	do
		r = write(fd, value, len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if ((size_t)r != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

bool cg_parse_u64(const char *s, uint64_t *v)
{
	while (*s == ' ')
		s++;
	if (!strncmp(s, "max", 3) && (s[3] == '\0' || s[3] == '\n')) {
		*v = UINT64_MAX;
		return true;
	}
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || end == s || (*end && *end != '\n' && *end != ' '))
		return false;
	*v = n;
	return true;
}

bool cg_key_u64(const char *content, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);
	for (const char *p = content; p && *p;) {
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return cg_parse_u64(p + klen + 1, v);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

bool cg_word_in(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; p && *p;) {
		p += strspn(p, " \t\n");
		size_t n = strcspn(p, " \t\n");
		if (n == len && !strncmp(p, word, len))
			return true;
		p += n;
	}
	return false;
}
