# tests/eval_table.awk — the one table of `make eval` and the PASS/FAIL line of each "Done when"
# criterion (issue 3), from the rows of every evaluation (tests/eval.sh writes them, tab-separated):
#   1 source  2 lang  3 label  4 verdict (deliver|hold|drop|error)  5 adv_expected  6 adv_ok
#   7 optout_expected  8 optout_ok  9 ocr  10 ocr_ms  11 error  12 bogofilter class (S|H|U|-)
#   13 bogofilter spamicity  14 faxgate score
# Whether each row is right was decided by faxgatectl eval (host/common/eval.c); here rows are
# only counted. Variables: have_corpus, learned, strict, errors_extra (evaluations that failed).
# Exit status: the number of criteria that failed or could not be measured (capped at 100).

function add(g) {
    rows[g]++
    if ($11 == 1) err[g]++
    if ($4 == "error") return
    if ($3 == "ad") {
        ads[g]++
        if ($4 != "deliver") caught[g]++
        if ($12 == "S") b_s_ads[g]++
        if ($12 == "S" || $12 == "U") b_su_ads[g]++
    } else {
        legit[g]++
        if ($4 == "hold") held[g]++
        if ($4 == "drop") dropped[g]++
        if ($12 == "S") b_s_leg[g]++
        if ($12 == "S" || $12 == "U") b_su_leg[g]++
    }
    adv_x[g] += $5; adv_ok[g] += $6; opt_x[g] += $7; opt_ok[g] += $8
    if ($9 == 1) { ocr_n[g]++; ocr_ms[g] += $10 }
}

{
    add($1)
    if ($1 ~ /^own/) add($1 "/" $2)
    if ($1 == "funsd" || $1 == "itu" || $1 == "tobacco") add("corpus")
    if ($1 == "tobacco" && $13 != "-") {
        if ($3 == "ad") tob_ad[++n_tob_ad] = $13 + 0
        else tob_leg[++n_tob_leg] = $13 + 0
    }
    if ($1 == "tobacco" && $4 != "error" && $14 != "" && $14 != "-") {
        if ($3 == "ad") fg_ad[++n_fg_ad] = $14 + 0
        else fg_leg[++n_fg_leg] = $14 + 0
    }
}

# best_cut(ad, na, leg, nl, maxfp): the cut-off (one of the scores) that flags the most ads with at
# most maxfp legit flagged (score >= cut-off); sets cut_c, cut_tp, cut_fp. Ties: the higher cut-off.
function best_cut(ad, na, leg, nl, maxfp,    i, j, c, tp, fp) {
    cut_tp = 0; cut_fp = 0; cut_c = "-"
    for (i = 1; i <= na + nl; i++) {
        c = i <= na ? ad[i] : leg[i - na]
        tp = 0; fp = 0
        for (j = 1; j <= na; j++) tp += ad[j] >= c
        for (j = 1; j <= nl; j++) fp += leg[j] >= c
        if (fp <= maxfp && (tp > cut_tp || (tp == cut_tp && tp > 0 && c > cut_c))) { cut_tp = tp; cut_fp = fp; cut_c = c }
    }
}

function frac(k, n) { return n > 0 ? sprintf("%d/%d %.1f%%", k, n, 100 * k / n) : "-" }
function pct(k, n) { return n > 0 ? 100 * k / n : -1 }
function bogo(a, l, g) { return (ads[g] + legit[g]) > 0 ? sprintf("%d/%d  %d/%d", a + 0, ads[g], l + 0, legit[g]) : "-" }

function line(g, name,    p, n_fl) {
    n_fl = caught[g] + held[g] + dropped[g]
    p = n_fl > 0 ? sprintf("%.1f%%", 100 * caught[g] / n_fl) : "-"
    printf "%-20s %4d  %-15s %-9s %-14s %-13s %-15s %-15s %6s %3d  %-15s %-15s\n", name, ads[g] + legit[g],
        frac(caught[g], ads[g]), p, frac(held[g], legit[g]), frac(dropped[g], legit[g]), frac(adv_ok[g], adv_x[g]),
        frac(opt_ok[g], opt_x[g]), ocr_n[g] ? sprintf("%.0f", ocr_ms[g] / ocr_n[g]) : "-", err[g] + 0,
        bogo(b_s_ads[g], b_s_leg[g], g), bogo(b_su_ads[g], b_su_leg[g], g)
}

# verdict of one criterion: ok (1 pass, 0 fail, -1 not measured)
function crit(ok, text) {
    if (ok == 1) tag = "PASS"
    else if (ok == 0) { tag = "FAIL"; failed++ }
    else { tag = "NOT MEASURED"; failed++ }
    printf "%-13s %s\n", tag, text
}

# all sources in list pass the test (a function of one source's counts); -1 if none has rows
function all_ok(list, what, limit,    i, n, s, ok, any, v) {
    n = split(list, s, " "); ok = 1; any = 0
    for (i = 1; i <= n; i++) {
        if (what == "dropped") v = (legit[s[i]] > 0) ? (dropped[s[i]] == 0) : -1
        else if (what == "held") v = (legit[s[i]] > 0) ? (pct(held[s[i]], legit[s[i]]) <= limit) : -1
        else if (what == "caught") v = (ads[s[i]] > 0) ? (pct(caught[s[i]], ads[s[i]]) >= limit) : -1
        else if (what == "adv") v = (adv_x[s[i]] > 0) ? (pct(adv_ok[s[i]], adv_x[s[i]]) >= limit) : -1
        else if (what == "opt") v = (opt_x[s[i]] > 0) ? (pct(opt_ok[s[i]], opt_x[s[i]]) >= limit) : -1
        if (v == -1) continue
        any = 1
        if (!v) ok = 0
    }
    return any ? ok : -1
}

