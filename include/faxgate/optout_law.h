/* faxgate — what an opt-out request says, per jurisdiction profile (data, optout_law.c).
 *
 * When the site asks an advertiser to stop (faxgatectl optout), the request page names the law
 * under which it asks, in the profile's language, and how long the sender has to comply. A fax
 * from the same advertiser arriving after that delay is a repeat: the profile's repeat_rule
 * names the violation (fg_policy_decide). The delay itself is the profile's
 * fg_profile_info.optout_delay_days.
 */
#ifndef FAXGATE_OPTOUT_LAW_H
#define FAXGATE_OPTOUT_LAW_H

/* The labels of the request page, in one language. */
typedef struct fg_optout_words {
    const char *lang;          /* "en", "fr", "de" */
    const char *remove;        /* "Number(s) to remove" */
    const char *date;          /* "Date" */
    const char *regarding;     /* "Your fax received" */
    const char *tsi;           /* "Sender identification (TSI)" */
    const char *caller_id;     /* "Caller ID" */
    const char *advertiser;    /* "Advertiser" */
    const char *sha256;        /* "SHA-256 of its page 1" */
    const char *reference;     /* "Our reference" */
    const char *sent_to;       /* "Sent to your opt-out number" */
    const char *law;           /* "Legal basis" */
    const char *none;          /* "none" (a fact the fax did not give) */
} fg_optout_words;

typedef struct fg_optout_law {
    const char *profile;       /* "us" */
    const fg_optout_words *words;
    const char *title;         /* heading of the request page */
    const char *cite;          /* the law, short: "47 CFR 64.1200(a)(4)(iii)-(v); 47 USC 227(b)" */
    const char *basis;         /* the request and its legal basis, one paragraph */
    const char *deadline;      /* how long the sender has, and what follows a repeat */
    const char *repeat_rule;   /* violation rule of a fax after the delay (< 64 bytes) */
    int letter;                /* 1: the request is laid out on US Letter, else A4 */
} fg_optout_law;

/** The wording of that profile ("us", "uk", "fr", "de", "ca", "au", "eu"), or NULL. */
const fg_optout_law *fg_optout_law_find(const char *profile);

/** The profiles that have a wording, NULL-terminated. */
const char *const *fg_optout_law_profiles(void);

#endif
