/* libFuzzer target: the INI configuration parser (hostile config files), merged over a copy of
 * the embedded defaults (parsed once: parsing them for each input took three quarters of the time). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fg_config *defaults;
    fg_config *cfg;
    char *text;

    if (!defaults && fg_config_new(&defaults) != FG_OK)
        abort();
    if (size > 65536 || fg_config_dup(defaults, &cfg) != FG_OK)
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
