/* faxgate — helpers shared by the printer drivers and pdf.c, private to firmware/core. */
#ifndef FAXGATE_DELIVER_IMPL_H
#define FAXGATE_DELIVER_IMPL_H

#include <stdio.h>

#include "faxgate/deliver.h"

/** Renders every page of a TIFF as PDF into out (a file or a memory stream); I/O errors keep
    their errno meaning (a full disk is FG_ERR_NOSPACE). */
fg_err fg_pdf_write(const char *tiff_path, FILE *out);

#endif
