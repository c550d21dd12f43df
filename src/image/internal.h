/* Internal to src/image. */
#ifndef LIEVE_IMAGE_INTERNAL_H
#define LIEVE_IMAGE_INTERNAL_H

#include <openssl/evp.h>
#include <stdbool.h>

#include "src/error.h"
#include "src/image/image.h"

/* Finishes a digest into "algo:hex" (allocated). */
int img_md_final(EVP_MD_CTX *md, const char *algo, char **out, lv_error **err);

/* The directory blobs and documents of a source are resolved in. */
int img_source_root_fd(const img_source *s);

/* The requested reference name (NULL: the only image), and whether the
 * source is a docker archive. */
const char *img_source_name(const img_source *s);
bool img_source_is_docker(const img_source *s);

#endif
