/* tsb85 — a script's STATUS step: the T.30 completion code the gateway recorded for the call,
   read from its SQLite store by the call's AudioSocket UUID. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <spandsp.h>
#include <sqlite3.h>

#include "tsb85.h"

static const struct {
    const char *name;
    int code;
} names[] = {
    {"OK", T30_ERR_OK}, {"CEDTONE", T30_ERR_CEDTONE}, {"T0_EXPIRED", T30_ERR_T0_EXPIRED},
    {"T1_EXPIRED", T30_ERR_T1_EXPIRED}, {"T3_EXPIRED", T30_ERR_T3_EXPIRED},
    {"HDLC_CARRIER", T30_ERR_HDLC_CARRIER}, {"CANNOT_TRAIN", T30_ERR_CANNOT_TRAIN},
    {"OPER_INT_FAIL", T30_ERR_OPER_INT_FAIL}, {"INCOMPATIBLE", T30_ERR_INCOMPATIBLE},
    {"RX_INCAPABLE", T30_ERR_RX_INCAPABLE}, {"TX_INCAPABLE", T30_ERR_TX_INCAPABLE},
    {"NORESSUPPORT", T30_ERR_NORESSUPPORT}, {"NOSIZESUPPORT", T30_ERR_NOSIZESUPPORT},
    {"UNEXPECTED", T30_ERR_UNEXPECTED}, {"TX_BADDCS", T30_ERR_TX_BADDCS}, {"TX_BADPG", T30_ERR_TX_BADPG},
    {"TX_ECMPHD", T30_ERR_TX_ECMPHD}, {"TX_GOTDCN", T30_ERR_TX_GOTDCN}, {"TX_INVALRSP", T30_ERR_TX_INVALRSP},
    {"TX_NODIS", T30_ERR_TX_NODIS}, {"TX_PHBDEAD", T30_ERR_TX_PHBDEAD}, {"TX_PHDDEAD", T30_ERR_TX_PHDDEAD},
    {"TX_T5EXP", T30_ERR_TX_T5EXP}, {"RX_ECMPHD", T30_ERR_RX_ECMPHD}, {"RX_GOTDCS", T30_ERR_RX_GOTDCS},
    {"RX_INVALCMD", T30_ERR_RX_INVALCMD}, {"RX_NOCARRIER", T30_ERR_RX_NOCARRIER},
    {"RX_NOEOL", T30_ERR_RX_NOEOL}, {"RX_NOFAX", T30_ERR_RX_NOFAX}, {"RX_T2EXPDCN", T30_ERR_RX_T2EXPDCN},
    {"RX_T2EXPD", T30_ERR_RX_T2EXPD}, {"RX_T2EXPFAX", T30_ERR_RX_T2EXPFAX},
    {"RX_T2EXPMPS", T30_ERR_RX_T2EXPMPS}, {"RX_T2EXPRR", T30_ERR_RX_T2EXPRR}, {"RX_T2EXP", T30_ERR_RX_T2EXP},
    {"RX_DCNWHY", T30_ERR_RX_DCNWHY}, {"RX_DCNDATA", T30_ERR_RX_DCNDATA}, {"RX_DCNFAX", T30_ERR_RX_DCNFAX},
    {"RX_DCNPHD", T30_ERR_RX_DCNPHD}, {"RX_DCNRRD", T30_ERR_RX_DCNRRD}, {"RX_DCNNORTN", T30_ERR_RX_DCNNORTN},
    {"FILEERROR", T30_ERR_FILEERROR}, {"NOPAGE", T30_ERR_NOPAGE}, {"BADTIFF", T30_ERR_BADTIFF},
    {"BADPAGE", T30_ERR_BADPAGE}, {"BADTAG", T30_ERR_BADTAG}, {"BADTIFFHDR", T30_ERR_BADTIFFHDR},
    {"NOMEM", T30_ERR_NOMEM}, {"RETRYDCN", T30_ERR_RETRYDCN}, {"CALLDROPPED", T30_ERR_CALLDROPPED},
    {"NOPOLL", T30_ERR_NOPOLL}, {"IDENT_UNACCEPTABLE", T30_ERR_IDENT_UNACCEPTABLE},
    {"SUB_UNACCEPTABLE", T30_ERR_SUB_UNACCEPTABLE}, {"SEP_UNACCEPTABLE", T30_ERR_SEP_UNACCEPTABLE},
    {"PSA_UNACCEPTABLE", T30_ERR_PSA_UNACCEPTABLE}, {"SID_UNACCEPTABLE", T30_ERR_SID_UNACCEPTABLE},
    {"PWD_UNACCEPTABLE", T30_ERR_PWD_UNACCEPTABLE}, {"TSA_UNACCEPTABLE", T30_ERR_TSA_UNACCEPTABLE},
    {"IRA_UNACCEPTABLE", T30_ERR_IRA_UNACCEPTABLE}, {"CIA_UNACCEPTABLE", T30_ERR_CIA_UNACCEPTABLE},
    {"ISP_UNACCEPTABLE", T30_ERR_ISP_UNACCEPTABLE}, {"CSA_UNACCEPTABLE", T30_ERR_CSA_UNACCEPTABLE},
};

int tsb_status_code(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i].name, name))
            return names[i].code;
    return -1;
}

int tsb_store_t30_code(const char *db, const char *uuid, int wait_s, int *code, char *err, size_t errcap)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "cannot open the store %s: %s", db, h ? sqlite3_errmsg(h) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_prepare_v2(h, "SELECT t30_code FROM calls WHERE uuid = ?1 AND state NOT IN ('new', 'receiving') "
                           "AND t30_code IS NOT NULL ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "cannot read the store %s: %s", db, sqlite3_errmsg(h));
        goto out;
    }
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    for (int i = 0; i < wait_s * 10; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        int s = sqlite3_step(st);

        if (s == SQLITE_ROW) {
            *code = sqlite3_column_int(st, 0);
            rc = 0;
            goto out;
        }
        if (s != SQLITE_DONE && s != SQLITE_BUSY) {
            snprintf(err, errcap, "cannot read the store %s: %s", db, sqlite3_errmsg(h));
            goto out;
        }
        sqlite3_reset(st);
        nanosleep(&ts, NULL);
    }
    snprintf(err, errcap, "the gateway recorded no finished call %s within %d s", uuid, wait_s);
out:
    sqlite3_finalize(st);
    sqlite3_close(h);
    return rc;
}
