/* faxgate host — the opt-out request page.
 *
 * The request identifies the fax it answers the way a complaint form does (when it arrived, the
 * sender's TSI and caller ID, the advertiser as named, the hash of page 1), names the numbers to
 * remove and the law it is made under, and carries a header line of our own: a fax the gateway
 * sends must itself name its date, time, sender and number (47 CFR 68.318(d)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faxgate/page.h"
#include "optout_page.h"
#include "render.h"

static const char *or_none(const char *v, const fg_optout_page *p)
{
    return v && *v ? v : p->law->words->none;
}

/* One "Label: value" body line. Values come from a hostile fax: a line break in one would start a
   line of markup of its own, so it becomes a space (the label keeps the value off the line start). */
static void fact(FILE *f, const char *label, const char *value)
{
    fprintf(f, "%s: ", label);
    for (const char *v = value; *v; v++)
        fputc(*v == '\n' || *v == '\r' ? ' ' : *v, f);
    fputc('\n', f);
}

char *fg_optout_page_text(const fg_optout_page *p)
{
    const fg_optout_words *w = p->law->words;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f)
        return NULL;
    fprintf(f, "# %s\n\n", p->law->title);
    fact(f, w->date, or_none(p->date, p));
    fact(f, w->reference, or_none(p->reference, p));
    fact(f, w->sent_to, or_none(p->dest, p));
    fputs("\n", f);
    fprintf(f, "%s\n\n", p->law->basis);
    fprintf(f, "! %s:\n", w->remove);
    fprintf(f, "## %s\n\n", or_none(p->numbers, p));
    fprintf(f, "! %s\n\n", p->law->deadline);
    fputs("---\n", f);
    fact(f, w->regarding, or_none(p->received, p));
    fact(f, w->tsi, or_none(p->tsi, p));
    fact(f, w->caller_id, or_none(p->caller_id, p));
    fact(f, w->advertiser, or_none(p->advertiser, p));
    fact(f, w->sha256, or_none(p->sha256, p));
    fputs("---\n", f);
    fact(f, w->law, p->law->cite);
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}

fg_err fg_optout_page_write(const fg_optout_page *p, const char *path, char sha256[65])
{
    char *text = fg_optout_page_text(p), header[200];
    fg_render_opts o;
    fg_render_info info;
    fg_page *page = NULL;
    fg_err e;

    if (!text)
        return fg_err_set(FG_ERR_NOMEM, "cannot compose the opt-out request");
    fg_render_opts_init(&o);
    o.paper = p->law->letter ? FG_PAPER_LETTER : FG_PAPER_A4;
    o.size_pt = 11;
    snprintf(header, sizeof header, "%s   %s   %s", or_none(p->header_time, p), or_none(p->from, p),
             or_none(p->numbers, p));
    o.header = header;
    e = fg_render_text_info(text, strlen(text), &o, &page, &info);
    free(text);
    if (!e && info.lines_cut > 0)
        e = fg_err_set(FG_ERR_TOOBIG, "the opt-out request does not fit on one page (%d lines cut): a fact of the "
                       "received fax is too long", info.lines_cut);
    if (!e) {
        fg_page_sha256(page, sha256);
        e = fg_page_write_tiff(page, path, false);
    }
    fg_page_free(page);
    return e;
}
