/* Blob digests with libcrypto's EVP interface (sha256, sha512). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/image/fsutil.h"
#include "src/image/image.h"
#include "src/image/internal.h"
#include "src/util/cleanup.h"

int img_md_final(EVP_MD_CTX *md, const char *algo, char **out, lv_error **err)
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(md, raw, &n) != 1)
		return lv_err(err, 0, "digest %s: failed", algo);
	size_t alen = strlen(algo);
	char *s = malloc(alen + 1 + 2 * n + 1);
	if (!s)
		return lv_err(err, ENOMEM, "digest");
	memcpy(s, algo, alen);
	s[alen] = ':';
	for (unsigned int i = 0; i < n; i++) {
		static const char hex[] = "0123456789abcdef";
		s[alen + 1 + 2 * i] = hex[raw[i] >> 4];
		s[alen + 2 + 2 * i] = hex[raw[i] & 15];
	}
	s[alen + 1 + 2 * n] = '\0';
	*out = s;
	return 0;
}

static void md_freep(EVP_MD_CTX **m) { EVP_MD_CTX_free(*m); }

int img_digest_fd(int fd, const char *algo, char **digest, lv_error **err)
{
	const EVP_MD *type = EVP_get_digestbyname(algo);
	__attribute__((cleanup(md_freep))) EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!type || !md || EVP_DigestInit_ex(md, type, NULL) != 1)
		return lv_err(err, 0, "digest %s: unavailable", algo);
	_cleanup_free_ char *buf = malloc(128 * 1024);
	if (!buf)
		return lv_err(err, ENOMEM, "digest");
	for (;;) {
		ssize_t n = read(fd, buf, 128 * 1024);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lv_err(err, errno, "read");
		if (n == 0)
			break;
		if (EVP_DigestUpdate(md, buf, (size_t)n) != 1)
			return lv_err(err, 0, "digest %s: failed", algo);
	}
	return img_md_final(md, algo, digest, err);
}

int img_blob_path(const char *digest, char **path, lv_error **err)
{
	const char *algo, *hex;
	if (img_digest_split(digest, &algo, &hex, err) < 0)
		return -1;
	if (asprintf(path, "blobs/%s/%s", algo, hex) < 0)
		return lv_err(err, ENOMEM, "blob %s", digest);
	return 0;
}

int img_blob_open(img_source *src, const char *path, const char *digest,
		  int64_t size, int *out, lv_error **err)
{
	const char *what = digest ? digest : path;
	_cleanup_close_ int fd = img_openat_in_root(img_source_root_fd(src), path, O_RDONLY, 0);
	if (fd < 0) {
		if (errno == ENOENT)
			return lv_err(err, 0, "blob %s: missing (%s not found)", what, path);
		return lv_err(err, errno, "blob %s: open %s", what, path);
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return lv_err(err, errno, "blob %s: stat", what);
	if (!S_ISREG(st.st_mode))
		return lv_err(err, 0, "blob %s: %s is not a regular file", what, path);
	if (size >= 0 && st.st_size != size)
		return lv_err(err, 0, "blob %s: size mismatch: descriptor says %" PRId64
			      " bytes, blob has %" PRId64, what, size, (int64_t)st.st_size);
	if (digest) {
		const char *algo, *hex;
		if (img_digest_split(digest, &algo, &hex, err) < 0)
			return lv_err_wrap(err, "blob %s", path);
		_cleanup_free_ char *got = NULL;
		if (img_digest_fd(fd, algo, &got, err) < 0)
			return lv_err_wrap(err, "blob %s", what);
		if (strcmp(got, digest) != 0)
			return lv_err(err, 0, "blob %s: digest mismatch: content hashes to %s",
				      what, got);
		if (lseek(fd, 0, SEEK_SET) < 0)
			return lv_err(err, errno, "blob %s: seek", what);
	}
	*out = steal_fd(fd);
	return 0;
}

int img_blob_read(img_source *src, const char *path, const char *digest,
		  int64_t size, char **data, size_t *len, lv_error **err)
{
	_cleanup_close_ int fd = -1;
	if (img_blob_open(src, path, digest, size, &fd, err) < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return lv_err(err, errno, "blob %s: stat", digest ? digest : path);
	if (st.st_size > 64 * 1024 * 1024)
		return lv_err(err, EFBIG, "blob %s: too large for a JSON document",
			      digest ? digest : path);
	_cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return lv_err(err, ENOMEM, "blob %s", path);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lv_err(err, n < 0 ? errno : EIO, "blob %s: read", path);
		got += (size_t)n;
	}
	buf[got] = '\0';
	*data = steal_ptr(buf);
	*len = got;
	return 0;
}
