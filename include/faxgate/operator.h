/* faxgate — what an operator does to a call or the site's lists, in one place for every way of
   doing it (faxgatectl release/junk/block/consent and the web admin), so that the two never
   disagree: the same spool moves, the same verdict written by "operator" (which junk_senders and
   the standing-violation rule read), the same print queue, the same learning. */
#ifndef FAXGATE_OPERATOR_H
#define FAXGATE_OPERATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "faxgate/config.h"
#include "faxgate/store.h"

/* What an override did, for the caller to tell its user. */
typedef struct fg_override {
    int64_t id;
    bool already_printed;       /* release: it had been printed; only learned from */
    bool printed_before;        /* junk: it had been printed already */
    bool printing_now;          /* junk: it was being printed at that moment; marked junk anyway */
    bool queued;                /* release: a print job was queued (the caller prints it or kicks the queue) */
    char tiff[1200];            /* where its pages are now; "" if it has none */
    /* learning (after the verdict, which stands whatever happens here) */
    bool learn_tried, learned, learn_changed, learn_nothing;
    size_t tokens;
    char learn_error[256];      /* "" if none */
    bool campaign_tried;
    int64_t campaign;           /* 0: the call has no fingerprint */
    char campaign_error[256];
} fg_override;

/** Releases a held or dropped call: its pages move to the inbox, its verdict becomes deliver (by
    "operator", why saying who), and a print job is queued in the store (out->queued) for the
    caller to print (faxgatectl) or for faxgated's delivery thread; then the filter learns it as a
    business fax and its campaign is marked released. A call already printed is only learned
    from. FG_ERR_STATE if it has no pages. */
fg_err fg_operator_release(const fg_config *cfg, fg_store *st, int64_t id, const char *why, fg_override *out);

/** Marks a call junk: a pending print job is cancelled, its pages move to the junk folder as
    evidence, its verdict becomes drop (by "operator"), the filter learns it as an advertisement
    and its campaign is marked junk (its later copies are dropped). */
fg_err fg_operator_junk(const fg_config *cfg, fg_store *st, int64_t id, const char *why, fg_override *out);

/** Normalises a list entry's value as the lists store it: a number in E.164 ([site] country
    for national numbers), a domain in lower case without a leading '@'; FG_ERR_INVAL saying why. */
fg_err fg_operator_list_value(const fg_config *cfg, const char *kind, const char *value, char *out, size_t cap);

/** True if s is one of the words in the NULL-terminated set (case-insensitive). */
bool fg_operator_one_of(const char *s, const char *const *set);

/* The words the lists accept (NULL-terminated). */
extern const char *const fg_consent_kinds[], *const fg_consent_bases[], *const fg_block_roles[],
    *const fg_block_kinds[];

/* What an operator does to a list entry. */
typedef enum fg_list_op { FG_LIST_ADD, FG_LIST_REMOVE, FG_LIST_EDIT } fg_list_op;

/** "add", "remove", "edit" → its op; -1 for anything else. */
int fg_list_op_parse(const char *s);

/** Adds, removes or edits (its basis and note) a consent entry: kind number|domain|name, value
    normalised here, basis consent|ebr (add, edit), note may be NULL, by who does it (a web account,
    "faxgatectl"). */
fg_err fg_operator_consent(const fg_config *cfg, fg_store *st, fg_list_op op, const char *kind, const char *value,
                           const char *basis, const char *note, const char *by);

/** Adds, removes or edits (its note) a block entry: role broadcaster|advertiser, kind number|tsi|
    domain|name|ticker|nsf|dcs, value normalised here, note may be NULL, by who does it. */
fg_err fg_operator_block(const fg_config *cfg, fg_store *st, fg_list_op op, const char *role, const char *kind,
                         const char *value, const char *note, const char *by);

#endif