function figures(list, num, den,    i, n, s, out) {
    n = split(list, s, " "); out = ""
    for (i = 1; i <= n; i++)
        out = out (out ? ", " : "") label[s[i]] " " (num == "dropped" ? frac(dropped[s[i]], legit[s[i]]) : \
            num == "held" ? frac(held[s[i]], legit[s[i]]) : num == "caught" ? frac(caught[s[i]], ads[s[i]]) : \
            num == "adv" ? frac(adv_ok[s[i]], adv_x[s[i]]) : frac(opt_ok[s[i]], opt_x[s[i]]))
    return out
}

END {
    label["own-text"] = "own text"; label["own-pages"] = "own pages"; label["corpus"] = "corpus"
    printf "%-20s %4s  %-15s %-9s %-14s %-13s %-15s %-15s %6s %3s  %-15s %-15s\n", "source", "n", "ads not printed",
        "precision", "legit held", "legit dropped", "advertiser id", "opt-out right", "OCR ms", "err",
        "bogo S ads legit", "bogo S+U"
    line("own-text", "own report, text")
    line("own-text/en", "  en"); line("own-text/fr", "  fr"); line("own-text/de", "  de")
    line("own-pages", "own report, pages")
    line("own-pages/en", "  en"); line("own-pages/fr", "  fr"); line("own-pages/de", "  de")
    if (have_corpus) {
        line("funsd", "FUNSD pages")
        line("itu", "ITU T.24 charts")
        line("tobacco", "Tobacco 5-fold")
        line("corpus", "corpus, all")
    }

    # Tobacco: each filter at its shipped cut-off (faxgate: hold threshold, bogofilter: S), and each
    # at its best cut-off with at most 2 false positives, chosen on the test folds themselves (an
    # oracle, the same for both: neither could pick it in service)
    b_ship_tp = b_s_ads["tobacco"] + 0; b_ship_fp = b_s_leg["tobacco"] + 0
    best_cut(tob_ad, n_tob_ad, tob_leg, n_tob_leg, 2); b_tp = cut_tp; b_fp = cut_fp; b_c = cut_c
    best_cut(fg_ad, n_fg_ad, fg_leg, n_fg_leg, 2); f_tp = cut_tp; f_fp = cut_fp; f_c = cut_c
    if (have_corpus && n_tob_ad + n_tob_leg > 0) {
        printf "Tobacco at the best cut-off with <= 2 false positives, chosen on the test folds (an oracle, for both):\n"
        printf "  faxgate    score >= %s: ads %d/%d, legit %d/%d\n", f_c, f_tp, n_fg_ad, f_fp, n_fg_leg
        printf "  bogofilter spamicity >= %.6g: ads %d/%d, legit %d/%d\n", b_c, b_tp, n_tob_ad, b_fp, n_tob_leg
    }

    print ""
    print "Done when (issue 3):"
    own = "own-text own-pages"; all = have_corpus ? own " corpus" : own
    crit(all_ok(all, "dropped"), "0 legitimate pages dropped: " figures(all, "dropped"))
    crit(all_ok(all, "held", 2), "legit held <= 2%: " figures(all, "held"))
    # the 96 % target is for fax advertisements; Tobacco3482's ADVE pages are magazine and poster
    # adverts (not faxes), judged by the comparison with bogofilter below, as issue 14 decided
    crit(all_ok(own, "caught", 96), "ads not printed >= 96% (fax advertisements): " figures(own, "caught") \
        (have_corpus && ads["tobacco"] > 0 ? sprintf("; Tobacco3482's print adverts (not faxes, %s) are judged by the comparison with bogofilter below", \
            frac(caught["tobacco"], ads["tobacco"])) : ""))
    crit(all_ok(own, "adv", 90), "advertiser identified >= 90%: " figures(own, "adv") \
        (have_corpus ? " (corpus: no expected advertisers labelled)" : ""))
    crit(all_ok(all, "opt", 90), "opt-out presence right >= 90%: " figures(all, "opt"))
    if (have_corpus && ads["tobacco"] + legit["tobacco"] > 0) {
        fp = held["tobacco"] + dropped["tobacco"]
        crit(fp <= 2 && caught["tobacco"] > b_ship_tp && f_tp > b_tp,
            sprintf("Tobacco: faxgate catches more ads than bogofilter at <= 2 false positives in %d: as shipped faxgate %d/%d with %d FP, bogofilter %d/%d with %d FP; each at its best cut-off faxgate %d/%d with %d FP, bogofilter %d/%d with %d FP",
                legit["tobacco"], caught["tobacco"], ads["tobacco"], fp, b_ship_tp, n_tob_ad, b_ship_fp,
                f_tp, n_fg_ad, f_fp, b_tp, n_tob_ad, b_fp))
    } else {
        crit(-1, "Tobacco: faxgate vs bogofilter (corpus absent)")
    }
    n_err = 0
    for (g in rows) if (g == "own-text" || g == "own-pages" || g == "funsd" || g == "itu" || g == "tobacco") n_err += err[g]
    crit(n_err == 0 && errors_extra == 0, sprintf("every row judged without error: %d row errors, %d failed runs", n_err, errors_extra))
    if (!learned) print "NOTE          the learned part is absent: these are the named rules alone"
    exit failed > 100 ? 100 : failed
}
