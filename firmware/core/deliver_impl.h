/* faxgate — helpers shared by the printer drivers and pdf.c, private to firmware/core. */
#ifndef FAXGATE_DELIVER_IMPL_H
#define FAXGATE_DELIVER_IMPL_H

#include <stdio.h>

#include "faxgate/deliver.h"
#include "faxgate/page.h"

/** Renders every page of a TIFF as PDF on sheets of media (NULL: the paper the fax calls for)
    into out (a file or a memory stream); I/O errors keep their errno meaning (a full disk is
    FG_ERR_NOSPACE). */
fg_err fg_pdf_write(const char *tiff_path, const fg_media *media, FILE *out);

/** Renders every page of a TIFF as PCL 5 raster (300 dpi, compression mode 2) on sheets of
    media (NULL: the paper the fax calls for) into out. */
fg_err fg_pcl_write(const char *tiff_path, const fg_media *media, FILE *out);

/** Writes one page as PCL 5 raster graphics on a sheet of media, ending with a form feed. */
fg_err fg_pcl_page(const fg_page *p, const fg_media *media, FILE *out);

/** PackBits (PCL compression mode 2) of n bytes into out (room for n + (n + 127) / 128 bytes);
    returns the length written. Trailing zero bytes are left out: PCL fills the row with white. */
size_t fg_pcl_packbits(const unsigned char *in, size_t n, unsigned char *out);

#endif
