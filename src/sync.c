#include "src/sync.h"
#include "src/util/fdpass.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SYNC_MAX 8192

struct sync_head {
	uint32_t type;
	int32_t errnum;
};

int lv_sync_pair(int fds[2], lv_error **err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return lv_err(err, errno, "create sync socket pair");
	return 0;
}

static int send_msg(int sock, int type, int errnum, const char *text, int fd)
{
	char buf[SYNC_MAX];
	struct sync_head h = { (uint32_t)type, errnum };
	size_t tlen = text ? strnlen(text, SYNC_MAX - sizeof(h) - 1) : 0;
	memcpy(buf, &h, sizeof(h));
	if (tlen)
		memcpy(buf + sizeof(h), text, tlen);
	return lv_send_fd(sock, buf, sizeof(h) + tlen, fd) < 0 ? -1 : 0;
}

int lv_sync_send(int sock, int type, int fd, lv_error **err)
{
	if (send_msg(sock, type, 0, NULL, fd) < 0)
		return lv_err(err, errno, "sync with container process");
	return 0;
}

void lv_sync_send_error(int sock, const lv_error *e)
{
	send_msg(sock, LV_SYNC_ERROR, e ? e->errnum : 0,
		 e && e->msg ? e->msg : "unknown error", -1);
}

int lv_sync_recv(int sock, int *type, int *fd, lv_error **err)
{
	char buf[SYNC_MAX + 1];
	int passed = -1;
	*type = 0;
	if (fd)
		*fd = -1;
	ssize_t n = lv_recv_fd(sock, buf, SYNC_MAX, &passed);
	if (n < 0)
		return lv_err(err, errno, "sync with container process");
	if (n == 0)
		return 0;
	if ((size_t)n < sizeof(struct sync_head)) {
		if (passed >= 0)
			close(passed);
		return lv_err(err, EPROTO, "sync with container process: short message");
	}
	struct sync_head h;
	memcpy(&h, buf, sizeof(h));
	if (h.type == LV_SYNC_ERROR) {
		if (passed >= 0)
			close(passed);
		buf[n] = '\0';
		/* The child's message is already the whole line: keep it as is. */
		lv_err(err, 0, "%s", buf + sizeof(h));
		if (*err)
			(*err)->errnum = h.errnum;
		return -1;
	}
	*type = (int)h.type;
	if (fd)
		*fd = passed;
	else if (passed >= 0)
		close(passed);
	return 0;
}

int lv_sync_expect(int sock, int type, int *fd, lv_error **err)
{
	int got;
	if (lv_sync_recv(sock, &got, fd, err) < 0)
		return -1;
	if (got == 0)
		return lv_err(err, 0, "container process exited during setup");
	if (got != type)
		return lv_err(err, EPROTO, "sync with container process: unexpected message %d", got);
	return 0;
}
