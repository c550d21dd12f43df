#ifndef LIEVE_TEST_ROOTFS_DRIVER_H
#define LIEVE_TEST_ROOTFS_DRIVER_H
#include <stddef.h>
#include "spec/config.h"
spec_config *driver_load_config(const char *path, char *errbuf, size_t errlen);
#endif
