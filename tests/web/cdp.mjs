// faxgate tests — a small driver for headless Chromium over the DevTools protocol (CDP), with
// nothing from npm: Node's WebSocket (node --experimental-websocket on Node 20) and the browser
// Debian ships (/usr/lib/chromium/chromium). What the web admin's end-to-end tests need and no
// more: open pages, fill and submit forms, click, read the DOM, take screenshots — and notice
// anything a hostile page could make run: a JavaScript dialog (alert, confirm, prompt), a page
// error, or a Content-Security-Policy violation reported to the console.
//
//   const b = await Browser.launch({ profile: DIR });
//   const p = await b.page();
//   await p.goto(url); await p.fill('#user', 'ann'); await p.click('button[type=submit]', { nav: true });
//   await p.screenshot(file); b.incidents → [] when nothing ran; await b.close();
import { spawn } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const CHROMIUM = process.env.FAXGATE_CHROMIUM || '/usr/lib/chromium/chromium';

export class Browser {
    static async launch({ profile, timeout = 20000 } = {}) {
        if (!existsSync(CHROMIUM))
            throw new Error(`${CHROMIUM} is missing: install Debian's chromium (make deps)`);
        await mkdir(profile, { recursive: true });
        const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
                      '--no-default-browser-check', '--disable-extensions', '--disable-background-networking',
                      '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
                      `--user-data-dir=${profile}`, '--window-size=1280,900', 'about:blank'];
        const proc = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'ignore'], detached: false });
        const portFile = `${profile}/DevToolsActivePort`;
        const t0 = Date.now();
        let text = '';
        while (Date.now() - t0 < timeout) {
            if (proc.exitCode !== null)
                throw new Error(`chromium exited at start (status ${proc.exitCode})`);
            try { text = await readFile(portFile, 'utf8'); } catch { text = ''; }
            if (text.includes('\n'))
                break;
            await sleep(100);
        }
        const [port, path] = text.trim().split('\n');
        if (!port || !path) {
            proc.kill('SIGKILL');
            throw new Error(`chromium did not open its DevTools port within ${timeout} ms`);
        }
        const b = new Browser(proc);
        await b.connect(`ws://127.0.0.1:${port}${path}`);
        return b;
    }

    constructor(proc) {
        this.proc = proc;
        this.nextId = 1;
        this.pending = new Map();
        this.listeners = [];
        this.incidents = [];   // what a page made run or broke: dialogs, errors, CSP violations
    }

    connect(url) {
        return new Promise((resolve, reject) => {
            this.ws = new WebSocket(url);
            this.ws.onopen = () => resolve();
            this.ws.onerror = (e) => reject(new Error(`DevTools connection failed: ${e.message || e.type}`));
            this.ws.onmessage = (m) => this.dispatch(JSON.parse(m.data));
        });
    }

    dispatch(msg) {
        if (msg.id && this.pending.has(msg.id)) {
            const { resolve, reject, method } = this.pending.get(msg.id);
            this.pending.delete(msg.id);
            if (msg.error)
                reject(new Error(`${method}: ${msg.error.message}`));
            else
                resolve(msg.result);
            return;
        }
        for (const l of this.listeners)
            if (l.method === msg.method && (!l.session || l.session === msg.sessionId))
                l.fn(msg.params, msg.sessionId);
    }

    send(method, params = {}, sessionId) {
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject, method });
            this.ws.send(JSON.stringify({ id, method, params, sessionId }));
        });
    }

    on(method, fn, session) {
        const l = { method, fn, session };
        this.listeners.push(l);
        return () => { this.listeners = this.listeners.filter((x) => x !== l); };
    }

    async page() {
        const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
        const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
        const p = new Page(this, sessionId);
        await p.init();
        return p;
    }

    async close() {
        try { await this.send('Browser.close'); } catch { /* already gone */ }
        try { this.ws.close(); } catch { /* closed */ }
        const t0 = Date.now();
        while (this.proc.exitCode === null && Date.now() - t0 < 5000)
            await sleep(50);
        if (this.proc.exitCode === null)
            this.proc.kill('SIGKILL');
    }
}

