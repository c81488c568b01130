/* Fuzz driver: the configuration reader (it reads a file: the input is
 * written to a temporary one). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    struct config *c = NULL;
    char err[256];
    FILE *fp;

    if (path[0] == '\0')
        snprintf(path, sizeof(path), "/tmp/almanac-fuzz-config.%d", (int)getpid());
    fp = fopen(path, "wb");
    if (fp == NULL)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    if (config_load(path, &c, err, sizeof(err)) == 0)
        config_free(c);
    return 0;
}
