// faxgate tests — checks the headless-Chromium driver (cdp.mjs) against pages served here on
// loopback, so that a web admin test that passes means what it says: the driver must see a form
// submitted, a script that ran (a dialog), a script the Content-Security-Policy stopped, and write
// a real PNG. Prints TAP.   node --experimental-websocket tests/web/cdp_selftest.mjs PROFILE-DIR
import http from 'node:http';
import { readFile, rm } from 'node:fs/promises';
import { Browser } from './cdp.mjs';

const profile = process.argv[2] || '/tmp/faxgate-cdp-selftest';
const CSP = "default-src 'self'; script-src 'self'; object-src 'none'";
const pages = {
    '/': [CSP, '<!doctype html><title>form</title><form method="post" action="/submit">' +
               '<input id="q" name="q"><button type="submit">Go</button></form>'],
    '/blocked': [CSP, '<!doctype html><title>blocked</title><p id="t">x</p><script>alert("ran")</script>'],
    '/runs': ['', '<!doctype html><title>runs</title><p id="t">x</p><script>alert("ran")</script>'],
};
const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/submit') {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
            const q = new URLSearchParams(body).get('q') || '';
            res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP });
            res.end(`<!doctype html><title>got</title><p id="got">${q.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`);
        });
        return;
    }
    const p = pages[req.url];
    if (!p) {
        res.writeHead(404);
        res.end();
        return;
    }
    const h = { 'Content-Type': 'text/html; charset=utf-8' };
    if (p[0])
        h['Content-Security-Policy'] = p[0];
    res.writeHead(200, h);
    res.end(p[1]);
});

let n = 0, failed = 0;
function check(what, ok) {
    n++;
    if (!ok)
        failed++;
    console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}`);
}

await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
let b;
try {
    b = await Browser.launch({ profile });
    const p = await b.page();
    check('a page opens (HTTP 200)', (await p.goto(`${base}/`)) === 200);
    await p.fill('#q', '<b>"x"</b>');
    await p.click('button[type=submit]', { nav: true });
    check('a form is filled and submitted by a click', (await p.text('#got')) === '<b>"x"</b>');
    check('nothing ran so far', b.incidents.length === 0);
    await p.goto(`${base}/blocked`);
    await new Promise((r) => setTimeout(r, 300));
    check('an inline script under CSP is reported blocked, and opens no dialog',
          b.incidents.some((i) => i.startsWith('CSP')) && !b.incidents.some((i) => i.startsWith('dialog')));
    b.incidents.length = 0;
    await p.goto(`${base}/runs`);
    await new Promise((r) => setTimeout(r, 300));
    check('a script that runs is seen (its dialog)', b.incidents.some((i) => i === 'dialog alert: ran'));
    await p.screenshot(`${profile}/shot.png`);
    const png = await readFile(`${profile}/shot.png`);
    check('a screenshot is a PNG', png.length > 1000 && png.subarray(1, 4).toString() === 'PNG');
} catch (e) {
    check(`the driver works: ${e.message}`, false);
} finally {
    if (b)
        await b.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
}
console.log(`1..${n}`);
console.log(`# ${n - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