export class Page {
    constructor(browser, session) {
        this.b = browser;
        this.s = session;
    }

    send(method, params) {
        return this.b.send(method, params, this.s);
    }

    async init() {
        await this.send('Page.enable');
        await this.send('Runtime.enable');
        await this.send('Log.enable');
        // a dialog is code that ran: record it and dismiss it so that the page goes on
        this.b.on('Page.javascriptDialogOpening', (p) => {
            this.b.incidents.push(`dialog ${p.type}: ${p.message}`);
            this.send('Page.handleJavaScriptDialog', { accept: false }).catch(() => {});
        }, this.s);
        this.b.on('Runtime.exceptionThrown', (p) => {
            this.b.incidents.push(`page error: ${p.exceptionDetails.exception?.description || p.exceptionDetails.text}`);
        }, this.s);
        this.b.on('Log.entryAdded', (p) => {
            if (/Content Security Policy/i.test(p.entry.text))
                this.b.incidents.push(`CSP: ${p.entry.text}`);
        }, this.s);
        this.b.on('Runtime.consoleAPICalled', (p) => {
            const text = p.args.map((a) => a.value ?? a.description ?? '').join(' ');
            if (/Content Security Policy/i.test(text))
                this.b.incidents.push(`CSP: ${text}`);
        }, this.s);
    }

    // Navigates and waits for the load event; returns the HTTP status of the document.
    async goto(url, { timeout = 15000 } = {}) {
        let status = 0;
        const offResp = this.b.on('Network.responseReceived', (p) => {
            if (p.type === 'Document')
                status = p.response.status;
        }, this.s);
        await this.send('Network.enable');
        const loaded = this.waitFor('Page.loadEventFired', timeout);
        const r = await this.send('Page.navigate', { url });
        if (r.errorText) {
            offResp();
            throw new Error(`navigate ${url}: ${r.errorText}`);
        }
        await loaded;
        offResp();
        return status;
    }

    waitFor(method, timeout = 15000) {
        return new Promise((resolve, reject) => {
            const t = setTimeout(() => { off(); reject(new Error(`timed out waiting for ${method}`)); }, timeout);
            const off = this.b.on(method, (p) => { clearTimeout(t); off(); resolve(p); }, this.s);
        });
    }

    // The value of an expression in the page (awaited if it is a promise).
    async eval(expression) {
        const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
        if (r.exceptionDetails)
            throw new Error(`eval ${expression}: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
        return r.result.value;
    }

    text(selector) {
        return this.eval(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
                                  return e ? e.textContent : null; })()`);
    }

    count(selector) {
        return this.eval(`document.querySelectorAll(${JSON.stringify(selector)}).length`);
    }

    async fill(selector, value) {
        const ok = await this.eval(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
            if (!e) return false; e.value = ${JSON.stringify(value)};
            e.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`);
        if (!ok)
            throw new Error(`fill: no element ${selector}`);
    }

    // Clicks an element as a user would (a real mouse event at its centre); with nav, waits for the
    // page it leads to.
    async click(selector, { nav = false, timeout = 15000 } = {}) {
        const box = await this.eval(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
            if (!e) return null; e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect();
            return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
        if (!box)
            throw new Error(`click: no element ${selector}`);
        const loaded = nav ? this.waitFor('Page.loadEventFired', timeout) : null;
        for (const type of ['mousePressed', 'mouseReleased'])
            await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
        if (loaded)
            await loaded;
    }

    async screenshot(file) {
        const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
        await writeFile(file, Buffer.from(data, 'base64'));
    }

    // Cookies of the page's origin, as the browser keeps them (HttpOnly ones too).
    async cookies() {
        const { cookies } = await this.send('Network.getCookies');
        return cookies;
    }
}
