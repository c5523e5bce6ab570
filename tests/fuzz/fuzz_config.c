/* libFuzzer target: the INI configuration parser (hostile config files). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fg_config *cfg;
    char *text;

    if (size > 65536 || fg_config_new(&cfg) != FG_OK)
        return 0;
    if ((text = malloc(size + 1))) {
        memcpy(text, data, size);
        text[size] = '\0';   /* the loader refuses NUL bytes before parsing; the string API stops at one */
        fg_config_load_string(cfg, text, "fuzz");
        free(text);
    }
    fg_config_free(cfg);
    return 0;
}
