import type { Role } from '@g2g/platform';
import { Html, html } from './html';
import { Label, Lang, t } from './i18n';

export interface Visitor {
  code: string;
  kind: Role;
  name: string;
  lang: Lang;
  csrf: string;
  /** the path and query of the page, to switch its language in place */
  url: string;
}

/** Which pages each kind of participant is shown (the services' access rules still decide every read). */
export const PAGES: Record<Role, readonly [path: string, label: Label][]> = {
  regulator: [
    ['/console/dashboard', 'dashboard'],
    ['/console/roll-forward', 'rollForward'],
    ['/console/guarantees', 'guarantees'],
    ['/console/alerts', 'alerts'],
  ],
  operator: [
    ['/console/dashboard', 'dashboard'],
    ['/console/roll-forward', 'rollForward'],
    ['/console/guarantees', 'guarantees'],
    ['/console/batches', 'batches'],
  ],
  guarantor: [
    ['/console/position', 'position'],
    ['/console/guarantees', 'guarantees'],
    ['/console/alerts', 'alerts'],
  ],
  reguarantor: [
    ['/console/position', 'position'],
    ['/console/guarantees', 'guarantees'],
    ['/console/statements', 'statements'],
    ['/console/alerts', 'alerts'],
  ],
  fund: [
    ['/console/position', 'position'],
    ['/console/guarantees', 'guarantees'],
    ['/console/statements', 'statements'],
    ['/console/alerts', 'alerts'],
  ],
  bank: [
    ['/console/batches', 'batches'],
    ['/console/guarantees', 'guarantees'],
    ['/console/alerts', 'alerts'],
  ],
};

export const homeOf = (kind: Role) => PAGES[kind][0][0];

/** The page's own address in the other language. */
function switchLanguage(url: string, lang: Lang): string {
  const u = new URL(url, 'http://console.invalid');
  u.searchParams.set('lang', lang);
  u.searchParams.delete('export');
  u.searchParams.delete('format');
  return `${u.pathname}${u.search}`;
}

export function page(v: Visitor | { lang: Lang; url: string }, title: string, body: Html, options: { printable?: boolean } = {}): Html {
  const lang = v.lang;
  const signedIn = 'code' in v;
  const here = new URL(v.url, 'http://console.invalid').pathname;
  const nav = signedIn
    ? html`<nav aria-label="${t(lang, 'console')}"><ul>${PAGES[v.kind].map(([path, label]) => html`<li><a href="${path}"${here === path ? html` aria-current="page"` : ''}>${t(lang, label)}</a></li>`)}</ul></nav>`
    : '';
  const who = signedIn
    ? html`<div class="who"><span>${t(lang, 'signedInAs')}: <strong>${v.name}</strong> (${v.code}, ${v.kind})</span>
<form method="post" action="/console/sign-out"><input type="hidden" name="_csrf" value="${v.csrf}"><button type="submit">${t(lang, 'signOut')}</button></form></div>`
    : '';
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  return html`<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t(lang, 'console')}</title>
<link rel="stylesheet" href="/console/assets/console.css"><script src="/console/assets/console.js" defer></script></head>
<body${options.printable ? html` class="printable"` : ''}>
<a class="skip" href="#main">${t(lang, 'skip')}</a>
<header><p class="brand"><a href="/console">${t(lang, 'console')}</a></p>${nav}
<p class="lang">${t(lang, 'language')}: <a href="${switchLanguage(v.url, other)}" lang="${other === 'zh' ? 'zh-CN' : 'en'}" hreflang="${other === 'zh' ? 'zh-CN' : 'en'}" data-lang="${other}">${other === 'zh' ? '中文' : 'English'}</a></p>${who}</header>
<main id="main"><h1>${title}</h1>
${body}</main>
</body></html>`;
}
