/* Internal to src/image: pieces shared by unpack, the store and `image run`. */
#ifndef LIEVE_IMAGE_UNPACK_H
#define LIEVE_IMAGE_UNPACK_H

#include "src/image/image.h"

/* Verifies and extracts layer i of im into root_fd, checking its diff id. */
int img_apply_layer(img_source *src, const img_image *im, size_t i, int root_fd,
		    int whiteouts, const int *lower_fds, size_t n_lower, lv_error **err);

/* Writes cfg as dirfd/name atomically. */
int img_write_config(int dirfd, const char *name, const spec_config *cfg, lv_error **err);

/* Creates the bundle directory if needed; refuses an existing rootfs or
 * config.json.  *fd is an O_PATH fd of the bundle; *created tells whether
 * the directory was made here (to be removed again on failure). */
int img_bundle_prepare(const char *bundle, int *fd, bool *created, lv_error **err);

#endif
