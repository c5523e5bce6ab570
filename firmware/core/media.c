/* faxgate — the paper a fax prints on, and where each page goes on it.
 *
 * A fax page is 1728 pixels (215 mm) wide at 204 dpi and as long as the sheet the sender
 * scanned: 297 mm for A4, 279.4 mm (11 in) for US Letter, anything for a page made by a
 * computer. An office MFP holds A4 or Letter, so a fax prints on one of them: Letter when its
 * longest page is about Letter length, A4 otherwise (A4 is the ITU's page, and the longer of
 * the two, so a page of any other length fits it best). The midpoint between the two lengths
 * (288 mm) splits them; a page more than 15 mm shorter than Letter is not a Letter scan.
 * One paper for the whole fax: an MFP switching trays in the middle of a fax is no help.
 *
 * A page is scaled down to fit, never up, keeping its proportions: the 215 mm of a fax line
 * on a 210 mm A4 sheet is 97.7 %, as a fax machine's own "auto reduction" prints it.
 */
#include <stddef.h>

#include "faxgate/deliver.h"
#include "faxgate/page.h"

#define LETTER_MIN_MM 264.0   /* 11 in - 15 mm */
#define LETTER_MAX_MM 288.0   /* halfway to A4's 297 mm */

static const fg_media sheets[] = {
    {FG_MEDIA_A4, "A4", "iso_a4_210x297mm", 595.2756, 841.8898},
    {FG_MEDIA_LETTER, "Letter", "na_letter_8.5x11in", 612.0, 792.0},
};

const fg_media *fg_media_of(fg_media_size paper)
{
    return paper == FG_MEDIA_LETTER ? &sheets[1] : &sheets[0];
}

fg_media_size fg_media_size_for_length(double length_mm)
{
    return length_mm >= LETTER_MIN_MM && length_mm <= LETTER_MAX_MM ? FG_MEDIA_LETTER : FG_MEDIA_A4;
}

fg_err fg_media_for_tiff(const char *tiff_path, fg_media_size want, const fg_media **out)
{
    double longest = 0;
    fg_page *p;
    fg_err e;
    int n;

    *out = fg_media_of(want);
    if (want != FG_MEDIA_AUTO)
        return FG_OK;
    if ((e = fg_page_tiff_count(tiff_path, &n)))
        return e;
    for (int i = 0; i < n; i++) {
        double mm;

        if ((e = fg_page_read_tiff(tiff_path, i, &p)))
            return e;
        mm = 25.4 * p->height / (p->yres > 0 ? p->yres : 196);
        if (mm > longest)
            longest = mm;
        fg_page_free(p);
    }
    *out = fg_media_of(fg_media_size_for_length(longest));
    return FG_OK;
}

void fg_media_place(const fg_media *m, int width, int height, int xres, int yres, double margin_x,
                    double margin_y, fg_place *out)
{
    double w = 72.0 * width / (xres > 0 ? xres : 204), h = 72.0 * height / (yres > 0 ? yres : 196);
    double room_w = m->width_pt - 2 * margin_x, room_h = m->height_pt - 2 * margin_y, s = 1.0;

    if (w > room_w && w > 0)
        s = room_w / w;
    if (h * s > room_h && h > 0)
        s = room_h / h;
    out->scale = s;
    out->w_pt = w * s;
    out->h_pt = h * s;
    out->x_pt = (m->width_pt - out->w_pt) / 2;
    out->y_pt = margin_y;
}
