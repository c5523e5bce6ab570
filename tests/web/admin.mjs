// faxgate tests — the web admin in headless Chromium, as the person who looks after the MFP uses it
// (driven by tests/e2e/web_browser.sh, which places the fax calls and checks the store and the
// printer around it). Prints TAP lines (numbered from --from) and writes screenshots.
//
//   node --experimental-websocket admin.mjs PHASE --web URL --user NAME --password PW --profile DIR
//        --shots DIR --from N [--held-ad ID] [--held-biz ID] [--delivered-ad ID] [--hostile ID]
//        [--block-tsi TSI] [--screened ID]
//   PHASE act:   log in, look (quarantine, call list, a hostile call's page), release, junk, block,
//                and a forged cross-origin form; every step as a user would, by clicks and forms
//   PHASE check: log in again and see the call that the block refused, marked screened
import http from 'node:http';
import { rm, writeFile } from 'node:fs/promises';
import { Browser } from './cdp.mjs';

const argv = process.argv.slice(2);
const phase = argv[0];
const opt = {};
for (let i = 1; i < argv.length; i += 2)
    opt[argv[i].replace(/^--/, '')] = argv[i + 1];
let n = Number(opt.from || 1) - 1, failed = 0;
function check(what, ok) {
    n++;
    if (!ok)
        failed++;
    console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}`);
    return ok;
}
const web = opt.web.replace(/\/$/, '');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function login(p, password) {
    await p.goto(`${web}/login`);
    await p.fill('input[name=name]', opt.user);
    await p.fill('input[name=password]', password);
    await p.click('form[action="/login"] button', { nav: true });
    return p.eval('location.pathname');
}

// the page shows the fax's hostile strings as text, and made none of them markup or a link
async function inert(p) {
    return p.eval(`(() => {
        const t = document.body.textContent;
        return { script: t.includes('<script>alert(1)</script>'), img: t.includes('"><img src=x onerror=alert(1)>'),
                 js: t.includes('javascript:alert(1)'),
                 bad: document.querySelectorAll('img[src="x"], a[href^="javascript"], [onerror]').length +
                      [...document.scripts].filter((s) => !s.src).length };
    })()`);
}

async function act(b, p) {
    await p.goto(`${web}/calls`);
    check('an anonymous visit to /calls lands on the login page', (await p.eval('location.pathname')) === '/login');
    check('a wrong password is refused, with a message',
          (await login(p, 'not-' + opt.password)) === '/login' && (await p.count('.error')) > 0);
    check('the right password opens the call list', (await login(p, opt.password)) === '/calls');
    const cookie = (await p.cookies()).find((c) => c.httpOnly);
    check('the session cookie is HttpOnly and SameSite=Strict', !!cookie && cookie.sameSite === 'Strict');

    await p.goto(`${web}/quarantine`);
    await sleep(300);
    const thumb = await p.eval(`(() => { const i = document.querySelector('img.thumb[src="/calls/${opt['held-ad']}/thumb.png"]');
                                         return i ? { w: i.naturalWidth, h: i.naturalHeight, done: i.complete } : null; })()`);
    check(`the quarantine shows the held ad (call ${opt['held-ad']}) with its page-1 thumbnail (${thumb ? thumb.w + 'x' + thumb.h : 'none'})`,
          !!thumb && thumb.done && thumb.w > 50 && thumb.h > 50);
    await p.screenshot(`${opt.shots}/web-quarantine.png`);

    await p.goto(`${web}/calls`);
    await sleep(300);
    let s = await inert(p);
    const tsi = await p.eval(`document.body.textContent.includes('<script>x</script>')`);
    check('the call list shows the hostile fax\'s TSI <script>x</script> as text and makes nothing of it markup',
          tsi && s.bad === 0);
    await p.screenshot(`${opt.shots}/web-calls.png`);
    await p.goto(`${web}/calls/${opt.hostile}`);
    await sleep(300);
    s = await inert(p);
    check(`the hostile call's page (call ${opt.hostile}) shows <script>, "><img onerror> and javascript: as text, runs nothing`,
          s.script && s.img && s.js && s.bad === 0);
    check('its pages are shown as images', (await p.count(`img.page[src^="/calls/${opt.hostile}/page/"]`)) > 0);
    const marks = await p.eval(`({ rects: document.querySelectorAll('svg.marks rect.m-adv').length,
                                   text: [...document.querySelectorAll('pre.ocr mark.m-adv')].map((m) => m.textContent) })`);
    check(`where the call-back number was found is marked on page 1 and in its text (${marks.rects} box, ${JSON.stringify(marks.text)})`,
          marks.rects > 0 && marks.text.some((t) => t.includes('555-0190')));
    await p.screenshot(`${opt.shots}/web-call.png`);

    await p.goto(`${web}/calls/${opt['held-biz']}`);
    await p.click(`form[action="/calls/${opt['held-biz']}/release"] button`, { nav: true });
    check(`releasing the held business fax (call ${opt['held-biz']}) from its page is accepted`,
          (await p.count('.error')) === 0);

    await p.goto(`${web}/calls/${opt['delivered-ad']}`);
    await p.click(`form[action="/calls/${opt['delivered-ad']}/junk"] button`, { nav: true });
    check(`marking the delivered ad (call ${opt['delivered-ad']}) junk from its page is accepted`,
          (await p.count('.error')) === 0);

    await p.goto(`${web}/lists`);
    await p.eval(`(() => { const f = document.querySelector('form[action="/lists/block"] input[name=op][value=add]').form;
                           f.querySelector('select[name=role]').value = 'broadcaster';
                           f.querySelector('select[name=kind]').value = 'tsi'; })()`);
    await p.fill('form[action="/lists/block"] input[name=value]', opt['block-tsi']);
    await p.fill('form[action="/lists/block"] input[name=note]', 'sent from the browser test');
    await p.click('form[action="/lists/block"] input[name=op][value=add] ~ button', { nav: true });
    check(`a block on TSI ${opt['block-tsi']} added on the lists page is listed there`,
          (await p.eval('document.body.textContent')).includes(opt['block-tsi']));
    const edit = `form[action="/lists/block"]:has(input[name=op][value=edit]):has(input[name=value][value="${opt['block-tsi']}"])`;
    await p.fill(`${edit} input[name=note]`, 'edited in the browser');
    await p.click(`${edit} button`, { nav: true });
    check(`its note is edited in place on the lists page`,
          (await p.eval(`document.querySelector('${edit} input[name=note]')?.value`)) === 'edited in the browser');

    // a complaint bundle, as the operator downloads it from the violations page
    await p.goto(`${web}/violations`);
    const link = await p.eval(`(() => { const a = document.querySelector('a[href^="/calls/${opt['held-ad']}/report.pdf"]');
                                        return a ? a.getAttribute('href') : null; })()`);
    const got = link ? await p.eval(`fetch(${JSON.stringify(link)}).then(async (r) => {
        const b = new Uint8Array(await r.arrayBuffer()); let s = '';
        for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
        return { status: r.status, type: r.headers.get('content-type'), disp: r.headers.get('content-disposition'), b64: btoa(s) };
    })`) : null;
    const pdf = got ? Buffer.from(got.b64, 'base64') : Buffer.alloc(0);
    if (pdf.length)
        await writeFile(`${opt.shots}/web-complaint.pdf`, pdf);
    check(`the violations page offers the held ad's complaint PDF (${link}), which downloads as a PDF attachment (${got ? got.status + ' ' + got.type + ', ' + pdf.length + ' bytes' : 'no link'})`,
          !!got && got.status === 200 && got.type === 'application/pdf' && /^attachment/.test(got.disp || '') &&
          pdf.subarray(0, 5).toString() === '%PDF-');

    // another site the operator visits while logged in posts a form to the admin (CSRF)
    const evil = http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end(`<!doctype html><form id="f" method="post" action="${web}/calls/${opt['held-ad']}/release">` +
                `<input name="csrf" value="guess"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise((r) => evil.listen(0, '127.0.0.1', r));
    const before = b.incidents.length;
    try {
        await p.goto(`http://localhost:${evil.address().port}/`);
        await sleep(1500);
    } finally {
        evil.close();
    }
    b.incidents.length = before;   // the forged page's own script is the attack, not the admin's
    check('a forged form from another origin was sent by the browser (the attack ran)',
          (await p.eval('location.href')).startsWith(web));
}

async function checkPhase(b, p) {
    check('logging in again works', (await login(p, opt.password)) === '/calls');
    const row = await p.eval(`(() => { const a = document.querySelector('a[href="/calls/${opt.screened}"]');
                                       const tr = a && a.closest('tr'); return tr ? tr.textContent : ''; })()`);
    check(`the call the block refused (call ${opt.screened}) is in the call list, marked screened`, row.includes('screened'));
}

let b;
try {
    b = await Browser.launch({ profile: opt.profile });
    const p = await b.page();
    if (phase === 'act')
        await act(b, p);
    else
        await checkPhase(b, p);
    check(`nothing from any page ran in the browser (${b.incidents.join('; ') || 'no dialog, error or CSP report'})`,
          b.incidents.length === 0);
} catch (e) {
    check(`the browser session went through: ${e.message}`, false);
} finally {
    if (b)
        await b.close();
    await rm(opt.profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
