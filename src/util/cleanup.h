/* Ownership helpers: every resource is released when its variable leaves scope. */
#ifndef LIEVE_CLEANUP_H
#define LIEVE_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void lv_freep(void *p) { free(*(void **)p); }
static inline void lv_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void lv_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void lv_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
static inline void lv_strvfreep(char ***v)
{
	if (*v) {
		for (char **p = *v; *p; p++)
			free(*p);
		free(*v);
	}
}

/* Closes an fd kept in a struct and marks it closed. */
static inline void lv_close_reset(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

#define _cleanup_free_ __attribute__((cleanup(lv_freep)))
#define _cleanup_close_ __attribute__((cleanup(lv_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(lv_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(lv_closedirp)))
#define _cleanup_strv_ __attribute__((cleanup(lv_strvfreep)))

/* Hands ownership out of a cleanup variable. */
#define steal_ptr(p)                                                           \
	({                                                                     \
		__typeof__(p) _tmp = (p);                                      \
		(p) = NULL;                                                    \
		_tmp;                                                          \
	})
#define steal_fd(fd)                                                           \
	({                                                                     \
		int _tmp = (fd);                                               \
		(fd) = -1;                                                     \
		_tmp;                                                          \
	})

#endif
